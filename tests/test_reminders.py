"""The reminder sweep at chosen days (a controlled clock): reminder and final reminder to whoever
holds the item, escalation to the stage's escalation role and a second escalation one level
higher — never to the holder or their absence cover — each once, with catch-up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from dfr.settings import get_settings
from models.audit import LogEntry
from models.db import session_scope
from models.lifecycle import Role
from models.notification import Notification
from models.reminders import Policy, Reminder, escalation_for, step_for
from models.working_days import add_working_days, is_working_day
from notifications.queue import queue_for_submission
from services.actions import confirm_done, report_done, send_back
from services.reminders import sweep
from tests.factories import (
    IN_DISCOVERY,
    SERVICE,
    approve_with_condition,
    approved_to_category_review,
    decide,
    make_submission,
    open_condition,
    open_task,
)

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


LADDER = {
    Role.DIGITAL_LEADER: ["dl.est"],
    Role.COE: ["coe.one", "coe.two"],
    Role.ADMIN: ["admin.one"],
}


@pytest.mark.parametrize(
    ("step", "first", "excluded", "expected"),
    [
        ("escalation", Role.DIGITAL_LEADER, {"cm.est"}, (Role.DIGITAL_LEADER, ["dl.est"])),
        ("second_escalation", Role.DIGITAL_LEADER, {"cm.est"}, (Role.COE, ["coe.one", "coe.two"])),
        ("escalation", Role.DIGITAL_LEADER, {"dl.est"}, (Role.COE, ["coe.one", "coe.two"])),
        ("escalation", Role.COE, {"coe.one"}, (Role.COE, ["coe.two"])),  # the rest of the CoE
        ("escalation", Role.COE, {"coe.one", "coe.two"}, (Role.ADMIN, ["admin.one"])),
        ("second_escalation", Role.COE, {"coe.one", "coe.two"}, (Role.ADMIN, ["admin.one"])),
        ("escalation", Role.ADMIN, {"admin.one"}, (None, [])),  # nobody left to tell
    ],
)
def test_escalation_goes_to_the_first_level_with_someone_else(step, first, excluded, expected):
    assert escalation_for(step, first, LADDER, excluded) == expected


def task_due(engine, sid):
    with session_scope(engine) as session:
        return open_task(session, sid).due_date


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
            e.payload
            for e in session.exec(
                select(LogEntry).where(LogEntry.event == event).order_by(col(LogEntry.seq))
            ).all()
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
        ("escalation", ["coe.one"]),  # the digital-options review escalates to the CoE
        ("second_escalation", ["admin.one"]),  # one level up
    ]


def test_after_downtime_one_message_per_item_not_one_per_missed_day(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    due = task_due(people, sid)
    assert run(people, add_working_days(due, 7)) == [("task", "second_escalation")]
    with session_scope(people) as session:
        assert len(session.exec(select(Reminder)).all()) == 1


def test_overdue_conditions_are_escalated_to_the_leader_not_the_submitter(
    people, checklist_registry
):
    sid = approved_to_category_review(people, checklist_registry)
    due = date.today() + timedelta(days=40)
    approve_with_condition(people, checklist_registry, sid, "Publish performance data", due)
    made = run(people, add_working_days(due, 1))
    assert made == [("action", "escalation")]
    [payload] = log_of(people)
    assert payload["recipients"] == ["dl.est"]
    with session_scope(people) as session:
        queue_for_submission(session, sid, checklist_registry, get_settings())
    with session_scope(people) as session:
        sent = session.exec(select(Notification).where(Notification.message == "escalation")).all()
    assert {n.recipient_id for n in sent} == {"dl.est"}
    [subject] = {n.subject for n in sent}
    assert subject.startswith("Yn hwyr ers ")  # the leader reads Welsh
    assert "Publish performance data" in subject
    assert "Wedi'i uwchgyfeirio i: Arweinydd Digidol y CG." in sent[0].body_markdown
    assert "gyda Policy EST" in sent[0].body_markdown  # whose it is
    assert run(people, add_working_days(due, 5)) == [("action", "second_escalation")]
    assert log_of(people)[-1]["recipients"] == ["coe.one"]


def test_a_condition_reported_done_is_no_longer_chased(people, checklist_registry):
    due = date.today() + timedelta(days=40)
    _sid, aid = open_condition(people, checklist_registry, due)
    with session_scope(people) as session:
        report_done(session, aid, "policy.est", "Published.", "https://example.org/data")
    assert run(people, working_days_before(due, 1)) == []
    assert run(people, due) == []
    assert run(people, add_working_days(due, 5)) == []  # nor escalated, while it waits on cm.est
    with session_scope(people) as session:
        confirm_done(session, aid, "cm.est")
    assert run(people, add_working_days(due, 6)) == []
    assert log_of(people) == []


def test_a_condition_sent_back_is_chased_again(people, checklist_registry):
    due = date.today() + timedelta(days=40)
    _sid, aid = open_condition(people, checklist_registry, due)
    with session_scope(people) as session:
        report_done(session, aid, "policy.est", "Drafted.", "https://example.org/draft")
    assert run(people, due) == []
    with session_scope(people) as session:
        send_back(session, aid, "cm.est", "Publish the final figures, not the draft.")
    assert run(people, add_working_days(due, 1)) == [("action", "escalation")]


def test_obligations_are_chased_too(people, checklist_registry):
    sid = make_submission(people, checklist_registry, **IN_DISCOVERY)
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


# -- whom overdue work escalates to ------------------------------------------------------------


def escalations_of(engine, sid):
    """(step, recipients, level) of each escalation logged for the submission's open item."""
    due = task_due(engine, sid)
    run(engine, add_working_days(due, 1))
    run(engine, add_working_days(due, 5))
    return [
        (p["step"], p["recipients"], p["escalated_to"])
        for p in log_of(engine)
        if p["step"] in ("escalation", "second_escalation")
    ]


def open_assignee(engine, sid):
    with session_scope(engine) as session:
        return open_task(session, sid).assignee_id


@pytest.mark.parametrize(
    ("answers", "stage", "holder", "expected"),
    [
        # Held by the DG's Digital Leader, so it escalates to the CoE, then the administrators.
        (
            {},
            "digital_options_review",
            "dl.est",
            [("escalation", ["coe.one"], "coe"), ("second_escalation", ["admin.one"], "admin")],
        ),
        (
            {"kind": "procurement", "buys_digital": True},
            "category_review",
            "cm.est",
            [
                ("escalation", ["dl.est"], "digital_leader"),
                ("second_escalation", ["coe.one"], "coe"),
            ],
        ),
        (
            SERVICE,
            "service_assessment",
            "lead.one",
            [
                ("escalation", ["dl.est"], "digital_leader"),
                ("second_escalation", ["coe.one"], "coe"),
            ],
        ),
    ],
)
def test_each_stage_escalates_to_its_role_then_one_level_up(
    people, checklist_registry, answers, stage, holder, expected
):
    sid = make_submission(people, checklist_registry, **answers)
    if stage != "digital_options_review":
        decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    assert open_assignee(people, sid) == holder
    assert escalations_of(people, sid) == expected


def cover(engine, person, delegate, on):
    """`delegate` covers `person` on `on` only (arranged now, so open tasks stay put)."""
    from services.reassign import delegate as arrange

    with session_scope(engine) as session:
        arrange(session, person, delegate, on, on, "Leave", "admin.one", on=on - timedelta(days=1))


@pytest.mark.parametrize(
    ("answers", "covering", "expected"),
    [
        # The leader holds the review and the only CoE member covers for them: the CoE level has
        # nobody else, so the escalation goes up to the administrators.
        ({}, "coe.one", (["admin.one"], "admin")),
        # The category manager holds the review while covering for the leader: escalating to the
        # leader would reach the person they stand in for, so it goes to the CoE.
        ({"kind": "procurement", "buys_digital": True}, "cm.est", (["coe.one"], "coe")),
    ],
    ids=["whoever covers for the holder", "whoever the holder covers for"],
)
def test_an_escalation_skips_whoever_covers_for_the_holder_and_whom_they_cover_for(
    people, checklist_registry, answers, covering, expected
):
    sid = make_submission(people, checklist_registry, **answers)
    if answers:  # a procurement: the category manager holds its category review
        decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    late = add_working_days(task_due(people, sid), 1)
    cover(people, "dl.est", covering, late)
    assert run(people, late) == [("task", "escalation")]
    [payload] = log_of(people)
    assert (payload["recipients"], payload["escalated_to"]) == expected


def test_the_escalation_message_reaches_the_coe_not_the_late_reviewer(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    run(people, add_working_days(task_due(people, sid), 1))
    with session_scope(people) as session:
        queue_for_submission(session, sid, checklist_registry, get_settings())
    with session_scope(people) as session:
        sent = session.exec(select(Notification).where(Notification.message == "escalation")).all()
    assert {n.recipient_id for n in sent} == {"coe.one"}
    body = sent[0].body_markdown  # language unknown: Welsh and English
    assert "Wedi'i uwchgyfeirio i: Canolfan Ragoriaeth Ddigidol." in body
    assert "Escalated to: Digital Centre of Excellence." in body
    assert "still open with Leader EST" in body


def test_the_sweep_sends_as_many_statements_for_many_items_as_for_one(people, checklist_registry):
    from sqlalchemy import event

    def statements_for_sweep(day):
        counted = []

        def count(*_args):
            counted.append(1)

        event.listen(people, "before_cursor_execute", count)
        try:
            made = run(people, day)
        finally:
            event.remove(people, "before_cursor_execute", count)
        return len(made), len(counted)

    first = make_submission(people, checklist_registry)
    late = add_working_days(task_due(people, first), 1)
    one = statements_for_sweep(late)
    for _ in range(3):
        make_submission(people, checklist_registry)
    make_submission(people, checklist_registry, dg="HSS", submitter="policy.hss")
    many = statements_for_sweep(late)
    assert (one[0], many[0]) == (1, 4)
    assert one[1] > 0 and many[1] == one[1]
