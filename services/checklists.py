"""Publishing a checklist version: its content hash is recorded, so it may never change again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from checklists.loader import load_registry, lock_key, read_lock, write_lock
from dfr.errors import ValidationError
from dfr.i18n import _


@dataclass(frozen=True)
class Published:
    key: str  # `digital_options@1`, as the lock file names it
    content_hash: str


def publish(folder: Path, checklist_id: str, version: int) -> Published:
    """Record the content hash of `checklist_id` version `version` in `folder`'s lock file.

    The version must say `status: published`; a version published before may be published
    again only with the same content (a changed one needs a new version number)."""
    registry = load_registry(folder, check_published=False)
    checklist = registry.get(checklist_id, version)
    if checklist.definition.status != "published":
        raise ValidationError(
            _("Set `status: published` in {file} first.", file=str(checklist.path)),
            field="status",
        )
    lock = read_lock(folder)
    key = lock_key(checklist_id, version)
    if key in lock and lock[key] != checklist.content_hash:
        raise ValidationError(
            _("{key} was already published with different content; add a new version.", key=key),
            field="version",
        )
    lock[key] = checklist.content_hash
    write_lock(folder, lock)
    return Published(key, checklist.content_hash)
