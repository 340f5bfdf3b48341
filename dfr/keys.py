"""Secret keys the application needs: from settings, or in the embedded (demo) mode generated
once into var/. Production (`Settings.production`) never generates one: it refuses to start.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from dfr.errors import DfrError
from dfr.i18n import _
from dfr.settings import Settings

AUDIT_KEY_FILE = "audit-key"

# The secrets read so far, by file, each with the stamp of the file it was read from (inode,
# size, modification time): a decision-log append needs the key every time, and one stat costs
# less than opening and reading the file. A replaced or rewritten file is read again.
_kept: dict[Path, tuple[tuple[int, int, int], str]] = {}


def generated_secret(folder: Path, filename: str, nbytes: int = 32) -> str:
    """The secret kept in `folder/filename`, made there on first use. Processes starting at
    once agree on one: the file appears whole (a hard link of a finished temporary file) and
    only the first link wins."""
    path = folder / filename
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{filename}.{secrets.token_hex(8)}"
        partial.write_text(secrets.token_urlsafe(nbytes) + "\n", encoding="utf-8")
        partial.chmod(0o600)
        try:
            os.link(partial, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            partial.unlink()
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    """The secret in `path`, read from the file only when it differs from the one read last."""
    found = path.stat()
    stamp = (found.st_ino, found.st_size, found.st_mtime_ns)
    kept = _kept.get(path)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    secret = path.read_text(encoding="utf-8").strip()
    _kept[path] = (stamp, secret)
    return secret


def audit_key(settings: Settings) -> bytes:
    """The key that anchors the decision log's head (`DFR_AUDIT_KEY`); in the embedded mode,
    when unset, one generated into var/. Production refuses to run without it: a key kept
    beside the database would not stop someone who can write the database from rewriting
    the log."""
    if settings.audit_key is not None:
        return settings.audit_key.get_secret_value().encode("utf-8")
    if settings.production:
        raise DfrError(
            _(
                "Set DFR_AUDIT_KEY to a long random value kept outside the database: in "
                "production the decision log is anchored with it."
            )
        )
    return generated_secret(Path(settings.var_dir), AUDIT_KEY_FILE).encode("utf-8")
