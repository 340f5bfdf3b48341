"""The reminder sweep at chosen days (a controlled clock): reminder, final reminder, escalation
to the DG Digital Leader, second escalation to the Digital CoE — each once, with catch-up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from dfr.settings import get_settings
from models.audit import LogEntry
from models.db import session_scope
from models.notification import Notification
from models.reminders import Policy, Reminder, step_for
from models.review import ReviewTask
from models.working_days import add_working_days, is_working_day
from notifications.queue import queue_for_submission
from services.decide import Condition
from services.reminders import sweep
from tests.factories import decide, make_submission

POLICY = Policy(remind_before=2, second_escalation_after=5)
DUE = date(2027, 1, 15)  # a Friday


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 1, 12), None),  # 3 working days before
        (date(2027, 1, 13), "reminder"),
        (date(2027, 1, 14), "reminder"),
        (DUE, "final"),
        (date(2027, 1, 16), "escalation"),  # Saturday after
        (date(2027, 1, 21), "escalation"),  # 4 working days late
        (date(2027, 1, 22), "second_escalation"),  # 5 working days late
    ],
)
def test_step_for_each_day(today, expected):
    assert step_for(today, DUE, POLICY) == expected


def task_due(engine, sid):
    with session_scope(engine) as session:
        return (
            session.exec(
                select(ReviewTask).where(
                    ReviewTask.submission_id == sid, ReviewTask.status == "open"
                )
            )
            .one()
            .due_date
        )


def working_days_before(due, count):
    day = due
    while count:
        day -= timedelta(days=1)
        count -= is_working_day(day)
    return day


def run(engine, day):
    with session_scope(engine) as session:
        return [(r.item_kind, r.step) for r in sweep(session, day, POLICY)]


def log_of(engine, event="reminder.sent"):
    with session_scope(engine) as session:
        return [
            e.payload for e in session.exec(select(LogEntry).where(LogEntry.event == event)).all()
        ]


def test_each_step_is_sent_once_to_the_right_people(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    due = task_due(people, sid)
    assert run(people, due - timedelta(days=20)) == []
    two_before = working_days_before(due, 2)
    assert run(people, two_before) == [("task", "reminder")]
    assert run(people, two_before) == []  # twice in a day sends nothing twice
    assert run(people, due) == [("task", "final")]
    assert run(people, add_working_days(due, 1)) == [("task", "escalation")]
    assert run(people, add_working_days(due, 2)) == []
    assert run(people, add_working_days(due, 5)) == [("task", "second_escalation")]
    steps = [(p["step"], p["recipients"]) for p in log_of(people)]
    assert steps == [
        ("reminder", ["dl.est"]),
        ("final", ["dl.est"]),
        ("escalation", ["dl.est"]),  # the leader holds it and is also who it escalates to
        ("second_escalation", ["coe.one", "dl.est"]),
    ]


def test_after_downtime_one_message_per_item_not_one_per_missed_day(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    due = task_due(people, sid)
    assert run(people, add_working_days(due, 7)) == [("task", "second_escalation")]
    with session_scope(people) as session:
        assert len(session.exec(select(Reminder)).all()) == 1


def test_overdue_conditions_are_chased_to_submitter_and_leader(people, checklist_registry):
    sid = make_submission(people, checklist_registry, kind="procurement", buys_digital=True)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    due = date.today() + timedelta(days=40)
    decide(
        people,
        checklist_registry,
        sid,
        "category_review",
        "approve_with_conditions",
        "cm.est",
        conditions=[Condition("Publish performance data", due)],
    )
    made = run(people, add_working_days(due, 1))
    assert made == [("action", "escalation")]
    [payload] = log_of(people)
    assert payload["recipients"] == ["dl.est", "policy.est"]
    with session_scope(people) as session:
        queue_for_submission(session, sid, checklist_registry, get_settings())
    with session_scope(people) as session:
        sent = session.exec(select(Notification).where(Notification.message == "escalation")).all()
    subjects = {n.recipient_id: n.subject for n in sent}
    assert subjects["policy.est"].startswith("Overdue since ")  # English
    assert subjects["dl.est"].startswith("Yn hwyr ers ")  # Welsh
    assert "Publish performance data" in subjects["policy.est"]


def test_obligations_are_chased_too(people, checklist_registry):
    sid = make_submission(
        people,
        checklist_registry,
        builds_service=True,
        public_facing=True,
        service_phase="discovery",
        service_standard="wales",
        expected_alpha_end="2027-06-30",
    )
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    assert run(people, date(2027, 6, 30)) == [("action", "final")]
    [payload] = log_of(people)
    assert payload["what"] == "obligation:assessment_end_of_alpha"
    assert payload["recipients"] == ["policy.est"]


def test_reminders_appear_in_the_submission_history(people, checklist_registry):
    from models.queries import submission_detail

    sid = make_submission(people, checklist_registry)
    run(people, task_due(people, sid))
    with session_scope(people) as session:
        events = [e.event for e in submission_detail(session, sid).history]
    assert "reminder.sent" in events
