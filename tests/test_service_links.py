"""Submissions linked to the register: the submitter (while drafting or later), the CoE and
administrators say which service a submission changes or that it creates one; each change is
logged; a service's page for the CoE and its owner lists the linked submissions the reader may
see and their sent assessments; the public side shows only published ones."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from dfr.errors import NotFoundError, PermissionDeniedError, ValidationError
from models.assessment_report import AssessmentReport
from models.audit import LogEntry
from models.db import session_scope
from models.draft import Draft
from models.review import Decision, ReviewTask
from models.service_links import ServiceLink
from models.submission import Submission
from services.access import load_actor
from services.assessment_reports import draft_report
from services.drafts import mark_sent
from services.register import import_services
from services.register_owners import set_owner
from services.service_links import (
    choose_for_draft,
    link_submission,
    published_assessments,
    service_record,
    submission_link,
)
from services.submit import submit
from tests.factories import (
    IN_DISCOVERY,
    SERVICE,
    all_green,
    assess,
    decide,
    log_count,
    make_submission,
    publish_report_row,
    submission_data,
)
from tests.register_data import services_csv


@pytest.fixture
def register(people):
    with session_scope(people) as session:
        import_services(session, services_csv({}, {"slug": "blue-badge", "dg": "HSS"}), "coe.one")
    return people


def _link(engine, sid):
    with session_scope(engine) as session:
        link = session.exec(select(ServiceLink).where(ServiceLink.submission_id == sid)).first()
        return None if link is None else (link.kind, link.service_id, link.linked_by_id)


def _events(engine, event):
    with session_scope(engine) as session:
        return session.exec(
            select(LogEntry).where(LogEntry.event == event).order_by(col(LogEntry.seq))
        ).all()


def test_a_draft_names_the_service_it_changes_and_its_submission_is_linked(
    register, checklist_registry
):
    with session_scope(register) as session:
        draft = Draft(person_id="policy.est", kind="initiative", dg_code="EST")
        session.add(draft)
        session.flush()
        choose_for_draft(session, "policy.est", draft.id or 0, "fishing-licence")
        data = submission_data(**SERVICE)
        sid = submit(session, data, checklist_registry).submission_id
        mark_sent(session, draft, sid)
    kind, service_id, by = _link(register, sid)
    assert (kind, by) == ("changes", "policy.est") and service_id
    [logged] = _events(register, "register.submission_linked")
    assert logged.submission_id == sid and logged.payload["service"] == "fishing-licence"


def test_only_the_owner_of_a_draft_chooses_its_service(register):
    with session_scope(register) as session:
        draft = Draft(person_id="policy.est", kind="initiative", dg_code="EST")
        session.add(draft)
        session.flush()
        draft_id = draft.id or 0
    with session_scope(register) as session, pytest.raises(NotFoundError):
        choose_for_draft(session, "coe.one", draft_id, "fishing-licence")
    with session_scope(register) as session, pytest.raises(ValidationError) as wrong:
        choose_for_draft(session, "policy.est", draft_id, "no-such-service")
    assert "There is no service no-such-service on the register to change" in wrong.value.message
    with session_scope(register) as session:
        assert session.get(Draft, draft_id).service_link is None


def test_the_submitter_and_the_coe_link_a_submission_and_each_change_is_logged(
    register, checklist_registry
):
    sid = make_submission(register, checklist_registry, **SERVICE)
    with session_scope(register) as session:
        link_submission(session, "policy.est", sid, "new")
    assert _link(register, sid)[:2] == ("creates", None)
    with session_scope(register) as session:
        link_submission(session, "coe.one", sid, "blue-badge")
        link_submission(session, "coe.one", sid, "blue-badge")  # the same again: nothing new
    assert _link(register, sid)[0] == "changes"
    logged = _events(register, "register.submission_linked")
    assert [e.payload["kind"] for e in logged] == ["creates", "changes"]
    assert logged[1].payload["from"] == {"kind": "creates", "service": None}
    with session_scope(register) as session:
        link_submission(session, "admin.one", sid, "")
    assert _link(register, sid) is None
    assert len(_events(register, "register.submission_unlinked")) == 1


def test_linking_is_refused_to_others_and_writes_nothing(register, checklist_registry):
    sid = make_submission(register, checklist_registry, **SERVICE)
    before = log_count(register)
    # The DG's Digital Leader sees the submission but does not link it.
    with session_scope(register) as session, pytest.raises(PermissionDeniedError) as refused:
        link_submission(session, "dl.est", sid, "fishing-licence")
    assert "Only the submitter, the Digital Centre of Excellence" in refused.value.message
    # Someone who may not see it is told it does not exist.
    with session_scope(register) as session, pytest.raises(NotFoundError) as hidden:
        link_submission(session, "policy.hss", sid, "fishing-licence")
    assert hidden.value.message == f"No submission {sid}. Check the reference."
    with session_scope(register) as session, pytest.raises(ValidationError):
        link_submission(session, "policy.est", sid, "nowhere")
    assert _link(register, sid) is None and log_count(register) == before


def _assessed(engine, registry, sid):
    """Through the digital-options review and an all-green assessment: its report drafted."""
    decide(engine, registry, sid, "digital_options_review", "approve", "dl.est")
    assess(engine, registry, sid, "green", all_green(registry))
    with session_scope(engine) as session:
        decision = session.exec(
            select(Decision).where(
                Decision.submission_id == sid, Decision.stage == "service_assessment"
            )
        ).one()
        task = session.get(ReviewTask, decision.task_id)
        submission = session.get(Submission, sid)
        draft_report(session, submission, task, decision, date(2026, 10, 1))


def _report_is(engine, sid, status):
    with session_scope(engine) as session:
        report = session.exec(
            select(AssessmentReport).where(AssessmentReport.submission_id == sid)
        ).one()
        report.status = status
        session.add(report)


def test_the_service_record_shows_only_what_the_reader_may_see(register, checklist_registry):
    est = make_submission(register, checklist_registry, **SERVICE)
    hss = make_submission(
        register, checklist_registry, dg="HSS", submitter="policy.hss", **IN_DISCOVERY
    )
    _assessed(register, checklist_registry, est)
    with session_scope(register) as session:
        link_submission(session, "coe.one", est, "fishing-licence")
        link_submission(session, "coe.one", hss, "fishing-licence")
        set_owner(session, "coe.one", "fishing-licence", "policy.hss")
    with session_scope(register) as session:
        coe = service_record(session, "coe.one", "fishing-licence")
        assert [item.submission.id for item in coe.linked] == [est, hss]
        assert coe.linked[0].assessments == []  # a draft report is not told
    _report_is(register, est, "sent")
    with session_scope(register) as session:
        coe = service_record(session, "coe.one", "fishing-licence")
        assert [(a.phase, a.result) for a in coe.linked[0].assessments] == [("alpha", "green")]
        # The owner submitted one of them; the other is not theirs to see, not even counted.
        owner = service_record(session, "policy.hss", "fishing-licence")
        assert [item.submission.id for item in owner.linked] == [hss]
        assert not owner.may_edit
        with pytest.raises(NotFoundError) as hidden:
            service_record(session, "policy.est", "fishing-licence")
        assert hidden.value.message == "There is no service fishing-licence on the register."
        service = coe.service
        assert published_assessments(session, service) == []


def test_the_public_side_shows_only_published_assessments(register, checklist_registry):
    sid = make_submission(register, checklist_registry, **SERVICE)
    _assessed(register, checklist_registry, sid)
    _report_is(register, sid, "sent")
    with session_scope(register) as session:
        link_submission(session, "coe.one", sid, "fishing-licence")
        service = service_record(session, "coe.one", "fishing-licence").service
        assert published_assessments(session, service) == []  # sent is not published
    publish_report_row(register, sid, "fishing-alpha")
    with session_scope(register) as session:
        [shown] = published_assessments(session, service)
        assert (shown.phase, shown.result, shown.report) == ("alpha", "green", "fishing-alpha")
        [linked] = service_record(session, "coe.one", "fishing-licence").linked
        assert linked.assessments[0].report == "fishing-alpha"


def test_the_submission_page_offers_the_choice_to_its_submitter_only(register, checklist_registry):
    sid = make_submission(register, checklist_registry, **SERVICE)
    with session_scope(register) as session:
        link_submission(session, "policy.est", sid, "fishing-licence")
        submission = session.get(Submission, sid)
        mine = submission_link(session, load_actor(session, "policy.est"), submission)
        leader = submission_link(session, load_actor(session, "dl.est"), submission)
    assert mine.may_change and mine.service.slug == "fishing-licence"
    assert {s.slug for s in mine.choices} == {"fishing-licence", "blue-badge"}
    assert not leader.may_change and leader.choices == []
