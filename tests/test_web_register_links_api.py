"""The register's links as JSON: a submission's service put idempotently; the CoE's register
proposals listed, accepted and dismissed; refusals as problem details in the reader's language,
with nothing written; a submission the reader may not see answered as one that does not exist."""

from __future__ import annotations

from sqlmodel import select

from checklists.loader import registry
from models.audit import LogEntry
from models.db import engine_for, session_scope
from services.register_examples import load_register_examples
from services.scenarios import run_scenario
from tests.conftest import ROOT
from tests.web_support import Browserless, Site, submit_example

EXAMPLES = ROOT / "examples" / "submissions"


def _as(site: Site, person: str, language: str = "en") -> Browserless:
    client = Browserless(site)
    client.sign_in(person, language)
    return client


def _linked(site: Site) -> int:
    with session_scope(engine_for(site.database_url)) as session:
        return len(
            session.exec(
                select(LogEntry).where(LogEntry.event == "register.submission_linked")
            ).all()
        )


def test_a_submissions_service_is_put_idempotently(site: Site):
    load_register_examples(engine_for(site.database_url), ROOT / "examples" / "register")
    submission, _task = submit_example(site, EXAMPLES / "01-policy-no-digital-service.yaml")
    path = f"/api/register/submissions/{submission.id}/service"
    submitter = _as(site, "angharad.wyn")
    put = submitter.client.put(path, json={"service": "mytravelpass"})
    assert put.status_code == 200, put.text
    assert put.json() == {"submission": submission.id, "kind": "changes", "service": "mytravelpass"}
    again = submitter.client.put(path, json={"service": "mytravelpass"})
    assert again.json() == put.json() and _linked(site) == 1
    wrong = submitter.client.put(path, json={"service": "nowhere"})
    assert wrong.status_code == 422
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert wrong.json()["detail"].startswith("service: There is no service nowhere")
    welsh = _as(site, "gareth.hughes", "cy")  # the DG's Digital Leader sees it, cannot link it
    refused = welsh.client.put(path, json={"service": "new"})
    assert refused.status_code == 403
    assert "Dim ond y cyflwynydd, y Ganolfan Ragoriaeth Ddigidol" in refused.json()["detail"]
    outsider = _as(site, "lucy.green")
    hidden = outsider.client.put(path, json={"service": "new"})
    missing = outsider.client.put("/api/register/submissions/99999/service", json={})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == f"No submission {submission.id}. Check the reference."
    assert _linked(site) == 1
    for client in (submitter, welsh, outsider):
        client.close()


def test_the_coe_lists_accepts_and_dismisses_proposals(site: Site):
    load_register_examples(engine_for(site.database_url), ROOT / "examples" / "register")
    example = EXAMPLES / "09-discovery-obligation.yaml"
    engine, reg = engine_for(site.database_url), registry(ROOT / "checklists" / "data")
    sid = run_scenario(engine, reg, example).submission_id
    coe = _as(site, "james.oconnor")
    listed = coe.client.get("/api/register/proposals").json()["proposals"]
    [mine] = [p for p in listed if p["submission"] == sid]
    assert mine["entry"]["phase"] == "discovery" and mine["entry"]["dg"] == "HSS"
    blank = coe.client.post(f"/api/register/proposals/{sid}/dismissal", json={"reason": ""})
    assert blank.status_code == 422 and blank.json()["detail"].startswith("reason: Say why")
    untyped = coe.client.post(f"/api/register/proposals/{sid}", json={"entry": {}})
    assert untyped.status_code == 422
    assert untyped.json()["detail"].startswith("transaction_type:")
    done = coe.client.post(
        f"/api/register/proposals/{sid}", json={"entry": {"transaction_type": "registration"}}
    )
    assert done.status_code == 201, done.text
    assert done.json()["service"] == mine["entry"]["slug"]
    gone = coe.client.post(f"/api/register/proposals/{sid}/dismissal", json={"reason": "Late."})
    assert gone.status_code == 404
    officer = _as(site, "iwan.parry")
    assert officer.client.get("/api/register/proposals").status_code == 403
    coe.close()
    officer.close()


def test_a_submission_posted_as_json_names_its_service_or_is_refused(site: Site):
    from sqlalchemy import func

    from checklists.yaml_files import read_yaml
    from models.submission import Submission

    def policy_document(title: str, service: str) -> dict:
        """Example 01 (angharad.wyn's EST policy) with its own title, naming `service`."""
        document = read_yaml(EXAMPLES / "01-policy-no-digital-service.yaml")["submission"]
        return {**document, "title": {"cy": f"{title} (cy)", "en": title}, "service": service}

    load_register_examples(engine_for(site.database_url), ROOT / "examples" / "register")
    document = policy_document("A travel pass posted as JSON", service="mytravelpass")
    submitter = _as(site, "angharad.wyn")
    made = submitter.client.post("/api/submissions", json={"submission": document})
    assert made.status_code == 201, made.text
    assert made.json()["register"] == {"kind": "changes", "service": "mytravelpass"}

    def stored() -> int:
        with session_scope(engine_for(site.database_url), read_only=True) as session:
            return session.exec(select(func.count()).select_from(Submission)).one()

    before, linked = stored(), _linked(site)
    welsh = _as(site, "angharad.wyn", "cy")
    wrong = policy_document("Another travel pass", service="nowhere")
    refused = welsh.client.post("/api/submissions", json={"submission": wrong})
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("Nid oes gwasanaeth nowhere ar y gofrestr")
    assert (stored(), _linked(site)) == (before, linked)
    for client in (submitter, welsh):
        client.close()
