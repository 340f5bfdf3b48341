"""A built-once statement run on the driver (`models.driver_sql`) reads and writes what the
same statement run through SQLAlchemy's `Connection.execute` reads and writes (dates, times,
JSON, NULLs), on SQLite and PostgreSQL; a constraint it breaks is SQLAlchemy's IntegrityError,
which a savepoint takes back; statement listeners see it; a statement it cannot run as
SQLAlchemy would is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import bindparam, event, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from checklists.loader import Registry
from models import driver_sql
from models.db import session_scope
from models.review import ReviewTask
from models.row_writes import update_row
from tests.factories import make_submission

TASKS = ReviewTask.__table__  # type: ignore[attr-defined]
TASK_ROWS = select(TASKS).where(TASKS.c.submission_id == bindparam("sid")).order_by(TASKS.c.id)


def _tasks_through_sqlalchemy(session: Session, sid: int) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in session.connection().execute(TASK_ROWS, {"sid": sid})]


def test_rows_read_on_the_driver_are_the_rows_sqlalchemy_reads(
    people: Engine, checklist_registry: Registry
) -> None:
    sid = make_submission(people, checklist_registry)
    opened = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
    with session_scope(people) as session:
        task = session.get(ReviewTask, driver_sql.read(session, TASK_ROWS, {"sid": sid})[0].id)
        assert task is not None
        update_row(session, task, due_date=date(2026, 4, 1), opened_at=opened, scope=["w01"])
    with session_scope(people) as session:
        on_driver = driver_sql.read(session, TASK_ROWS, {"sid": sid})
        assert [tuple(row) for row in on_driver] == _tasks_through_sqlalchemy(session, sid)
        first = on_driver[0]
        assert (first.due_date, first.scope) == (date(2026, 4, 1), ["w01"])
        assert first.opened_at.replace(tzinfo=UTC) == opened


def test_a_broken_constraint_is_sqlalchemys_integrity_error_and_a_savepoint_takes_it_back(
    people: Engine, checklist_registry: Registry
) -> None:
    sid = make_submission(people, checklist_registry)
    with session_scope(people) as session:
        [first, *_] = driver_sql.read(session, TASK_ROWS, {"sid": sid})
        again = {name: value for name, value in first._asdict().items() if name != "id"}
        with pytest.raises(IntegrityError), session.begin_nested():
            driver_sql.run(session, insert(TASKS), again)  # the same stage, round and attempt
        assert len(driver_sql.read(session, TASK_ROWS, {"sid": sid})) == 1


def test_statement_listeners_see_statements_run_on_the_driver(
    people: Engine, checklist_registry: Registry
) -> None:
    sid = make_submission(people, checklist_registry)
    seen: list[tuple[str, bool]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, _params: Any, _ctx: Any, many: bool):
        seen.append((statement.split()[0], many))

    event.listen(people, "before_cursor_execute", listener)
    try:
        with session_scope(people) as session:
            driver_sql.read(session, TASK_ROWS, {"sid": sid})
    finally:
        event.remove(people, "before_cursor_execute", listener)
    assert ("SELECT", False) in seen


def test_a_statement_with_an_expanding_list_is_refused(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(ValueError, match="expanding"):
        driver_sql.read(session, select(TASKS.c.id).where(TASKS.c.id.in_([1, 2])))


def test_a_step_keeps_its_connection_until_its_transaction_ends(engine: Engine) -> None:
    with Session(engine) as session:
        first = driver_sql.step_connection(session)
        assert driver_sql.step_connection(session) is first
        with session.begin_nested():
            assert driver_sql.step_connection(session) is first
        session.commit()
        assert driver_sql.step_connection(session) is session.connection()
