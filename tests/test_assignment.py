"""Who reviews what: by role and DG, least loaded first, never the submitter; assessment
panels; reassignment and absence cover, each recorded with its reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from dfr.errors import NotFoundError, PermissionDeniedError, ValidationError
from models.audit import LogEntry
from models.db import session_scope
from models.review import PanelMember, ReviewTask
from services.assignment import least_loaded
from services.reassign import delegate, reassign
from tests.factories import SERVICE, add_person, decide, load_people, make_submission


@pytest.fixture
def people(engine):
    load_people(engine)
    add_person(engine, "cm.all", "Cat All", "ca@example.org", {"role": "category_manager"})
    return engine


def open_task(engine, sid):
    with session_scope(engine) as session:
        return session.exec(
            select(ReviewTask).where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).one()


def test_least_loaded_with_ties_in_id_order():
    assert least_loaded(["b", "a", "c"], {"a": 2, "b": 1, "c": 1}) == "b"
    assert least_loaded([], {}) is None


def test_category_reviews_spread_over_category_managers(people, checklist_registry):
    assignees = []
    for _ in range(4):
        sid = make_submission(people, checklist_registry, kind="procurement", buys_digital=True)
        decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
        assignees.append(open_task(people, sid).assignee_id)
    assert sorted(assignees) == ["cm.all", "cm.all", "cm.est", "cm.est"]


def test_assessment_panel_has_a_lead_and_assessors_of_different_disciplines(
    people, checklist_registry
):
    sid = make_submission(people, checklist_registry, **{**SERVICE, "service_phase": "beta"})
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    task = open_task(people, sid)
    with session_scope(people) as session:
        panel = session.exec(select(PanelMember).where(PanelMember.task_id == task.id)).all()
    leads = [m for m in panel if m.panel_role == "lead"]
    assessors = [m for m in panel if m.panel_role == "assessor"]
    assert [m.person_id for m in leads] == [task.assignee_id]
    disciplines = sorted(m.discipline for m in assessors)
    assert disciplines == ["design", "performance", "technical", "user_research"]  # beta: + analyst
    # The next panel takes the other designer: least loaded first.
    other = make_submission(people, checklist_registry, **SERVICE)
    decide(people, checklist_registry, other, "digital_options_review", "approve", "dl.est")
    with session_scope(people) as session:
        second = session.exec(
            select(PanelMember).where(PanelMember.task_id == open_task(people, other).id)
        ).all()
    assert "design.two" in {m.person_id for m in second}
    assert "performance" not in {m.discipline for m in second}  # alpha: no analyst


def test_reassign_records_the_reason(people, checklist_registry):
    sid = make_submission(people, checklist_registry, kind="procurement", buys_digital=True)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    before = open_task(people, sid).assignee_id
    target = "cm.all" if before == "cm.est" else "cm.est"
    with session_scope(people) as session:
        reassign(session, sid, "category_review", target, "Conflict of interest", "admin.one")
    assert open_task(people, sid).assignee_id == target
    with session_scope(people) as session:
        entry = session.exec(select(LogEntry).where(LogEntry.event == "task.reassigned")).one()
    assert entry.payload["reason"] == "Conflict of interest" and entry.payload["from"] == before


@pytest.mark.parametrize(
    ("to", "actor", "error", "message", "field"),
    [
        (
            "lead.one",
            "admin.one",
            PermissionDeniedError,
            "^Only a category manager can decide the Category-manager review for EST; lead.one",
            "to",
        ),
        ("policy.est", "admin.one", PermissionDeniedError, "separation of duties", "to"),
        ("nobody", "admin.one", NotFoundError, "^Unknown person nobody", "to"),
        (
            "cm.all",
            "cm.est",
            PermissionDeniedError,
            "^Only an administrator, the Digital Centre of Excellence or the DG's Digital "
            "Leader can reassign reviews in EST; cm.est cannot.",
            "actor",
        ),
    ],
)
def test_reassign_refusals(people, checklist_registry, to, actor, error, message, field):
    sid = make_submission(people, checklist_registry, kind="procurement", buys_digital=True)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    with session_scope(people) as session, pytest.raises(error, match=message) as refused:
        reassign(session, sid, "category_review", to, "Because", actor)
    assert refused.value.field == field


def test_absence_cover_moves_open_reviews_and_lets_the_delegate_decide(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    assert open_task(people, sid).assignee_id == "dl.est"
    today = date.today()
    with session_scope(people) as session:
        _delegation, moved = delegate(
            session, "dl.est", "coe.one", today, today + timedelta(days=7), "Annual leave", "dl.est"
        )
    assert moved == [sid]
    assert open_task(people, sid).assignee_id == "coe.one"
    # New work for the absent leader goes to the delegate too.
    later = make_submission(people, checklist_registry)
    assert open_task(people, later).assignee_id == "coe.one"
    decide(people, checklist_registry, later, "digital_options_review", "approve", "coe.one")


def test_delegate_covering_a_category_manager_may_decide_for_them(people, checklist_registry):
    sid = make_submission(people, checklist_registry, kind="procurement", buys_digital=True)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    owner = open_task(people, sid).assignee_id
    with session_scope(people) as session:
        delegate(session, owner, "ur.one", date.today(), date.today(), "Sick leave", "admin.one")
    assert open_task(people, sid).assignee_id == "ur.one"
    decide(people, checklist_registry, sid, "category_review", "approve", "ur.one")


def test_delegation_input_is_checked(people):
    today = date.today()
    with session_scope(people) as session, pytest.raises(ValidationError, match="end on or after"):
        delegate(session, "dl.est", "coe.one", today, today - timedelta(days=1), "Leave", "dl.est")
    with (
        session_scope(people) as session,
        pytest.raises(PermissionDeniedError, match="arrange cover"),
    ):
        delegate(session, "dl.est", "coe.one", today, today, "Leave", "cm.est")
