"""The embedded database: writers serialise, readers never wait for them."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from models.db import make_engine, session_scope


def test_a_reader_does_not_wait_for_a_writer_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    holding, release = threading.Event(), threading.Event()

    def writer():
        with session_scope(engine) as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        with session_scope(engine, read_only=True) as session:
            assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0  # not committed
        assert time.monotonic() - started < 1.0
        # A second writer has to wait for the first (BEGIN IMMEDIATE), so read-then-write
        # sequences never interleave.
        second_started = threading.Event()
        done = threading.Event()

        def second_writer():
            second_started.set()
            with session_scope(engine) as session:
                session.execute(text("INSERT INTO t VALUES (2)"))
            done.set()

        other = threading.Thread(target=second_writer)
        other.start()
        second_started.wait(5)
        assert not done.wait(0.5)  # still blocked behind the first writer
    finally:
        release.set()
        thread.join()
    other.join()
    with session_scope(engine, read_only=True) as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 2
    engine.dispose()
