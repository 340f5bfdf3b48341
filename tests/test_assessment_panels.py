"""Booking a Service Standard assessment: the CoE or the lead books a date at least four weeks
ahead and the panel; each member declares their interests, and a conflict takes them off the
panel and asks the CoE to replace them; the team adds links to its evidence. Every step is
in the decision log and tells people; every refusal writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import set_language
from models.assessment_panel import AssessmentBooking, EvidenceLink, InterestDeclaration
from models.audit import LogEntry
from models.db import session_scope
from models.notification import Notification
from models.review import PanelMember, ReviewTask
from notifications.queue import queue_for_submission
from services.access import load_actor
from services.panel_declarations import add_evidence, declare_interests
from services.panel_view import panel_view
from services.panels import book_assessment, replace_assessor
from tests.factories import SERVICE, decide, log_count, make_submission

TODAY = date(2027, 1, 4)  # a Monday
LATER = TODAY + timedelta(weeks=5)
BETA_PANEL = {
    "user_research": "ur.one",
    "design": "design.one",
    "technical": "tech.one",
    "performance": "perf.one",
}


@pytest.fixture
def assessment(people, checklist_registry) -> tuple[int, str]:
    """A beta service at its assessment: (submission id, its lead assessor)."""
    sid = make_submission(people, checklist_registry, **{**SERVICE, "service_phase": "beta"})
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    with session_scope(people) as session:
        task = session.exec(
            select(ReviewTask).where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).one()
        return sid, task.assignee_id or ""


def book(engine, sid, actor="coe.one", when=LATER, panel=None, observers=()):
    with session_scope(engine) as session:
        return book_assessment(
            session, sid, actor, when, panel or BETA_PANEL, observers, on=TODAY
        ).assessment_date


def members(engine, sid) -> dict[str, str]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(PanelMember)
            .join(ReviewTask, col(ReviewTask.id) == col(PanelMember.task_id))
            .where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).all()
        return {m.person_id: m.discipline or m.panel_role for m in rows}


def events(engine, sid) -> list[str]:
    with session_scope(engine) as session:
        return list(
            session.exec(
                select(LogEntry.event)
                .where(LogEntry.submission_id == sid)
                .order_by(col(LogEntry.seq))
            ).all()
        )


def test_the_coe_books_the_date_and_panel_and_everyone_is_told(
    people, assessment, checklist_registry
):
    sid, lead = assessment
    assert book(people, sid, observers=["design.two"]) == LATER
    assert members(people, sid) == {lead: "lead", **{p: d for d, p in BETA_PANEL.items()}} | {
        "design.two": "observer"
    }
    assert events(people, sid)[-1] == "assessment.booked"
    with session_scope(people) as session:
        queue_for_submission(session, sid, checklist_registry, _settings())
        told = session.exec(
            select(Notification.recipient_id).where(
                Notification.submission_id == sid, Notification.message == "assessment_booked"
            )
        ).all()
        body = session.exec(
            select(Notification.body_markdown).where(
                Notification.message == "assessment_booked",
                Notification.recipient_id == "policy.est",
            )
        ).one()
    assert set(told) == {"policy.est", lead, *BETA_PANEL.values(), "design.two"}
    assert "8 February 2027" in body and "performance analysis: Analyst" in body


def test_the_lead_may_book_and_book_again_but_a_submitter_may_not(people, assessment):
    sid, lead = assessment
    book(people, sid, actor=lead)
    book(people, sid, actor=lead, when=LATER + timedelta(days=7))
    with session_scope(people) as session:
        booking = session.exec(select(AssessmentBooking)).one()
        assert booking.assessment_date == LATER + timedelta(days=7)
    before = log_count(people)
    with pytest.raises(PermissionDeniedError, match="Digital Centre of Excellence"):
        book(people, sid, actor="policy.est")
    with pytest.raises(NotFoundError, match=f"No submission {sid}"):
        book(people, sid, actor="policy.hss")  # may not see it: told it does not exist
    assert log_count(people) == before


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (TODAY - timedelta(days=1), "3 January 2027 is in the past; book a date on or after"),
        (TODAY + timedelta(weeks=3), "at least 4 weeks ahead"),
    ],
)
def test_a_date_in_the_past_or_too_soon_is_refused(people, assessment, when, message):
    sid, _lead = assessment
    before = log_count(people)
    with pytest.raises(ValidationError, match=message) as refused:
        book(people, sid, when=when)
    assert refused.value.field == "date"
    assert log_count(people) == before
    with session_scope(people) as session:
        assert session.exec(select(AssessmentBooking)).all() == []


def test_the_refusal_is_in_welsh_for_a_welsh_reader(people, assessment):
    sid, _lead = assessment
    set_language("cy")
    with pytest.raises(ValidationError, match="yn y gorffennol"):
        book(people, sid, when=TODAY - timedelta(days=1))


@pytest.mark.parametrize(
    ("panel", "message"),
    [
        ({**BETA_PANEL, "performance": ""}, "Choose the performance analysis assessor."),
        ({**BETA_PANEL, "design": "tech.one"}, "tech.one is not a design assessor"),
        ({**BETA_PANEL, "design": "policy.est"}, "made this submission"),
        ({**BETA_PANEL, "finance": "design.two"}, "no seat for: finance"),
    ],
)
def test_a_panel_that_does_not_fit_is_refused(people, assessment, panel, message):
    sid, _lead = assessment
    before = log_count(people)
    with pytest.raises(ValidationError, match=message):
        book(people, sid, panel=panel)
    assert log_count(people) == before and members(people, sid) == members(people, sid)


def test_a_conflict_takes_the_assessor_off_and_the_coe_replaces_them(
    people, assessment, checklist_registry
):
    sid, _lead = assessment
    book(people, sid)
    with session_scope(people) as session:
        declare_interests(session, sid, "ur.one", False, on=TODAY)
        declare_interests(session, sid, "ur.one", False, on=TODAY)  # the same again: a no-op
    assert events(people, sid).count("panel.interests_declared") == 1
    with (
        pytest.raises(ValidationError, match="Say what the conflict"),
        session_scope(people) as session,
    ):
        declare_interests(session, sid, "design.one", True, "  ", on=TODAY)
    with session_scope(people) as session:
        declare_interests(session, sid, "design.one", True, "I built its prototype.", on=TODAY)
    assert "design.one" not in members(people, sid)
    with session_scope(people) as session:
        queue_for_submission(session, sid, checklist_registry, _settings())
        conflict = session.exec(
            select(Notification).where(Notification.message == "panel_conflict")
        ).one()
    assert conflict.recipient_id == "coe.one" and "I built its prototype." in conflict.body_markdown

    with (
        pytest.raises(ValidationError, match="declared a conflict"),
        session_scope(people) as session,
    ):
        replace_assessor(session, sid, "coe.one", "design", "design.one", on=TODAY)
    with session_scope(people) as session:
        replace_assessor(session, sid, "coe.one", "design", "design.two", on=TODAY)
    assert members(people, sid)["design.two"] == "design"
    assert events(people, sid)[-1] == "panel.member_replaced"


def test_a_lead_who_declares_a_conflict_leaves_the_review_without_a_lead(people, assessment):
    sid, lead = assessment
    book(people, sid)
    with session_scope(people) as session:
        declare_interests(session, sid, lead, True, "My team built it.", on=TODAY)
        task = session.exec(
            select(ReviewTask).where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).one()
        assert task.assignee_id is None
        declared = session.exec(select(InterestDeclaration)).one()
        assert (declared.panel_role, declared.conflicted) == ("lead", True)


def test_only_panel_members_declare(people, assessment):
    sid, _lead = assessment
    book(people, sid)
    before = log_count(people)
    with (
        pytest.raises(PermissionDeniedError, match="Only members of this assessment's panel"),
        session_scope(people) as session,
    ):
        declare_interests(session, sid, "dl.est", False, on=TODAY)
    with pytest.raises(NotFoundError), session_scope(people) as session:
        declare_interests(session, sid, "design.two", False, on=TODAY)  # sees nothing
    assert log_count(people) == before


def test_the_team_adds_evidence_links_for_the_panel(people, assessment):
    sid, lead = assessment
    with session_scope(people) as session:
        add_evidence(
            session, sid, "policy.est", "research", "https://example.org/r", "Round 3 findings"
        )
    with (
        pytest.raises(ValidationError, match="web address starting with https://"),
        session_scope(people) as session,
    ):
        add_evidence(session, sid, "policy.est", "code", "javascript:alert(1)", "Code")
    with (
        pytest.raises(PermissionDeniedError, match="Only the person who made the submission"),
        session_scope(people) as session,
    ):
        add_evidence(session, sid, lead, "code", "https://example.org/c", "Code")
    with session_scope(people) as session:
        links = session.exec(select(EvidenceLink)).all()
        assert [(e.kind, e.description) for e in links] == [("research", "Round 3 findings")]
        actor = load_actor(session, lead)
        assert actor is not None
        view = panel_view(session, actor, sid, on=TODAY)
        assert view.may_arrange and view.booking is None and len(view.evidence) == 1
        # Until it is booked, the panel proposed when the assessment opened fills each seat.
        assert view.empty_seats == []
        assert [s.discipline for s in view.seats] == [
            None,
            "user_research",
            "design",
            "technical",
            "performance",
        ]


def test_nothing_is_booked_before_the_assessment_stage(people, checklist_registry):
    sid = make_submission(people, checklist_registry, **SERVICE)
    with pytest.raises(TransitionError, match="not at its Service Standard assessment"):
        book(people, sid)


def _settings():
    from dfr.settings import get_settings

    return get_settings()
