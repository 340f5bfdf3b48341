"""Service owners enter their service's returns; the reminder sweep chases a late return
once per service and month: the owner first, then the DG's Digital Leader, in each one's
language. CoE candidates become a draft submission in one step, one open draft at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from dfr.errors import PermissionDeniedError, ValidationError
from dfr.settings import get_settings
from models.audit import LogEntry
from models.db import session_scope
from models.draft import Draft
from models.notification import Notification
from models.service_links import LateReturnReminder
from models.service_register import Service
from models.service_returns import FIGURES
from services.register import import_services, service_by_slug
from services.register_candidates import draft_for_candidate
from services.register_late_returns import chase_late_returns, return_due
from services.register_owners import returnable_services, set_owner
from services.register_returns import read_figure, record_return
from tests.factories import log_count
from tests.register_data import services_csv


@pytest.fixture
def owned(people):
    """fishing-licence (EST) on the register since March 2026, owned by policy.est."""
    with session_scope(people) as session:
        import_services(session, services_csv({}, {"slug": "blue-badge", "dg": "HSS"}), "coe.one")
        set_owner(session, "coe.one", "fishing-licence", "policy.est")
        service = service_by_slug(session, "fishing-licence")
        service.created_at = datetime(2026, 3, 1, tzinfo=UTC)
        session.add(service)
    return people


def _return(engine, person, month):
    figures = {name: read_figure(name, "5") for name in FIGURES}
    with session_scope(engine) as session:
        service = service_by_slug(session, "fishing-licence")
        record_return(session, service, month, figures, person)


def test_the_owner_enters_returns_for_their_service_and_nobody_else_may(owned):
    _return(owned, "policy.est", date(2026, 3, 1))
    before = log_count(owned)
    with pytest.raises(PermissionDeniedError) as refused:
        _return(owned, "policy.hss", date(2026, 4, 1))
    assert "Only the service's owner, the Digital Centre of Excellence" in refused.value.message
    assert log_count(owned) == before
    with session_scope(owned) as session:
        assert [s.slug for s in returnable_services(session, "policy.est")] == ["fishing-licence"]
        assert len(returnable_services(session, "coe.one")) == 2
        with pytest.raises(PermissionDeniedError):
            returnable_services(session, "policy.hss")


def test_naming_an_owner_is_for_the_coe_and_is_logged(owned):
    before = log_count(owned)
    with session_scope(owned) as session, pytest.raises(ValidationError) as unknown:
        set_owner(session, "coe.one", "blue-badge", "nobody.here")
    assert unknown.value.field == "owner"
    with session_scope(owned) as session, pytest.raises(PermissionDeniedError):
        set_owner(session, "policy.est", "blue-badge", "policy.est")
    assert log_count(owned) == before
    with session_scope(owned) as session:
        [entry] = session.exec(
            select(LogEntry).where(LogEntry.event == "register.owner_changed")
        ).all()
        assert entry.payload == {"service": "fishing-licence", "from": None, "to": "policy.est"}


def test_a_return_is_due_by_the_tenth_working_day_of_the_next_month():
    # May 2026: Friday 1, then the early May bank holiday on Monday 4.
    assert return_due(date(2026, 4, 1), 10) == date(2026, 5, 15)
    assert return_due(date(2026, 5, 1), 10) == date(2026, 6, 12)
    assert return_due(date(2026, 12, 1), 1) == date(2027, 1, 4)  # after New Year's Day


def _sent(engine):
    with session_scope(engine) as session:
        return session.exec(select(Notification).order_by(Notification.subject)).all()


def test_a_late_return_is_chased_once_then_escalated_to_the_digital_leader(owned):
    _return(owned, "coe.one", date(2026, 3, 1))
    settings = get_settings()
    with session_scope(owned) as session:  # April's due 15 May, May's due 12 June
        assert chase_late_returns(session, date(2026, 6, 15), settings) == 2
    with session_scope(owned) as session:
        assert chase_late_returns(session, date(2026, 6, 15), settings) == 0  # nothing twice
        steps = session.exec(select(LateReturnReminder)).all()
    assert {(r.month, r.step) for r in steps} == {
        (date(2026, 4, 1), "escalation"),
        (date(2026, 5, 1), "reminder"),
    }
    owner, leader = _sent(owned)  # policy.est reads English, dl.est Welsh
    assert owner.recipient_id == "policy.est" and owner.language == "en"
    assert owner.subject == "Late: the May 2026 return for Fishing licence"
    assert "was due by **12 June 2026**. You are its owner" in owner.body_markdown
    assert "Trwydded" not in owner.body_markdown
    assert leader.recipient_id == "dl.est" and leader.language == "cy"
    assert leader.subject == "Yn dal yn hwyr: ffurflen ddata Ebrill 2026 ar gyfer Trwydded bysgota"
    assert "Policy EST sy'n berchen ar y gwasanaeth" in leader.body_markdown
    assert "Fishing licence" not in leader.body_markdown
    assert owner.idempotency_key == "return-late:1:2026-05:reminder:policy.est:outbox"


def test_a_return_entered_in_time_or_late_stops_the_chase(owned):
    for month in (3, 4, 5):
        _return(owned, "policy.est", date(2026, month, 1))
    with session_scope(owned) as session:
        assert chase_late_returns(session, date(2026, 6, 15), get_settings()) == 0
        # A retired service, or one without an owner, is not chased.
        set_owner(session, "coe.one", "fishing-licence", "")
        assert chase_late_returns(session, date(2026, 7, 20), get_settings()) == 0
    assert _sent(owned) == []


def test_the_coe_turns_a_candidate_into_a_draft_in_their_language(owned):
    with session_scope(owned) as session:
        draft = draft_for_candidate(session, "coe.one", "fishing-licence", "cy")
        draft_id = draft.id
    with session_scope(owned) as session:
        draft = session.get(Draft, draft_id)
        assert (draft.person_id, draft.kind, draft.dg_code) == ("coe.one", "initiative", "EST")
        assert draft.title_cy == "Trawsnewid Trwydded bysgota" and draft.title_en == ""
        assert "Trwydded bysgota" in draft.summary_cy and draft.summary_en == ""
        assert draft.service_link == "changes"
        assert (
            draft.service_id
            == session.exec(select(Service.id).where(Service.slug == "fishing-licence")).one()
        )


def test_a_second_draft_for_the_same_candidate_is_refused_saying_where_the_first_is(owned):
    with session_scope(owned) as session:
        first = draft_for_candidate(session, "coe.one", "fishing-licence", "en").id
    before = log_count(owned)
    with session_scope(owned) as session, pytest.raises(ValidationError) as again:
        draft_for_candidate(session, "coe.one", "fishing-licence", "en")
    assert f"your draft, at /drafts/{first}/check" in again.value.message
    with session_scope(owned) as session, pytest.raises(ValidationError) as other:
        draft_for_candidate(session, "admin.one", "fishing-licence", "en")
    assert "a draft CoE One started on" in other.value.message
    with session_scope(owned) as session, pytest.raises(PermissionDeniedError):
        draft_for_candidate(session, "policy.est", "blue-badge", "en")
    with session_scope(owned) as session:
        assert len(session.exec(select(Draft)).all()) == 1
    assert log_count(owned) == before
