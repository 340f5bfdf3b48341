"""POST /api/submissions: the same document as a CLI submission file, over HTTP, idempotent."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from checklists.yaml_files import read_yaml
from models.db import engine_for, session_scope
from models.submission import Submission
from tests.conftest import ROOT
from tests.web_support import Browserless, Site

DOCUMENT = read_yaml(ROOT / "examples" / "submissions" / "02-new-service-alpha-amber.yaml")


def stored(site: Site) -> int:
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        return session.exec(select(func.count()).select_from(Submission)).one()


def test_a_submission_posted_as_json_is_routed_once_per_key(site: Site):
    client = Browserless(site)
    client.sign_in("iwan.parry")
    body = {"submission": DOCUMENT["submission"]}
    first = client.client.post("/api/submissions", json=body, headers={"Idempotency-Key": "k1"})
    assert first.status_code == 201, first.text
    made = first.json()
    assert made["reference"].startswith("DFR-")
    assert made["stages"][0]["stage"] == "digital_options_review"
    again = client.client.post("/api/submissions", json=body, headers={"Idempotency-Key": "k1"})
    assert again.status_code == 201 and again.json()["id"] == made["id"]
    assert stored(site) == 1
    client.close()


def test_a_key_is_the_senders_and_is_never_reused_for_another_document(site: Site):
    """Another person's `key-1` is their own key; the same key with a different document is
    refused (422) and stores nothing, without revealing the first submission."""
    first = Browserless(site)
    first.sign_in("iwan.parry")
    body = {"submission": DOCUMENT["submission"]}
    headers = {"Idempotency-Key": "key-1"}
    made = first.client.post("/api/submissions", json=body, headers=headers)
    assert made.status_code == 201, made.text
    before = stored(site)
    changed = {**DOCUMENT["submission"], "title": {"cy": "Teitl arall", "en": "Another title"}}
    reused = first.client.post("/api/submissions", json=changed, headers=headers)
    assert reused.status_code == 422, reused.text
    assert "already used for a different submission" in reused.text
    assert made.json()["reference"] not in reused.text
    assert stored(site) == before
    first.close()

    other = Browserless(site)
    other.sign_in("lucy.green")
    theirs = {**DOCUMENT["submission"], "submitter": "lucy.green"}
    response = other.client.post("/api/submissions", json=theirs, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["id"] != made.json()["id"]
    other.close()


@pytest.mark.parametrize(
    ("person", "change", "status", "words"),
    [
        ("iwan.parry", {"dg": "NOPE"}, 404, "Unknown DG NOPE"),
        ("iwan.parry", {"answers": {"digital_options": {}}}, 422, "needs an answer"),
        ("iwan.parry", {"submitter": "lucy.green"}, 403, "only submit as yourself"),
        ("david.patel", {}, 403, "not a policy officer in EST"),
        (
            "iwan.parry",
            {"title": {"cy": "Teitl", "en": "A" * 5000}},
            422,
            "title.en: is 5000 characters long; shorten it to 200 at most",
        ),
        (
            "iwan.parry",
            {"title": {"cy": "Teitl", "en": "Two\nlines"}},
            422,
            "title.en: must be one line of text",
        ),
        (
            "iwan.parry",
            {"summary": {"cy": "Crynodeb", "en": "x" * 5001}},
            422,
            "summary.en: is 5001 characters long; shorten it to 5000 at most",
        ),
    ],
)
def test_a_bad_submission_is_refused_with_the_reason_and_nothing_stored(
    site: Site, person: str, change: dict, status: int, words: str
):
    client = Browserless(site)
    client.sign_in(person)
    before = stored(site)
    document = {**DOCUMENT["submission"], **change}
    if "submitter" not in change:
        document.pop("submitter")
    response = client.client.post("/api/submissions", json=document)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert words in response.json()["detail"]
    assert stored(site) == before
    client.close()


def test_only_json_from_a_signed_in_person_is_taken(site: Site):
    anonymous = Browserless(site)
    refused = anonymous.client.post("/api/submissions", json=DOCUMENT)
    assert refused.status_code == 401
    assert refused.json()["detail"].startswith("Sign in first")
    client = Browserless(site)
    client.sign_in("iwan.parry")
    form = client.client.post("/api/submissions", data={"kind": "initiative"})
    assert form.status_code == 415  # a cross-site form cannot post here
    assert form.json()["detail"].startswith("Send the submission as JSON")
    anonymous.close()
    client.close()
