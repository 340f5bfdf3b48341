"""The weekly digest for a DG with a mixed workload: new, decided, due, overdue, flags — once a
week, in the Digital Leader's language, for that DG only."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from dfr.dates import long_date
from dfr.settings import get_settings
from flows.digest import week_start_for
from models.db import session_scope
from models.notification import Notification
from models.review import ReviewTask
from models.working_days import london_today
from notifications.digest import queue_digests
from services.digests import digest_for, record_digests
from services.submit import submit
from tests.factories import decide, submission_data


def submit_on(engine, registry, day, **kwargs):
    with session_scope(engine) as session:
        return submit(session, submission_data(**kwargs), registry, on=day).submission_id


def set_due(engine, sid, due):
    with session_scope(engine) as session:
        task = session.exec(
            select(ReviewTask).where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).one()
        task.due_date = due
        session.add(task)
        return task.id


def test_digest_for_a_mixed_workload(people, checklist_registry):
    week = week_start_for(london_today()) + timedelta(
        days=7
    )  # next Monday: this week is "last week"
    new = submit_on(people, checklist_registry, week - timedelta(days=3), wet_ink_signature=True)
    old = submit_on(people, checklist_registry, week - timedelta(days=30))
    decide(people, checklist_registry, old, "digital_options_review", "approve", "dl.est")
    due_soon = submit_on(people, checklist_registry, week - timedelta(days=30))
    due_task = set_due(people, due_soon, week + timedelta(days=2))
    late = submit_on(people, checklist_registry, week - timedelta(days=30))
    late_task = set_due(people, late, week - timedelta(days=3))
    set_due(people, new, week + timedelta(days=20))
    other_dg = submit_on(
        people, checklist_registry, week - timedelta(days=2), dg="HSS", submitter="policy.hss"
    )

    with session_scope(people) as session:
        content = digest_for(session, "EST", week)
    assert content.new == [new]
    assert len(content.decided) == 1
    assert content.due == [("task", due_task)]
    assert content.overdue == [("task", late_task)]
    assert content.flags == [(new, "wet_ink_signature")]
    assert other_dg not in content.new

    with session_scope(people) as session:
        assert {d.dg_code for d in record_digests(session, week)} == {"EST", "HSS"}
        queue_digests(session, week, checklist_registry, get_settings())
    with session_scope(people) as session:
        assert record_digests(session, week) == []  # once a week
        assert queue_digests(session, week, checklist_registry, get_settings()) == []
        rows = session.exec(select(Notification).where(Notification.message == "digest")).all()
    est = next(r for r in rows if r.recipient_id == "dl.est")
    assert est.language == "cy" and est.subject.startswith("Crynodeb wythnosol ar gyfer Economi")
    assert "DFR-00001" in est.body_markdown and "inc gwlyb" in est.body_markdown
    # Titled by the week it lists (the seven days before it), not the day it was made.
    covered, ahead = week - timedelta(days=7), week
    assert est.subject.endswith(
        f"{long_date(covered, 'cy')} i {long_date(week - timedelta(days=1), 'cy')}"
    )
    assert "Yn hwyr (1)" in est.body_markdown
    due_ahead = f"{long_date(ahead, 'cy')} i {long_date(ahead + timedelta(days=6), 'cy')} (1)"
    assert f"I'w gwneud yn yr wythnos sydd i ddod, {due_ahead}" in est.body_markdown
    hss = next(r for r in rows if r.recipient_id == "dl.hss")
    assert hss.language == "en" and "New submissions (1)" in hss.body_markdown
    assert hss.subject.endswith(
        f"{long_date(covered, 'en')} to {long_date(week - timedelta(days=1), 'en')}"
    )
