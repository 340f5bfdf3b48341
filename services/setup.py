"""Setting up a database: the newest schema, then the directory of DGs and people loaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checklists.loader import registry
from models.db import engine_for, refresh_statistics, session_scope
from models.migrate import upgrade
from services.directory import load_directory, merge_directory_files


@dataclass(frozen=True)
class Loaded:
    directorates: int
    people: int


def set_up(database_url: str, directory_files: Sequence[Path]) -> Loaded:
    """Check the directory files and the checklists, then migrate the database and load the
    directory (an idempotent upsert). A bad file or checklist stops it before the database is
    touched."""
    directory = merge_directory_files(directory_files)
    registry()
    upgrade(database_url)
    engine = engine_for(database_url)
    with session_scope(engine) as session:
        dgs, people = load_directory(session, directory)
    refresh_statistics(engine)
    return Loaded(dgs, people)
