"""The databases a benchmark runs on, made for one run and removed after it: a SQLite file in a
temporary folder, or a scratch PostgreSQL database (a new name each time, dropped afterwards;
never the tests' database)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

# A database of the server to connect to, only to create and drop the scratch ones.
PG_ADMIN_URL = os.environ.get("DFR_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
SQLITE, POSTGRESQL = "SQLite", "PostgreSQL"


def postgresql_reachable() -> bool:
    """Whether the PostgreSQL server answers; if not, says so (the benchmark leaves it out)."""
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=5).close()
    except psycopg.OperationalError as err:
        print(f"left out: PostgreSQL at {PG_ADMIN_URL} is unreachable ({err})")
        return False
    return True


@contextmanager
def scratch_database(kind: str) -> Iterator[str]:
    """A new, empty database for one run, as an SQLAlchemy URL (psycopg 3 for PostgreSQL)."""
    if kind == SQLITE:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    name = f"dfr_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
