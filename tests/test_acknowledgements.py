"""Every new submission is acknowledged to its submitter within 2 working days: when a reviewer
first opens it, or by the daily sweep when nobody has; exactly once, with a decision-log entry
and a message in the submitter's language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from dfr.settings import get_settings
from models.acknowledgement import Acknowledgement
from models.audit import LogEntry
from models.db import session_scope
from models.notification import Notification
from notifications.queue import queue_for_submission
from services.acknowledgements import acknowledge_due, acknowledge_on_opening
from services.intake import withdraw
from services.submit import submit
from tests.factories import log_count, submission_data

MONDAY = date(2027, 1, 4)
WEDNESDAY = MONDAY + timedelta(days=2)  # the second working day after Monday


def submitted(engine, registry, *, dg="EST", submitter="policy.est", on=MONDAY) -> int:
    with session_scope(engine) as session:
        data = submission_data(dg=dg, submitter=submitter)
        return submit(session, data, registry, on=on).submission_id


def acknowledged(engine, sid) -> list[str]:
    """The acknowledgements in the decision log: who opened it ("" for the sweep)."""
    with session_scope(engine, read_only=True) as session:
        return [
            p.get("opened_by") or ""
            for p in session.exec(
                select(LogEntry.payload)
                .where(LogEntry.submission_id == sid, LogEntry.event == "submission.acknowledged")
                .order_by(col(LogEntry.seq))
            ).all()
        ]


def message(engine, registry, sid) -> list[Notification]:
    with session_scope(engine) as session:
        queue_for_submission(session, sid, registry, get_settings())
        return list(
            session.exec(
                select(Notification).where(
                    Notification.submission_id == sid, Notification.message == "acknowledged"
                )
            ).all()
        )


def test_the_reviewer_opening_it_acknowledges_it_once_and_the_submitter_is_told(
    people, checklist_registry
):
    sid = submitted(people, checklist_registry)
    with session_scope(people) as session:  # the submitter looking at it acknowledges nothing
        assert acknowledge_on_opening(session, sid, "policy.est", on=MONDAY) is None
        assert acknowledge_on_opening(session, sid, "cm.est", on=MONDAY) is None  # not its stage
    with session_scope(people) as session:  # the DG's Digital Leader reviews it
        made = acknowledge_on_opening(session, sid, "dl.est", on=MONDAY + timedelta(days=1))
        assert made is not None and made.acknowledged_on == date(2027, 1, 5)
    before = log_count(people)
    with session_scope(people) as session:  # opened again: nothing more
        assert acknowledge_on_opening(session, sid, "dl.est", on=WEDNESDAY) is None
        assert acknowledge_due(session, WEDNESDAY) == []  # and the sweep has nothing to do
    assert log_count(people) == before
    assert acknowledged(people, sid) == ["dl.est"]
    [told] = message(people, checklist_registry, sid)
    assert told.recipient_id == "policy.est" and told.language == "en"
    assert "Leader EST has opened" in told.body_markdown
    assert "4 January 2027" in told.body_markdown  # the day it was submitted


def test_the_sweep_acknowledges_what_nobody_opened_on_the_second_working_day_once(
    people, checklist_registry
):
    sid = submitted(people, checklist_registry, dg="HSS", submitter="policy.hss")
    friday = submitted(people, checklist_registry, on=date(2027, 1, 8))  # due on Tuesday 12th
    with session_scope(people) as session:
        assert acknowledge_due(session, MONDAY + timedelta(days=1)) == []  # one working day
    with session_scope(people) as session:
        assert acknowledge_due(session, WEDNESDAY) == [sid]
    with session_scope(people) as session:  # the sweep again, the same day or later
        assert acknowledge_due(session, WEDNESDAY) == []
        assert acknowledge_due(session, date(2027, 1, 11)) == []  # Monday: Friday's not yet due
    with session_scope(people) as session:
        assert acknowledge_due(session, date(2027, 1, 12)) == [friday]
    assert acknowledged(people, sid) == [""]
    with session_scope(people, read_only=True) as session:
        row = session.get(Acknowledgement, sid)
        assert row is not None and row.opened_by_id is None and row.acknowledged_on == WEDNESDAY
    [told] = message(people, checklist_registry, sid)  # the submitter reads Welsh
    assert told.recipient_id == "policy.hss" and told.language == "cy"
    assert "Rydym yn cydnabod" in told.body_markdown and "4 Ionawr 2027" in told.body_markdown
    assert "acknowledge" not in told.body_markdown.lower()


def test_a_withdrawn_submission_is_not_acknowledged(people, checklist_registry):
    sid = submitted(people, checklist_registry)
    with session_scope(people) as session:
        withdraw(session, sid, "policy.est", "Not needed after all.")
    with session_scope(people) as session:
        assert acknowledge_due(session, WEDNESDAY) == []
    assert acknowledged(people, sid) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_daily_sweep_flow_acknowledges_and_tells_once(engine, people, checklist_registry):
    from flows.remind import remind
    from flows.runner import run_flow

    sid = submitted(people, checklist_registry)
    assert run_flow(remind, today=WEDNESDAY.isoformat())["acknowledged"] == 1
    assert run_flow(remind, today=WEDNESDAY.isoformat())["acknowledged"] == 0
    with session_scope(people, read_only=True) as session:
        sent = session.exec(
            select(Notification).where(
                Notification.submission_id == sid, Notification.message == "acknowledged"
            )
        ).all()
    assert [n.recipient_id for n in sent] == ["policy.est"]
