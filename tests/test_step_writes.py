"""A step (a submission, a decision) writes its decision-log entries with one update of the
log's head, queues its notifications in its own transaction when asked to, and when it fails
writes nothing at all: no log entry, no decision, no notification. The head updates and the
statements a step sends are counted (a structural count, not a timing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bench.peers.workload import StatementCounter
from checklists.loader import registry
from dfr.errors import PermissionDeniedError
from dfr.settings import get_settings
from models import audit
from models.audit import LogEntry
from models.db import session_scope
from models.notification import Notification
from models.review import Decision, ReviewTask
from services.announce import queue_notifications
from services.decide import Condition, DecisionRequest, record_decision
from services.submit import submit
from tests.factories import (
    approved_to_category_review,
    log_count,
    make_submission,
    submission_data,
)
from tests.test_decisions import open_stage, state_of


@contextmanager
def head_updates(engine: Engine) -> Iterator[list[str]]:
    """The UPDATE statements sent to the log's head while the block runs."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE DECISION_LOG_HEAD"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def events_of(engine: Engine, sid: int) -> list[str]:
    with session_scope(engine) as session:
        return list(
            session.exec(
                select(LogEntry.event)
                .where(LogEntry.submission_id == sid)
                .order_by(col(LogEntry.seq))
            ).all()
        )


def approve(engine: Engine, sid: int, stage: str, actor: str, **kwargs: Any) -> None:
    request = DecisionRequest(sid, stage, "approve", "Digital options considered.", actor)
    with session_scope(engine) as session:
        record_decision(session, request, registry(), **kwargs)


def counts(engine: Engine) -> tuple[int, int, int]:
    """Log entries, decisions and notifications stored."""
    with session_scope(engine) as session:
        return (
            session.exec(select(func.count()).select_from(LogEntry)).one(),
            session.exec(select(func.count()).select_from(Decision)).one(),
            session.exec(select(func.count()).select_from(Notification)).one(),
        )


def test_a_decision_that_opens_the_next_stage_moves_the_log_head_once(people, checklist_registry):
    sid = make_submission(people, checklist_registry, kind="procurement", buys_digital=True)
    before = log_count(people)
    with head_updates(people) as updates:
        approve(people, sid, "digital_options_review", "dl.est")
    assert len(updates) == 1
    assert events_of(people, sid)[-2:] == ["decision.recorded", "task.opened"]
    assert log_count(people) == before + 2
    assert open_stage(people, sid).stage == "category_review"
    with session_scope(people) as session:
        assert audit.verify(session).ok


def test_a_final_decision_records_and_completes_with_one_head_update(people, checklist_registry):
    sid = approved_to_category_review(people, checklist_registry)
    with head_updates(people) as updates:
        approve(people, sid, "category_review", "cm.est")
    assert len(updates) == 1
    assert events_of(people, sid)[-2:] == ["decision.recorded", "submission.completed"]
    assert state_of(people, sid) == "approved"
    with session_scope(people) as session:
        recorded = session.exec(select(Decision).where(Decision.submission_id == sid)).all()
        entry = session.get(LogEntry, recorded[-1].log_seq)
        assert entry is not None and entry.event == "decision.recorded"
        assert audit.verify(session).ok


def test_a_submission_moves_the_log_head_once(people, checklist_registry):
    with head_updates(people) as updates:
        sid = make_submission(people, checklist_registry)
    assert len(updates) == 1
    assert events_of(people, sid) == ["submission.submitted", "task.opened"]


def test_a_step_queues_its_notifications_in_its_own_transaction_once(people, checklist_registry):
    with session_scope(people) as session:
        sid = submit(session, submission_data(), checklist_registry, announce=True).submission_id
    _entries, _decisions, after_submit = counts(people)
    assert after_submit > 0
    approve(people, sid, "digital_options_review", "dl.est", announce=True)
    _entries, _decisions, after_decision = counts(people)
    assert after_decision > after_submit
    with session_scope(people) as session:
        messages = set(session.exec(select(Notification.message)).all())
        # The follow-up run that reaches the same entries later adds nothing.
        assert queue_notifications(session, [sid], checklist_registry, get_settings()) == 0
    assert {"submitted", "task_assigned", "decision_recorded", "final_outcome"} <= messages
    assert counts(people)[2] == after_decision


def test_a_decision_that_fails_while_queueing_writes_nothing(
    people, checklist_registry, monkeypatch: pytest.MonkeyPatch
):
    sid = make_submission(people, checklist_registry)
    before = counts(people)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the template store is unreachable")

    monkeypatch.setattr("notifications.queue.render", broken)
    with pytest.raises(RuntimeError, match="unreachable"):
        approve(people, sid, "digital_options_review", "dl.est", announce=True)
    assert counts(people) == before
    assert state_of(people, sid) == "in_review"
    assert open_stage(people, sid).stage == "digital_options_review"
    with session_scope(people) as session:
        assert audit.verify(session).ok


def test_a_refused_decision_writes_no_log_entry_and_no_notification(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    before = counts(people)
    with pytest.raises(PermissionDeniedError, match="cannot"):
        approve(people, sid, "digital_options_review", "cm.est", announce=True)
    assert counts(people) == before
    with session_scope(people) as session:
        task = session.exec(select(ReviewTask).where(ReviewTask.submission_id == sid)).one()
        assert task.status == "open"


# -- statements a step sends ---------------------------------------------------------------
#
# The data statements (reads and writes; not BEGIN, SAVEPOINT or COMMIT) a step sends, counted
# with the engine event the benchmark counts them with (`bench/peers/workload.py`). A count of
# statements is deterministic, unlike a timing; the ceiling is issue 17's target of at most
# 10 statements a step, with or without the step's notifications queued.


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The data statements sent while the block runs."""
    seen: list[str] = []
    counter = StatementCounter()

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        before = counter.tally.statements
        counter.see(statement)
        if counter.tally.statements > before:
            seen.append(" ".join(statement.split())[:120])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("announce", [False, True], ids=["plain", "announced"])
def test_a_submission_and_its_decisions_each_send_at_most_ten_statements(
    people, checklist_registry, announce
):
    if people.dialect.name != "sqlite":
        pytest.skip("counted on SQLite (PostgreSQL takes ids and locks with statements of its own)")
    make_submission(people, checklist_registry)  # the log has a head, the ids a start
    data = submission_data(kind="procurement", buys_digital=True)
    with statements(people) as created, session_scope(people) as session:
        sid = submit(session, data, checklist_registry, announce=announce).submission_id
    with statements(people) as advanced:
        approve(people, sid, "digital_options_review", "dl.est", announce=announce)
    with statements(people) as finished:
        approve(people, sid, "category_review", "cm.est", announce=announce)
    assert state_of(people, sid) == "approved"
    assert events_of(people, sid) == [
        "submission.submitted",
        "task.opened",
        "decision.recorded",
        "task.opened",
        "decision.recorded",
        "submission.completed",
    ]
    assert len(created) <= 10, created
    assert len(finished) <= 10, finished
    # Opening the next stage reads who may take it and writes that review too: still 10.
    assert len(advanced) <= 10, advanced
    with session_scope(people) as session:
        told = session.exec(select(func.count()).where(Notification.submission_id == sid)).one()
        assert (told > 0) == announce
        assert audit.verify(session).ok


def _told(engine: Engine, sid: int) -> list[tuple[str, str | None, str, str, str]]:
    """What each notification of a submission says to whom, its own reference and links
    made neutral so that two submissions' messages compare."""
    with session_scope(engine) as session:
        found = session.exec(select(Notification).where(Notification.submission_id == sid)).all()
        reference = f"{sid:04d}"
        return sorted(
            (
                n.message,
                n.recipient_id,
                n.channel,
                n.subject.replace(reference, "#"),
                n.body_markdown.replace(f"/submissions/{sid}", "/submissions/#").replace(
                    reference, "#"
                ),
            )
            for n in found
        )


def test_a_step_tells_people_exactly_what_the_follow_up_would_have(people, checklist_registry):
    """What a step already had (the submission's flags, its conditions, its people) is not
    read again when it queues its own notifications; the messages are those the follow-up
    run writes from the database: flags to look at closely, conditions set, the outcome."""
    data = submission_data(kind="procurement", buys_digital=True, wet_ink_signature=True)
    condition = [Condition("Publish performance data", date.today() + timedelta(days=40))]
    sids = []
    for announce in (True, False):
        with session_scope(people) as session:
            sid = submit(session, data, checklist_registry, announce=announce).submission_id
        approve(people, sid, "digital_options_review", "dl.est", announce=announce)
        request = DecisionRequest(
            sid, "category_review", "approve_with_conditions", "Fine.", "cm.est", condition
        )
        with session_scope(people) as session:
            record_decision(session, request, checklist_registry, announce=announce)
        sids.append(sid)
    in_step, later = sids
    with session_scope(people) as session:
        assert queue_notifications(session, [later], checklist_registry, get_settings()) > 0
        assert queue_notifications(session, [in_step], checklist_registry, get_settings()) == 0
    told = _told(people, in_step)
    assert told == _told(people, later)
    messages = {message for message, *_rest in told}
    assert {"submitted", "task_assigned", "decision_recorded", "final_outcome"} <= messages
    bodies = "\n".join(body for *_rest, body in told)
    assert "Publish performance data" in bodies
    assert "wet-ink" in bodies or "inc gwlyb" in bodies
