"""A row read as columns and made the session's object (`models.row_objects`) is what the ORM
would have loaded with `populate_existing`: a new object is persistent and clean, found by
`session.get` without a query, and a change to it is written as an UPDATE at the next flush;
an object the session already holds is the one given back, with the row's values and nothing
left pending."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.engine import Engine
from sqlmodel import select as select_objects

from checklists.loader import Registry
from models import driver_sql
from models.db import session_scope
from models.review import ReviewTask
from models.row_objects import as_object, row_columns
from tests.factories import make_submission

TASKS = ReviewTask.__table__  # type: ignore[attr-defined]
TASK_ROWS = (
    select(*row_columns(ReviewTask))
    .where(TASKS.c.submission_id == bindparam("sid"))
    .order_by(TASKS.c.id)
)


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    def see(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", see)
    return seen


def test_a_new_object_is_persistent_clean_and_its_changes_are_updates(
    people: Engine, checklist_registry: Registry
) -> None:
    sid = make_submission(people, checklist_registry)
    with session_scope(people) as session:
        [row] = driver_sql.read(session, TASK_ROWS, {"sid": sid})
        task = as_object(session, ReviewTask, row)
        state = inspect(task)
        assert state.persistent and not state.modified and task not in session.dirty
        assert (task.id, task.stage, task.status) == (row.id, row.stage, "open")
        seen = _statements(people)
        assert session.get(ReviewTask, row.id) is task
        assert seen == []  # found in the identity map
        task.status = "cancelled"
        session.flush()
        assert [s.split()[0] for s in seen] == ["UPDATE"]
    with session_scope(people) as session:
        assert [t.status for t in session.exec(select_objects(ReviewTask))] == ["cancelled"]


def test_an_object_the_session_holds_is_given_back_with_the_rows_values(
    people: Engine, checklist_registry: Registry
) -> None:
    sid = make_submission(people, checklist_registry)
    with session_scope(people) as session:
        [row] = driver_sql.read(session, TASK_ROWS, {"sid": sid})
        held = session.get(ReviewTask, row.id)
        assert held is not None
        held.status = "changed here, not written"
        assert as_object(session, ReviewTask, row) is held
        assert held.status == "open" and not inspect(held).attrs.status.history.has_changes()
        seen = _statements(people)
        session.flush()
        assert seen == []  # nothing left to write
    with session_scope(people) as session:
        assert [t.status for t in session.exec(select_objects(ReviewTask))] == ["open"]
