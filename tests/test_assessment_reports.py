"""The assessment report: drafted from the settled ratings in the lead's language, completed in
the other, sent only when both are complete; due 7 working days after the assessment and
chased by the reminder sweep until it is sent; a draft is the panel's, not the team's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from dfr.settings import get_settings
from models.assessment_report import AssessmentReport
from models.audit import LogEntry
from models.db import session_scope
from models.notification import Notification
from models.reminders import Reminder
from notifications.queue import queue_for_submission
from services.assessment_reports import edit_report, report_view, send_report
from services.decide import StandardAssessment as Note
from services.panel_declarations import declare_interests
from services.ratings import settle
from services.reminders import sweep
from tests.factories import log_count
from tests.test_assessment_ratings import TODAY, booked, greens, rate  # noqa: F401 - fixture

ASSESSED = TODAY + timedelta(weeks=5)  # 8 February 2027, a Monday


@pytest.fixture
def settled(people, booked, checklist_registry) -> int:  # noqa: F811 - the fixture above
    """Every assessor has sent their ratings; lead.one settled amber on the assessment day."""
    with session_scope(people) as session:
        declare_interests(session, booked, "perf.one", False, on=TODAY)
    for person in ("ur.one", "design.one", "tech.one", "perf.one"):
        rate(people, checklist_registry, booked, person, greens(person))
    notes = {f"w{n:02d}": Note("green", "Good work.") for n in range(1, 13)}
    notes["w12"] = Note("amber", "Four KPIs.", "A baseline for paper costs.")
    with session_scope(people) as session:
        settle(session, booked, "lead.one", notes, "amber", "Ready for beta.",
               checklist_registry, on=ASSESSED)  # fmt: skip
    return booked


def test_the_report_is_drafted_in_the_leads_language_and_due_in_7_working_days(people, settled):
    with session_scope(people) as session:
        view = report_view(session, "lead.one", settled, on=ASSESSED)
        assert view.report.due_date == ASSESSED + timedelta(days=9)  # 7 working days
        assert view.report.summary_en == "Ready for beta." and view.report.summary_cy == ""
        assert view.complete == {"cy": False, "en": True}
        assert view.missing["cy"][:2] == ["summary", "w01.done_well"]
        event = session.exec(select(LogEntry.event).order_by(col(LogEntry.seq).desc())).first()
        assert event == "report.drafted"


def test_a_report_is_not_sent_without_both_languages(people, settled):
    before = log_count(people)
    with (
        pytest.raises(ValidationError, match="complete in Welsh and English") as refused,
        session_scope(people) as session,
    ):
        send_report(session, settled, "lead.one", on=ASSESSED)
    assert (
        "Missing in Welsh: the summary; standard 1: done well; standard 2: done well"
        in refused.value.message
    )
    assert log_count(people) == before


def test_the_lead_writes_the_welsh_and_sends_it_and_the_team_is_told(
    people, settled, checklist_registry
):
    with session_scope(people) as session:
        view = report_view(session, "lead.one", settled, on=ASSESSED)
        welsh = {
            s.standard_id: (
                "Gwaith da." if s.done_well_en else "",
                "Llinell sylfaen." if s.to_explore_en else "",
            )
            for s in view.sections
        }
        edit_report(
            session, settled, "lead.one", "cy", "Yn barod ar gyfer beta.", welsh, on=ASSESSED
        )
    with (
        pytest.raises(PermissionDeniedError, match="Only the lead assessor"),
        session_scope(people) as session,
    ):
        edit_report(session, settled, "coe.one", "cy", "Na.", on=ASSESSED)
    with session_scope(people) as session:
        sent = send_report(session, settled, "lead.one", on=ASSESSED)
        assert sent.status == "sent"
    with pytest.raises(TransitionError, match="has been sent"), session_scope(people) as session:
        edit_report(session, settled, "lead.one", "en", "Changed.", on=ASSESSED)
    with session_scope(people) as session:
        queue_for_submission(session, settled, checklist_registry, get_settings())
        told = set(
            session.exec(
                select(Notification.recipient_id).where(Notification.message == "report_sent")
            ).all()
        )
        assert {"policy.est", "dl.est", "ur.one", "perf.one"} <= told
        assert report_view(session, "policy.est", settled, on=ASSESSED).report.status == "sent"


def test_a_draft_is_not_shown_to_the_team(people, settled):
    with (
        pytest.raises(NotFoundError, match="no assessment report"),
        session_scope(people) as session,
    ):
        report_view(session, "policy.est", settled, on=ASSESSED)
    with session_scope(people) as session:
        assert report_view(session, "coe.one", settled, on=ASSESSED).may_edit is False


def test_the_sweep_chases_the_report_until_it_is_sent(people, settled):
    with session_scope(people) as session:
        report = session.exec(select(AssessmentReport)).one()
        due = report.due_date
    with session_scope(people) as session:
        made = sweep(session, due + timedelta(days=1))
        chased = [r for r in made if r.item_kind == "report"]
        assert [(r.step, r.due_date) for r in chased] == [("escalation", due)]
        assert session.exec(
            select(LogEntry).where(LogEntry.seq == chased[0].log_seq)
        ).one().payload["recipients"] == ["dl.est"]
    with session_scope(people) as session:
        assert [
            r.step for r in sweep(session, due + timedelta(days=1)) if r.item_kind == "report"
        ] == []
        assert session.exec(select(Reminder).where(Reminder.item_kind == "report")).all()
