"""Refusals reach the application log: who asked, why they were refused, and the request id the
response carried (X-Request-Id), so a person's report can be matched with the log. Never a
password or a token."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from dfr.errors import PermissionDeniedError, TransitionError
from models.db import engine_for, session_scope
from models.draft import Draft
from services.decide import DecisionRequest, record_decision
from tests.conftest import ROOT
from tests.factories import make_submission
from tests.web_support import PASSWORD, Browserless, Site, submit_example

EXAMPLE = ROOT / "examples" / "submissions" / "02-new-service-alpha-amber.yaml"
STRANGER = "lowri.price"  # an assessor with no part in the submission


@pytest.fixture(scope="module")
def in_review(site: Site) -> tuple[int, int, str]:
    """iwan.parry's submission at its digital-options review: (id, open task, submitter)."""
    submission, task = submit_example(site, EXAMPLE)
    return submission.id or 0, task.id or 0, submission.submitter_id


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="dfr")
    return caplog


def records(caplog: pytest.LogCaptureFixture, logger: str) -> list[Any]:
    """The records `logger` made (Any: their extra fields are attributes)."""
    return [r for r in caplog.records if r.name == logger]


def test_a_strangers_look_at_a_submission_is_logged_with_the_request_id(
    site: Site, in_review, logged
):
    submission_id, _task, _submitter = in_review
    client = Browserless(site)
    client.sign_in(STRANGER)
    response = client.get(f"/submissions/{submission_id}")
    assert response.status_code == 404
    request_id = response.headers["x-request-id"]
    [record] = records(logged, "dfr.services.access")
    assert record.person == STRANGER and record.refusal == "privacy"
    assert record.request_id == request_id
    assert f"submission {submission_id}" in record.getMessage()
    every_word = " ".join(f"{r.getMessage()} {r.__dict__}" for r in logged.records)
    assert PASSWORD not in every_word and client.token not in every_word
    client.close()


def test_every_response_carries_its_own_request_id(site: Site):
    client = Browserless(site)
    first, second = client.get("/sign-in"), client.get("/no-such-page")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert second.status_code == 404 and len(second.headers["x-request-id"]) >= 8
    client.close()


def test_a_missing_submission_is_not_logged_as_a_privacy_refusal(site: Site, logged):
    client = Browserless(site)
    client.sign_in(STRANGER)
    assert client.get("/submissions/98765432").status_code == 404
    assert records(logged, "dfr.services.access") == []
    client.close()


def test_someone_elses_draft_and_dg_overview_are_logged(site: Site, logged):
    with session_scope(engine_for(site.database_url)) as session:
        draft = Draft(person_id="iwan.parry", kind="initiative", dg_code="EST")
        session.add(draft)
        session.flush()
        draft_id = draft.id
    client = Browserless(site)
    client.sign_in(STRANGER)
    draft_page = client.get(f"/drafts/{draft_id}/about")
    overview = client.get("/dg/EST")
    assert draft_page.status_code == overview.status_code == 404
    found = {
        (r.item, r.request_id)
        for r in records(logged, "dfr.services.access")
        if r.person == STRANGER
    }
    assert found == {
        (f"draft {draft_id}", draft_page.headers["x-request-id"]),
        ("DG overview EST", overview.headers["x-request-id"]),
    }
    client.close()


def test_a_refused_decision_in_the_web_is_logged_with_the_person_and_reason(
    site: Site, in_review, logged
):
    submission_id, task_id, submitter = in_review
    client = Browserless(site)
    client.sign_in(submitter)
    client.get(f"/submissions/{submission_id}")  # a CSRF token for the form
    response = client.post(
        f"/submissions/{submission_id}/review/{task_id}",
        {"outcome": "approve", "rationale": "Mine, so fine"},
    )
    assert response.status_code == 403
    [record] = records(logged, "dfr.services.decide")
    assert record.person == submitter and record.refusal == "PermissionDeniedError"
    assert "separation of duties" in record.reason and record.stage == "digital_options_review"
    assert record.request_id == response.headers["x-request-id"]
    client.close()


def refusal_logged(engine, registry, logged, request: DecisionRequest, error: type[Exception]):
    """Record `request`, which is refused with `error`: the one record the refusal logged."""
    with pytest.raises(error), session_scope(engine) as session:
        record_decision(session, request, registry)
    [record] = records(logged, "dfr.services.decide")
    return record


def test_a_decision_refused_for_the_role_is_logged(people, checklist_registry, logged):
    sid = make_submission(people, checklist_registry)
    request = DecisionRequest(sid, "digital_options_review", "approve", "Looks fine", "ur.one")
    record = refusal_logged(people, checklist_registry, logged, request, PermissionDeniedError)
    assert record.person == "ur.one" and record.submission_id == sid
    assert record.stage == "digital_options_review" and record.reason
    assert record.request_id == "-"  # not a web request


def test_a_decision_on_a_stage_that_is_not_open_is_logged(people, checklist_registry, logged):
    sid = make_submission(people, checklist_registry)
    request = DecisionRequest(sid, "category_review", "approve", "Fine", "cm.est")
    record = refusal_logged(people, checklist_registry, logged, request, TransitionError)
    assert record.person == "cm.est" and record.refusal == "TransitionError"
    assert "is not open for a decision" in record.reason
