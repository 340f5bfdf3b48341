"""Scratch PostgreSQL databases on the server the tests use: each made with a new name for one
run (a test session, a production stack, a benchmark) and dropped afterwards, connections
still open to it or not. Never the server's own database, which is only connected to."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

# The database connected to, only to create and drop the scratch ones (`DFR_TEST_PG_ADMIN`).
ADMIN_URL = os.environ.get("DFR_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")


def url_of(database: str, driver: str = "psycopg") -> str:
    """An SQLAlchemy URL for `database` on the admin URL's server, through `driver`."""
    base = ADMIN_URL.rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', f'postgresql+{driver}://', 1)}/{database}"


def create_databases(prefix: str, count: int = 1) -> list[str]:
    """`count` new, empty databases named `prefix_<random>` (`_<i>` after it for more than
    one); raises psycopg.OperationalError when the server does not answer within 5 s."""
    suffix = uuid.uuid4().hex[:10]
    names = [f"{prefix}_{suffix}" + (f"_{i}" if count > 1 else "") for i in range(count)]
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    return names


def drop_databases(names: list[str]) -> None:
    """Drop `names`, closing whatever is still connected to them."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_databases(prefix: str, count: int = 1) -> Iterator[list[str]]:
    """`create_databases` for the block, dropped when it ends."""
    names = create_databases(prefix, count)
    try:
        yield names
    finally:
        drop_databases(names)
