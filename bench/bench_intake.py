"""Intake cost: checking + routing + storing a submission, against a plain insert of the same row.

Reports submissions per second on SQLite for `services.intake.submit` (answers checked, route
evaluated, pins, answers, flags, tasks and log entries written) and for the baseline (one
`Submission` row and its answers inserted with SQLModel, no checks), and the ratio between them.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.baseline import insert_plain
from checklists.loader import registry
from models.db import dispose_engine, engine_for, session_scope
from models.migrate import upgrade
from services.submit import submit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.fixtures import load_demo_directory, submission_document

COUNT = 300


def _baseline(url: str, data: dict[str, Any]) -> float:
    start = time.perf_counter()
    for _ in range(COUNT):
        with session_scope(engine_for(url)) as session:
            insert_plain(session, data)
    return COUNT / (time.perf_counter() - start)


def _intake(url: str, data: dict[str, Any]) -> float:
    reg = registry()
    start = time.perf_counter()
    for _ in range(COUNT):
        with session_scope(engine_for(url)) as session:
            submit(session, data, reg)
    return COUNT / (time.perf_counter() - start)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        upgrade(url)
        load_demo_directory(engine_for(url))
        data = submission_document()
        rounds = [(_baseline(url, data), _intake(url, data)) for _ in range(3)]
        dispose_engine(url)
    base = statistics.median(r[0] for r in rounds)
    intake = statistics.median(r[1] for r in rounds)
    print(f"intake (submit, SQLite, one transaction each): {intake:8.1f} submissions/s")
    print(f"baseline (plain SQLModel insert of the rows):   {base:8.1f} submissions/s")
    print(f"ratio intake/baseline throughput: {intake / base:.2f}")


if __name__ == "__main__":
    main()
