"""JSON read strictly: an object that gives the same key twice is refused, as YAML files are
(`checklists.loader.read_yaml`). The standard parser keeps the last value and says nothing, so
`{"wet_ink_signature": true, "wet_ink_signature": false}` would quietly drop a flag."""

from __future__ import annotations

import json
from typing import Any


class RepeatedKey(ValueError):
    """An object in the JSON gives `key` more than once."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the key {key!r} is given twice")
        self.key = key


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise RepeatedKey(key)
        found[key] = value
    return found


def loads(text: str | bytes) -> Any:
    """`json.loads`, refusing a repeated key (RepeatedKey, a ValueError)."""
    return json.loads(text, object_pairs_hook=_once_each)
