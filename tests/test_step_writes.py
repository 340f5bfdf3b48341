"""A step (a submission, a decision) writes its decision-log entries with one update of the
log's head, queues its notifications in its own transaction when asked to, and when it fails
writes nothing at all: no log entry, no decision, no notification. The head updates are
counted from the statements sent (a structural count, not a timing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from checklists.loader import registry
from dfr.errors import PermissionDeniedError
from dfr.settings import get_settings
from models import audit
from models.audit import LogEntry
from models.db import session_scope
from models.notification import Notification
from models.review import Decision, ReviewTask
from services.announce import queue_notifications
from services.decide import DecisionRequest, record_decision
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
