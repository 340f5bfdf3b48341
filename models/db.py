"""Engines and sessions: SQLite (embedded: WAL, busy timeout, immediate locks) or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, event, or_
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from dfr.settings import get_settings

READ_ONLY = "dfr_read_only"
# The largest id a row can have on every database we run on: ids are `Integer` columns, 32-bit
# in PostgreSQL (SQLite's are 64-bit). A larger id names no row; asking for it is an error.
LARGEST_ID = 2**31 - 1


def any_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column` equal to one of a few fixed `values`, written `= … OR = …` (both databases
    plan it as IN): unlike `in_`, whose list is spliced into the SQL at every execution, a
    statement built once with it is compiled once."""
    return or_(*(column == value for value in sorted(values)))


def configure_sqlite(engine: Engine) -> None:
    """dfr's SQLite connection: WAL, a busy timeout, foreign keys, and writers that lock at the
    start of their transaction."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock at the start, so read-then-write (the decision log's
        # head, a task's status) cannot interleave with another writer. Readers do not wait.
        # Sent on the driver's connection: a statement through SQLAlchemy's execution (its
        # cursor, result and events) costs ten times the BEGIN itself, every transaction.
        begin = "BEGIN" if connection.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE"
        driver_error = connection.dialect.loaded_dbapi.Error
        try:
            connection.connection.driver_connection.execute(begin)
        except driver_error as err:  # as SQLAlchemy raises it ("database is locked")
            raise DBAPIError.instance(begin, None, err, driver_error) from err


def make_engine(url: str) -> Engine:
    """An engine for `url`; creates the folder of an embedded SQLite file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10})
        configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


_engines: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine (and connection pool) per URL for the life of the process."""
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def dispose_engine(url: str) -> None:
    """Close the pool for `url` and forget it (tests, shutdown)."""
    engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


_ready: set[str] = set()


def default_engine() -> Engine:
    """The engine for the configured database, once this process has seen that it has the
    newest schema (checked here once for every front door, so a command run against a file
    `dfr init` never prepared is told so, not met with an SQL error)."""
    settings = get_settings()
    if settings.database_url not in _ready:
        from models.migrate import require_current_schema  # it builds on this module

        require_current_schema(settings.database_url, settings.safe_database_url())
        _ready.add(settings.database_url)
    return engine_for(settings.database_url)


@contextmanager
def session_scope(engine: Engine | None = None, *, read_only: bool = False) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back (changing nothing) on error.

    `read_only` sessions (show, lists, audit) never take SQLite's write lock.
    """
    bind = engine or default_engine()
    if read_only:
        bind = bind.execution_options(**{READ_ONLY: True})
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def refresh_statistics(engine: Engine) -> None:
    """Give SQLite's query planner fresh table statistics (PostgreSQL's autovacuum keeps its
    own). Without them SQLite can pick an index that reads every open task for a page of 25."""
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


_read_write_commits = [0]


@event.listens_for(Engine, "commit")
def _count_commit(connection: Any) -> None:
    if not connection.get_execution_options().get(READ_ONLY):
        _read_write_commits[0] += 1


def read_write_commits() -> int:
    """How many read-write transactions this process has committed, on any engine: a front
    door compares it before and after a command so it never tells a person that nothing was
    changed when something may have been."""
    return _read_write_commits[0]
