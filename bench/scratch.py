"""The databases a benchmark runs on, made for one run and removed after it: a SQLite file in a
temporary folder, or a scratch PostgreSQL database (`harness.scratch`: a new name each time,
dropped afterwards)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from harness import scratch

SQLITE, POSTGRESQL = "SQLite", "PostgreSQL"


def postgresql_reachable() -> bool:
    """Whether the PostgreSQL server answers; if not, says so (the benchmark leaves it out)."""
    try:
        psycopg.connect(scratch.ADMIN_URL, connect_timeout=5).close()
    except psycopg.OperationalError as err:
        print(f"left out: PostgreSQL at {scratch.ADMIN_URL} is unreachable ({err})")
        return False
    return True


@contextmanager
def scratch_database(kind: str) -> Iterator[str]:
    """A new, empty database for one run, as an SQLAlchemy URL (psycopg 3 for PostgreSQL)."""
    if kind == SQLITE:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    with scratch.scratch_databases("dfr_bench") as (name,):
        yield scratch.url_of(name)
