"""Register proposals: an approved submission that builds a new digital service and is not
linked to a register entry is proposed to the CoE, who adds the entry in one step (pre-filled
from the submission, linked to it) or dismisses it with a reason; both logged. A refusal
writes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from dfr.errors import NotFoundError, PermissionDeniedError, ValidationError
from models.audit import LogEntry
from models.db import session_scope
from models.service_links import ServiceLink
from models.service_register import Service
from services.register import import_services
from services.register_proposals import accept_proposal, dismiss_proposal, pending_proposals
from services.service_links import link_submission
from tests.factories import IN_DISCOVERY, decide, log_count, make_submission
from tests.register_data import services_csv


@pytest.fixture
def approved(people, checklist_registry) -> int:
    """An initiative building a new service (in discovery), approved at its review."""
    sid = make_submission(people, checklist_registry, **IN_DISCOVERY)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    return sid


def _proposed(engine) -> list[int | None]:
    with session_scope(engine) as session:
        return [p.submission.id for p in pending_proposals(session, "coe.one")]


def test_an_approved_submission_for_a_new_service_is_proposed_prefilled(people, approved):
    with session_scope(people) as session:
        [proposal] = pending_proposals(session, "coe.one")
    assert proposal.submission.id == approved
    entry = proposal.entry
    assert (entry["name_en"], entry["name_cy"]) == ("Test title", "Teitl prawf")
    assert (entry["description_en"], entry["dg"]) == ("Summary", "EST")
    assert (entry["slug"], entry["phase"], entry["customer_type"]) == (
        "test-title",
        "discovery",
        "citizens",
    )


def test_submissions_not_approved_or_not_building_a_service_are_not_proposed(
    people, checklist_registry
):
    make_submission(people, checklist_registry, **IN_DISCOVERY)  # still in review
    policy = make_submission(people, checklist_registry)  # builds no service
    decide(people, checklist_registry, policy, "digital_options_review", "approve", "dl.est")
    assert _proposed(people) == []


def test_a_submission_linked_to_a_service_it_changes_is_not_proposed(people, approved):
    with session_scope(people) as session:
        import_services(session, services_csv({}), "coe.one")
        link_submission(session, "coe.one", approved, "fishing-licence")
    assert _proposed(people) == []


def test_accepting_adds_the_entry_linked_to_the_submission_and_logs_it(people, approved):
    with session_scope(people) as session:
        service = accept_proposal(
            session, "coe.one", approved, {"transaction_type": "licence", "slug": "boat-permit"}
        )
        assert service.name_en == "Test title" and service.phase == "discovery"
    with session_scope(people) as session:
        link = session.exec(select(ServiceLink)).one()
        entries = session.exec(
            select(LogEntry)
            .where(LogEntry.event.startswith("register."))
            .order_by(col(LogEntry.seq))
        ).all()
    assert (link.submission_id, link.kind) == (approved, "creates") and link.service_id
    assert [e.event for e in entries] == [
        "register.proposed",  # by the approval
        "register.service_added",
        "register.proposal_accepted",
        "register.submission_linked",
    ]
    assert entries[1].payload["from"] == f"DFR-{approved:05d}"
    assert entries[2].submission_id == approved
    assert _proposed(people) == []


def test_a_wrong_field_or_a_taken_address_is_refused_and_nothing_is_written(people, approved):
    with session_scope(people) as session:
        import_services(session, services_csv({"slug": "test-title"}), "coe.one")
    with session_scope(people) as session:  # the address offered is one not taken
        assert pending_proposals(session, "coe.one")[0].entry["slug"] == "test-title-2"
    before = log_count(people)
    taken = {"transaction_type": "licence", "slug": "test-title"}
    with session_scope(people) as session, pytest.raises(ValidationError) as wrong:
        accept_proposal(session, "coe.one", approved, taken)
    assert wrong.value.field == "slug" and "There is a service at test-title already" in str(
        wrong.value.message
    )
    with session_scope(people) as session, pytest.raises(ValidationError) as untyped:
        accept_proposal(session, "coe.one", approved, {"slug": "new-one"})
    assert untyped.value.field == "transaction_type"
    with session_scope(people) as session:
        assert len(session.exec(select(Service)).all()) == 1
        assert session.exec(select(ServiceLink)).all() == []
    assert log_count(people) == before


def test_dismissing_needs_a_reason_and_is_logged(people, approved):
    before = log_count(people)
    with session_scope(people) as session, pytest.raises(ValidationError) as blank:
        dismiss_proposal(session, "coe.one", approved, "  ")
    assert blank.value.field == "reason" and log_count(people) == before
    with session_scope(people) as session:
        dismiss_proposal(session, "coe.one", approved, "An internal tool, not a service.")
    assert _proposed(people) == []
    with session_scope(people) as session:
        [entry] = session.exec(
            select(LogEntry).where(LogEntry.event == "register.proposal_dismissed")
        ).all()
        assert entry.payload == {"reason": "An internal tool, not a service."}
        with pytest.raises(NotFoundError):  # once dismissed, it is no longer a proposal
            dismiss_proposal(session, "coe.one", approved, "Again.")


def test_only_the_coe_and_administrators_see_and_settle_proposals(people, approved):
    before = log_count(people)
    for person in ("policy.est", "dl.est"):
        with session_scope(people) as session, pytest.raises(PermissionDeniedError):
            pending_proposals(session, person)
        with session_scope(people) as session, pytest.raises(PermissionDeniedError):
            accept_proposal(session, person, approved, {"transaction_type": "licence"})
    assert log_count(people) == before
    with session_scope(people) as session:
        assert [p.submission.id for p in pending_proposals(session, "admin.one")] == [approved]
