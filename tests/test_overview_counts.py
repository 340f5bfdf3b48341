"""The DG overview's counts cost neither the DG's history nor all its open work: each state's
count is one kept row, and the open work per stage a row per due date (triggers on
`submission` and `review_task`, SQLite and PostgreSQL alike). The counts stay right as
submissions and tasks move, and the query plans show no scan of the DG's submissions or tasks."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from models.db import session_scope
from models.lifecycle import Stage, State
from models.overview import dg_overview
from models.overview_counts import OpenTaskCount
from models.review import ReviewTask
from models.submission import Submission
from services.intake import withdraw
from tests.factories import decide, make_submission, request_changes_then_resubmit

TODAY = date(2027, 3, 1)


def counted(engine: Engine, dg_code: str) -> dict[str, int]:
    """The counts per state, counted the long way (what the overview must agree with)."""
    with session_scope(engine, read_only=True) as session:
        found = dict(
            session.exec(
                select(Submission.state, func.count())
                .where(Submission.dg_code == dg_code)
                .group_by(Submission.state)
            ).all()
        )
    return {state.value: found.get(state.value, 0) for state in State}


def overview_counts(engine: Engine, dg_code: str) -> dict[str, int]:
    with session_scope(engine, read_only=True) as session:
        return dg_overview(session, dg_code, TODAY).by_state


def open_work(engine: Engine, dg_code: str, today: date) -> dict[str, tuple[int, int]]:
    """Open tasks and overdue ones per stage, as the overview shows them."""
    with session_scope(engine, read_only=True) as session:
        found = dg_overview(session, dg_code, today)
    return {group.stage.value: (group.total, group.overdue) for group in found.by_stage}


def open_work_counted(engine: Engine, dg_code: str, today: date) -> dict[str, tuple[int, int]]:
    """The same, counted the long way from the tasks themselves."""
    with session_scope(engine, read_only=True) as session:
        tasks = session.exec(
            select(ReviewTask).where(ReviewTask.dg_code == dg_code, ReviewTask.status == "open")
        ).all()
    return {
        stage.value: (
            sum(1 for t in tasks if t.stage == stage.value),
            sum(1 for t in tasks if t.stage == stage.value and t.due_date and t.due_date < today),
        )
        for stage in Stage
    }


def test_the_counts_per_state_follow_every_move(people, checklist_registry):
    engine, registry = people, checklist_registry
    ids = [make_submission(engine, registry) for _ in range(5)]
    make_submission(engine, registry, dg="HSS", submitter="policy.hss")
    assert overview_counts(engine, "EST")["in_review"] == 5
    decide(engine, registry, ids[0], "digital_options_review", "approve", "dl.est")
    decide(engine, registry, ids[1], "digital_options_review", "reject", "dl.est")
    decide(engine, registry, ids[2], "digital_options_review", "request_changes", "dl.est")
    request_changes_then_resubmit(engine, registry, ids[3], {"digital_options": {}})
    with session_scope(engine) as session:
        withdraw(session, ids[4], "policy.est", "No longer needed.")

    est = overview_counts(engine, "EST")
    assert est == counted(engine, "EST")
    assert est["rejected"] == 1 and est["changes_requested"] == 1 and est["withdrawn"] == 1
    assert sum(est.values()) == 5
    assert overview_counts(engine, "HSS") == counted(engine, "HSS")
    assert overview_counts(engine, "HSS")["in_review"] == 1


def test_the_open_work_per_stage_follows_every_task(people, checklist_registry):
    engine, registry = people, checklist_registry
    ids = [make_submission(engine, registry) for _ in range(3)]
    ids += [make_submission(engine, registry, kind="procurement", buys_digital=True)]
    decide(engine, registry, ids[3], "digital_options_review", "approve", "dl.est")
    decide(engine, registry, ids[0], "digital_options_review", "reject", "dl.est")
    with session_scope(engine) as session:
        withdraw(session, ids[1], "policy.est", "No longer needed.")
    with session_scope(engine) as session:  # one review moves to a later due date
        task = session.exec(select(ReviewTask).where(ReviewTask.submission_id == ids[2])).one()
        due = task.due_date
        assert due is not None
        task.due_date = due + timedelta(days=30)
    with session_scope(engine, read_only=True) as session:
        dues = session.exec(select(ReviewTask.due_date).where(ReviewTask.status == "open")).all()
    days = sorted({d for d in dues if d is not None})
    for today in (days[0], days[0] + timedelta(days=1), days[-1] + timedelta(days=1)):
        assert open_work(engine, "EST", today) == open_work_counted(engine, "EST", today)
    assert open_work(engine, "EST", days[-1] + timedelta(days=1)) == {
        "digital_options_review": (1, 1),
        "category_review": (1, 1),
        "service_assessment": (0, 0),
    }
    with session_scope(engine, read_only=True) as session:  # no date kept without open work
        assert all(row.tasks > 0 for row in session.exec(select(OpenTaskCount)).all())


def overview_statements(engine: Engine, dg_code: str) -> list[tuple[str, object]]:
    """The SELECTs the overview sends, with their parameters."""
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with session_scope(engine, read_only=True) as session:
            dg_overview(session, dg_code, TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return sent


def plan(engine: Engine, statement: str, parameters: object) -> str:
    """The query plan, as the database prints it. PostgreSQL is told to avoid sequential
    scans, so that on a few test rows it still shows the plan a large table gets: it scans
    only where no index can serve the query."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)  # type: ignore[arg-type]
            return "\n".join(row[0] for row in rows)
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)  # type: ignore[arg-type]
        return "\n".join(row[-1] for row in rows)


def test_the_overview_reads_indexes_not_the_dgs_history(people, checklist_registry):
    engine, registry = people, checklist_registry
    for _ in range(3):
        make_submission(engine, registry)
    make_submission(engine, registry, kind="procurement", buys_digital=True)
    statements = overview_statements(engine, "EST")
    assert len(statements) >= 3  # the counts per state, per stage, and the stages' rows
    plans = [plan(engine, statement, parameters) for statement, parameters in statements]
    everything = "\n".join(plans)
    if engine.dialect.name == "postgresql":
        assert "Seq Scan" not in everything, everything
        assert "submission_count_pkey" in everything, everything
        assert "open_task_count_pkey" in everything, everything
        # The open tasks by an index of open work (which one depends on the statistics the
        # earlier tests left: both read open tasks only, never the DG's decided history).
        assert re.search(r"Index Scan using ix_review_task_(dg_open|status) ", everything), (
            everything
        )
        # A stage's rows fetch their submissions by id, one each.
        assert all(
            "submission_pkey" in line
            for line in everything.splitlines()
            if " on submission " in line
        ), everything
    else:
        assert "SCAN" not in everything, everything
        # The primary key's own index (dg_code, state): the DG's rows, one a state.
        assert (
            "SEARCH submission_count USING INDEX sqlite_autoindex_submission_count_1 (dg_code=?)"
            in everything
        )
        assert (
            "SEARCH open_task_count USING INDEX sqlite_autoindex_open_task_count_1 (dg_code=?)"
            in everything
        )
        assert "ix_review_task_dg_open (dg_code=? AND status=? AND stage=?)" in everything
        assert all(
            "INTEGER PRIMARY KEY" in line
            for line in everything.splitlines()
            if line.startswith("SEARCH submission ")
        ), everything
    # Every statement that counts or sums reads kept counts, not submissions or tasks; only
    # the stages' first rows (LIMIT) read the tasks.
    counting = [s for s, _p in statements if "LIMIT" not in s.upper()]
    assert len(counting) == 2, counting
    assert all("FROM submission_count" in s or "FROM open_task_count" in s for s in counting)
    assert all("review_task" not in s and "FROM submission " not in s for s in counting)


@pytest.mark.parametrize("dg_code", ["EST"])
def test_an_overview_of_a_dg_with_nothing_shows_every_state_at_nought(people, dg_code):
    assert overview_counts(people, dg_code) == {state.value: 0 for state in State}
