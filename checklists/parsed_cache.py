"""What each checklist file said when it was last parsed, found by the SHA-256 of its bytes: a
command reading the checklists parses only the files that changed since, and loads no YAML
parser at all when none did. A file's bytes, not its date, decide whether it changed, so an
entry is never stale: an edited file hashes differently and is parsed again. Only the parsing
is saved: every file is still validated and cross-checked on each load (`checklists.loader`).

Kept as JSON (dates tagged `{"!date": …}`) in var/cache/ when var/ exists, like the other
files of the embedded mode; a value JSON cannot give back exactly is not kept, and a cache that
cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

FORMAT = 1  # bump when what is kept, or how, changes: older files are then ignored


def _keepable(value: Any) -> bool:
    """Whether JSON gives `value` back exactly (with the date tags below)."""
    if isinstance(value, dict):
        return all(
            isinstance(key, str) and not key.startswith("!") and _keepable(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return all(_keepable(item) for item in value)
    return value is None or type(value) in (str, int, float, bool, date, datetime)


def _tagged(value: Any) -> dict[str, str]:
    if isinstance(value, datetime):
        return {"!datetime": value.isoformat()}
    if isinstance(value, date):
        return {"!date": value.isoformat()}
    raise TypeError(f"cannot keep {type(value).__name__}")


def _untagged(mapping: dict[str, Any]) -> Any:
    if len(mapping) == 1:
        if "!date" in mapping:
            return date.fromisoformat(mapping["!date"])
        if "!datetime" in mapping:
            return datetime.fromisoformat(mapping["!datetime"])
    return mapping


class ParsedFiles:
    """The parsed content of files, by the SHA-256 of their bytes, kept in `path` (None: kept
    nowhere, every file parsed)."""

    def __init__(self, path: Path | None, parse: Callable[[Path], Any]) -> None:
        self.path = path
        self.parse = parse
        self._kept = self._load()
        self._used: dict[str, Any] = {}

    def _load(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            with self.path.open(encoding="utf-8") as handle:
                kept = json.load(handle, object_hook=_untagged)
        except (OSError, ValueError):
            return {}
        if not isinstance(kept, dict) or kept.get("format") != FORMAT:
            return {}
        files = kept.get("files")
        return files if isinstance(files, dict) else {}

    def read(self, file: Path) -> Any:
        """What `file` says: as parsed before when its bytes are the same, else parsed now
        (the parser's errors and messages unchanged)."""
        try:
            content = file.read_bytes()
        except OSError:
            return self.parse(file)  # which says what is wrong
        key = hashlib.sha256(content).hexdigest()
        data = self._kept[key] if key in self._kept else self.parse(file)
        if _keepable(data):
            self._used[key] = data
        return data

    def save(self) -> None:
        """Keep the files read since this was opened (and only those), when that changes
        what is kept."""
        if self.path is None or self._used.keys() == self._kept.keys():
            return
        text = json.dumps({"format": FORMAT, "files": self._used}, default=_tagged)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        try:
            self.path.parent.mkdir(exist_ok=True)
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, self.path)  # whole or not at all, for a reader at the same time
        except OSError:
            partial.unlink(missing_ok=True)
