"""Web security: every state-changing route refuses a missing or wrong CSRF token and a person
without the role, changing nothing; user Markdown is inert; security headers on every page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func
from sqlmodel import select

from checklists.loader import read_yaml, registry
from models.audit import LogEntry
from models.db import engine_for, session_scope
from models.draft import Draft
from models.review import Decision, ReviewTask
from models.submission import Submission
from services.decide import DecisionRequest, record_decision
from services.scenarios import run_scenario
from tests.conftest import ROOT
from tests.factories import submit_row
from tests.web_support import Browserless, Site, live_site

EXAMPLES = ROOT / "examples" / "submissions"
SCRIPT = '<script>document.title="owned"</script><img src=x onerror="alert(1)">'


@dataclass(frozen=True)
class World:
    site: Site
    draft_id: int  # iwan.parry's draft
    in_review: int  # iwan.parry's submission, digital-options review open
    task_id: int  # its open task
    reviewer: str  # who may decide it
    changes: int  # rhys.bevan's submission with changes requested


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template) -> Iterator[World]:
    with live_site(tmp_path_factory.mktemp("web-sec"), sqlite_template) as site:
        engine = engine_for(site.database_url)
        reg = registry()
        with session_scope(engine) as session:
            data = read_yaml(EXAMPLES / "02-new-service-alpha-amber.yaml")
            submission = submit_row(session, data, reg)
            draft = Draft(person_id="iwan.parry", kind="initiative", dg_code="EST")
            session.add(draft)
            session.flush()
            task = session.exec(
                select(ReviewTask).where(
                    ReviewTask.submission_id == submission.id, ReviewTask.status == "open"
                )
            ).one()
            ids = (draft.id or 0, submission.id or 0, task.id or 0, task.assignee_id or "")
        changes = run_scenario(engine, reg, EXAMPLES / "12-changes-requested.yaml")
        yield World(site, *ids, changes.submission_id)


def state_of(site: Site) -> tuple[int, ...]:
    """Counts that any state change would move."""
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        drafts = session.exec(select(Draft)).all()
        return (
            session.exec(select(func.count()).select_from(LogEntry)).one(),
            session.exec(select(func.count()).select_from(Decision)).one(),
            session.exec(select(func.count()).select_from(Submission)).one(),
            len(drafts),
            sum(len(str(d.answers)) + len(d.title_en) for d in drafts),
        )


def routes(w: World) -> dict[str, dict[str, str]]:
    """Every state-changing route with a valid-looking form."""
    return {
        f"/drafts/{w.draft_id}/about": {
            "title_en": "T",
            "title_cy": "T",
            "summary_en": "S",
            "summary_cy": "S",
        },
        f"/drafts/{w.draft_id}/questions/digital_options/1": {"user_needs_evidence": "yes"},
        f"/drafts/{w.draft_id}/check": {},
        f"/drafts/{w.draft_id}/delete": {},
        "/submit": {"kind": "initiative", "dg": "EST"},
        f"/submissions/{w.in_review}/withdraw": {"reason": "x"},
        f"/submissions/{w.changes}/resubmit": {},
        f"/submissions/{w.in_review}/review/{w.task_id}": {
            "outcome": "approve",
            "rationale": "Fine",
        },
        f"/submissions/{w.in_review}/reassign/{w.task_id}": {
            "to": "nia.roberts",
            "reason": "Workload",
        },
    }


def test_the_matrix_covers_every_state_changing_route(world: World):
    """A POST route added without a line in `routes` would escape the CSRF and role checks
    below. Sign-in and sign-out are checked on their own; the JSON API in test_web_api."""
    from dfr.web.app import create_app

    covered = [*routes(world), "/sign-in", "/sign-out", "/api/submissions"]
    posts = [path for path, ops in create_app().openapi()["paths"].items() if "post" in ops]
    assert len(posts) >= 10
    for template in posts:
        pattern = re.compile("^" + re.sub(r"\{[a-z_]+\}", "[^/]+", template) + "$")
        assert any(pattern.match(path) for path in covered), template


@pytest.mark.parametrize("token", ["missing", "wrong"])
def test_every_post_refuses_a_missing_or_wrong_csrf_token(world: World, token: str):
    client = Browserless(world.site)
    client.sign_in("iwan.parry")
    before = state_of(world.site)
    for path, form in [*routes(world).items(), ("/sign-out", {})]:
        data = dict(form)
        if token == "wrong":
            data["csrf_token"] = "not-the-token"
        response = client.post(path, data, csrf=False)
        assert response.status_code == 403, path
        assert "did not come from this service" in response.text, path
    assert state_of(world.site) == before
    assert client.get("/work").status_code == 200  # still signed in: sign-out was refused
    client.close()


# Who may do what: (route, people who must be refused). The owner or reviewer is never listed.
OUTSIDERS = ["david.patel", "huw.jenkins", "lowri.price", "gareth.hughes"]


@pytest.mark.parametrize("person", [*OUTSIDERS, "anonymous"])
def test_every_post_refuses_people_without_the_role(world: World, person: str):
    client = Browserless(world.site)
    if person == "anonymous":
        client.get("/sign-in")
    else:
        client.sign_in(person)
    before = state_of(world.site)
    for path, form in routes(world).items():
        if path == "/submit" and person == "david.patel":
            form = {**form, "dg": "EST"}  # a policy officer, but of HSS
        response = client.post(path, form)
        if person == "anonymous":
            assert response.url.path == "/sign-in", path
        else:
            assert response.status_code in (400, 403, 404), (path, response.status_code)
    assert state_of(world.site) == before
    client.close()


def test_the_owner_and_the_reviewer_are_let_through(world: World):
    """The matrix above is not refusing everyone: the right people get past the checks."""
    owner = Browserless(world.site)
    owner.sign_in("iwan.parry")
    assert owner.get(f"/drafts/{world.draft_id}/about").status_code == 200
    page = owner.get(f"/submissions/{world.in_review}/review/{world.task_id}")
    assert page.status_code == 403  # separation of duties: not their own submission
    reviewer = Browserless(world.site)
    reviewer.sign_in(world.reviewer)
    assert reviewer.get(f"/submissions/{world.in_review}/review/{world.task_id}").status_code == 200
    owner.close()
    reviewer.close()


def test_a_script_in_a_rationale_is_inert_when_displayed(world: World):
    engine = engine_for(world.site.database_url)
    reg = registry()
    with session_scope(engine) as session:
        submission = submit_row(
            session, read_yaml(EXAMPLES / "01-policy-no-digital-service.yaml"), reg
        )
        task = session.exec(
            select(ReviewTask).where(
                ReviewTask.submission_id == submission.id, ReviewTask.status == "open"
            )
        ).one()
        record_decision(
            session,
            DecisionRequest(
                submission_id=submission.id or 0,
                stage=task.stage,
                outcome="approve",
                rationale=f"Looks **fine** {SCRIPT}",
                actor_id=task.assignee_id or "",
            ),
            reg,
        )
        submitter, sid = submission.submitter_id, submission.id
    client = Browserless(world.site)
    client.sign_in(submitter)
    page = client.get(f"/submissions/{sid}").text
    rationale = re.search(r'<div class="dfr-rationale">(.*?)</div>', page, re.S)
    assert rationale is not None
    assert "<strong>fine</strong>" in rationale.group(1)  # Markdown is rendered…
    assert "<script" not in rationale.group(1)  # …but no script or handler survives
    assert "onerror" not in rationale.group(1)
    client.close()


def test_pages_carry_security_headers_and_safe_cookies(world: World):
    client = Browserless(world.site)
    response = client.get("/sign-in")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    signed_in = client.sign_in("iwan.parry")
    cookie = next(
        h
        for r in [*signed_in.history, signed_in]
        for h in r.headers.get_list("set-cookie")
        if h.startswith("dfr_session=")
    )
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    client.close()


def test_errors_never_show_a_stack_trace(world: World):
    client = Browserless(world.site)
    client.sign_in("iwan.parry")
    response = client.get("/submissions/99999999")
    assert response.status_code == 404
    assert "Traceback" not in response.text
    assert client.get("/no-such-page").status_code == 404
    client.close()
