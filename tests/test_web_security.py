"""Web security: every route, page or API, declares who may use it (DECLARED: public,
signed-in, owner-only, visible-submission, DG overseer…) and an anonymous visitor and a stranger
get what its rule says; a route without a declaration fails by name. Every state-changing route
refuses a missing or wrong CSRF token and a person without the role, changing nothing; user
Markdown is inert; security headers on every page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from checklists.loader import registry
from checklists.yaml_files import read_yaml
from models.audit import LogEntry
from models.db import engine_for, session_scope
from models.draft import Draft
from models.review import Action, Decision
from models.service_returns import FIGURES
from models.submission import Submission
from services.register_examples import load_register_examples
from services.scenarios import run_scenario
from tests.conftest import ROOT
from tests.factories import open_task, submit_row
from tests.web_support import Browserless, Site, live_site, rationale_shown

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
    conditions: int  # lucy.green's submission approved with conditions by emma.clarke
    action_id: int  # its first condition, open


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template) -> Iterator[World]:
    with live_site(tmp_path_factory.mktemp("web-sec"), sqlite_template) as site:
        engine = engine_for(site.database_url)
        load_register_examples(engine, ROOT / "examples" / "register")
        reg = registry()
        with session_scope(engine) as session:
            data = read_yaml(EXAMPLES / "02-new-service-alpha-amber.yaml")
            submission = submit_row(session, data, reg)
            draft = Draft(person_id="iwan.parry", kind="initiative", dg_code="EST")
            session.add(draft)
            session.flush()
            task = open_task(session, submission.id or 0)
            ids = (draft.id or 0, submission.id or 0, task.id or 0, task.assignee_id or "")
        changes = run_scenario(engine, reg, EXAMPLES / "12-changes-requested.yaml")
        conditions = run_scenario(
            engine, reg, EXAMPLES / "04-procurement-framework-conditions.yaml"
        )
        with session_scope(engine) as session:
            action = session.exec(
                select(Action).where(Action.submission_id == conditions.submission_id)
            ).first()
            assert action is not None
        yield World(site, *ids, changes.submission_id, conditions.submission_id, action.id or 0)


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


# -- who may use each route -----------------------------------------------------------------

SIGN_IN = "sent to sign in"  # a page: redirected to /sign-in?next=…
OPEN = "let in"  # not refused: no 401, 403 or 404, not sent to sign in
STRANGER = "lowri.price"  # an assessor with no part in anything below, and no policy officer


@dataclass(frozen=True)
class Rule:
    """Who may use a route, and what an anonymous visitor and a signed-in stranger get."""

    name: str
    anonymous: str | int
    stranger: str | int


PUBLIC = Rule("public", OPEN, OPEN)
UNPUBLISHED = Rule("public once published (not found before)", 404, 404)
SIGNED_IN = Rule("signed-in", SIGN_IN, OPEN)
POLICY_OFFICER = Rule("policy officer", SIGN_IN, 403)
DRAFT_OWNER = Rule("owner-only (drafts)", SIGN_IN, 404)
VISIBLE_SUBMISSION = Rule("visible-submission", SIGN_IN, 404)
SUBMITTER = Rule("submitter of a visible submission", SIGN_IN, 404)
DECIDER = Rule("reviewer who may decide, of a visible submission", SIGN_IN, 404)
DG_OVERSEER = Rule("DG overseer", SIGN_IN, 404)
REASSIGNER = Rule(
    "administrator, CoE or the DG's Digital Leader, of a visible submission", SIGN_IN, 404
)
# The stranger is an assessor: the cover page is theirs too (for their own reviews only).
REVIEWER_ONLY = Rule("people who review, and administrators (absence cover)", SIGN_IN, OPEN)
ACTION_SETTER = Rule(
    "the reviewer who set the condition (or their cover), of a visible submission", SIGN_IN, 404
)
API_POLICY_OFFICER = Rule("policy officer, JSON API", 401, 403)
REPORT_API = Rule("the team or panel of a visible submission, JSON API", 401, 404)
SATISFACTION_API = Rule("the CoE, administrators and Digital Leaders, JSON API", 401, 403)
SATISFACTION_PAGE = Rule("the CoE, administrators and Digital Leaders (figures)", SIGN_IN, 403)
REGISTER_API = Rule("the CoE and administrators, JSON API (the register)", 401, 403)
REGISTER_EDITOR = Rule("the CoE and administrators (the register of services)", SIGN_IN, 404)
PROGRESS_EDITOR = Rule("the CoE and administrators (progress reports)", SIGN_IN, 404)
# The register's own page and a service's page are also its owners'; the stranger owns none.
REGISTER_DESK = Rule("the CoE, administrators and service owners (the register)", SIGN_IN, 404)
REGISTER_PROPOSALS_API = Rule("the CoE and administrators, JSON API (proposals)", 401, 403)
LINK_API = Rule("submitter, CoE or administrators of a visible submission, JSON API", 401, 404)


@dataclass(frozen=True)
class Declared:
    rule: Rule
    path: str  # a real path, `{w.…}` filled from the World
    form: dict[str, Any] | None = None  # for a POST: a valid-looking form (or JSON body)


COVER_DAYS = {"starts-day": "1", "starts-month": "12", "starts-year": "2030"}
COVER_DAYS |= {"ends-day": "1", "ends-month": "12", "ends-year": "2030"}
ABOUT = {"title_en": "T", "title_cy": "T", "summary_en": "S", "summary_cy": "S"}
# Every route of the web app, by (method, route path as declared), with who may use it. A new
# route must be added here (test_every_route_declares_who_may_use_it).
DECLARED: dict[tuple[str, str], Declared] = {
    ("GET", "/"): Declared(PUBLIC, "/"),
    ("GET", "/sign-in"): Declared(PUBLIC, "/sign-in"),
    ("POST", "/sign-in"): Declared(PUBLIC, "/sign-in", {"person": STRANGER, "password": "no"}),
    ("POST", "/sign-out"): Declared(PUBLIC, "/sign-out", {}),
    ("GET", "/language/{language}"): Declared(PUBLIC, "/language/cy?next=/sign-in"),
    ("GET", "/cover"): Declared(REVIEWER_ONLY, "/cover"),
    ("POST", "/cover"): Declared(  # someone else's cover: for administrators and the CoE only
        REVIEWER_ONLY,
        "/cover",
        {"person": "nia.roberts", "to": "james.oconnor", "reason": "x", **COVER_DAYS},
    ),
    ("GET", "/submissions"): Declared(DG_OVERSEER, "/submissions"),
    ("GET", "/submissions.csv"): Declared(DG_OVERSEER, "/submissions.csv"),
    ("GET", "/help"): Declared(PUBLIC, "/help"),
    ("GET", "/accessibility"): Declared(PUBLIC, "/accessibility"),
    ("GET", "/privacy"): Declared(PUBLIC, "/privacy"),
    # The register of services: published to anyone; changed by the CoE and administrators.
    ("GET", "/services"): Declared(PUBLIC, "/services?dg=EST"),
    ("GET", "/services/{slug}"): Declared(PUBLIC, "/services/planning-appeal"),
    ("GET", "/services/dg/{code}"): Declared(PUBLIC, "/services/dg/SF"),
    ("GET", "/services-summary"): Declared(PUBLIC, "/services-summary"),
    ("GET", "/open-data"): Declared(PUBLIC, "/open-data"),
    # Published assessment reports: the finder and open data are anyone's; a report that is not
    # published (here: none is) is not found, by anyone.
    ("GET", "/reports"): Declared(PUBLIC, "/reports?dg=EST&result=green"),
    ("GET", "/reports/feed.atom"): Declared(PUBLIC, "/reports/feed.atom"),
    ("GET", "/reports/{slug}"): Declared(UNPUBLISHED, "/reports/dfr-00002-alpha-2030-01-07"),
    **{
        ("GET", f"/open-data/{name}"): Declared(PUBLIC, f"/open-data/{name}")
        for kind in ("reports", "report-ratings")
        for name in (f"{kind}.csv", f"{kind}.json")
    },
    **{
        ("GET", f"/open-data/{name}"): Declared(PUBLIC, f"/open-data/{name}")
        for kind in ("services", "returns", "kpis")
        for name in (f"{kind}.csv", f"{kind}.json")
    },
    ("GET", "/register/upload"): Declared(REGISTER_EDITOR, "/register/upload"),
    ("POST", "/register/upload"): Declared(
        REGISTER_EDITOR, "/register/upload", {"kind": "services", "reason": ""}
    ),
    ("GET", "/register/priorities"): Declared(REGISTER_EDITOR, "/register/priorities"),
    ("GET", "/register/returns/new"): Declared(REGISTER_EDITOR, "/register/returns/new"),
    ("PUT", "/api/register/services/{slug}/returns/{month}"): Declared(
        REGISTER_API, "/api/register/services/planning-appeal/returns/2026-10"
    ),
    ("POST", "/register/returns/new"): Declared(
        REGISTER_EDITOR, "/register/returns/new", {"service": "planning-appeal", "month": "2026-10"}
    ),
    # The quarterly progress reports: published to anyone; made by the CoE and administrators.
    ("GET", "/progress"): Declared(PUBLIC, "/progress"),
    ("GET", "/progress/{slug}/{document}"): Declared(UNPUBLISHED, "/progress/2026-q2/en.pdf"),
    ("GET", "/progress/manage"): Declared(PROGRESS_EDITOR, "/progress/manage"),
    ("POST", "/progress/manage"): Declared(
        PROGRESS_EDITOR, "/progress/manage", {"quarter": "2026-Q2"}
    ),
    ("GET", "/progress/manage/{slug}"): Declared(PROGRESS_EDITOR, "/progress/manage/2026-q2"),
    ("GET", "/progress/manage/{slug}/preview/{language}"): Declared(
        PROGRESS_EDITOR, "/progress/manage/2026-q2/preview/cy"
    ),
    ("POST", "/progress/manage/{slug}/lessons"): Declared(
        PROGRESS_EDITOR, "/progress/manage/2026-q2/lessons", {"lessons_cy": "a", "lessons_en": "b"}
    ),
    ("POST", "/progress/manage/{slug}/publish"): Declared(
        PROGRESS_EDITOR, "/progress/manage/2026-q2/publish", {}
    ),
    # Links between submissions and the register (services/service_links.py).
    ("GET", "/register"): Declared(REGISTER_DESK, "/register"),
    ("GET", "/register/services/{slug}"): Declared(
        REGISTER_DESK, "/register/services/planning-appeal"
    ),
    ("POST", "/register/services/{slug}/owner"): Declared(
        REGISTER_EDITOR, "/register/services/planning-appeal/owner", {"owner": STRANGER}
    ),
    ("GET", "/register/services/{slug}/edit"): Declared(
        REGISTER_EDITOR, "/register/services/planning-appeal/edit"
    ),
    ("POST", "/register/services/{slug}/edit"): Declared(
        REGISTER_EDITOR, "/register/services/planning-appeal/edit", {"name_en": "Owned"}
    ),
    ("GET", "/register/proposals/{submission_id}"): Declared(
        REGISTER_EDITOR, "/register/proposals/{w.in_review}"
    ),
    ("POST", "/register/proposals/{submission_id}"): Declared(
        REGISTER_EDITOR, "/register/proposals/{w.in_review}", {"transaction_type": "payment"}
    ),
    ("POST", "/register/proposals/{submission_id}/dismiss"): Declared(
        REGISTER_EDITOR, "/register/proposals/{w.in_review}/dismiss", {"reason": "x"}
    ),
    ("POST", "/register/candidates/{slug}/draft"): Declared(
        REGISTER_EDITOR, "/register/candidates/planning-appeal/draft", {}
    ),
    ("GET", "/drafts/{draft_id}/service"): Declared(DRAFT_OWNER, "/drafts/{w.draft_id}/service"),
    ("POST", "/drafts/{draft_id}/service"): Declared(
        DRAFT_OWNER, "/drafts/{w.draft_id}/service", {"service": "new"}
    ),
    ("POST", "/submissions/{submission_id}/service"): Declared(
        SUBMITTER, "/submissions/{w.in_review}/service", {"service": "new"}
    ),
    ("PUT", "/api/register/submissions/{submission_id}/service"): Declared(
        LINK_API, "/api/register/submissions/{w.in_review}/service"
    ),
    ("GET", "/api/register/proposals"): Declared(REGISTER_PROPOSALS_API, "/api/register/proposals"),
    ("POST", "/api/register/proposals/{submission_id}"): Declared(
        REGISTER_PROPOSALS_API, "/api/register/proposals/{w.in_review}"
    ),
    ("POST", "/api/register/proposals/{submission_id}/dismissal"): Declared(
        REGISTER_PROPOSALS_API, "/api/register/proposals/{w.in_review}/dismissal"
    ),
    ("GET", "/assets"): Declared(PUBLIC, "/assets/manifest.json"),
    ("GET", "/static/govuk"): Declared(PUBLIC, "/static/govuk/govuk-frontend.min.css"),
    ("GET", "/static/app"): Declared(PUBLIC, "/static/app/app.css"),
    ("GET", "/work"): Declared(SIGNED_IN, "/work"),
    ("GET", "/submit"): Declared(POLICY_OFFICER, "/submit"),
    ("POST", "/submit"): Declared(POLICY_OFFICER, "/submit", {"kind": "initiative", "dg": "EST"}),
    ("GET", "/drafts/{draft_id}/about"): Declared(DRAFT_OWNER, "/drafts/{w.draft_id}/about"),
    ("POST", "/drafts/{draft_id}/about"): Declared(
        DRAFT_OWNER, "/drafts/{w.draft_id}/about", ABOUT
    ),
    ("GET", "/drafts/{draft_id}/questions/{checklist_id}/{number}"): Declared(
        DRAFT_OWNER, "/drafts/{w.draft_id}/questions/digital_options/1"
    ),
    ("POST", "/drafts/{draft_id}/questions/{checklist_id}/{number}"): Declared(
        DRAFT_OWNER,
        "/drafts/{w.draft_id}/questions/digital_options/1",
        {"user_needs_evidence": "yes"},
    ),
    ("GET", "/drafts/{draft_id}/start"): Declared(DRAFT_OWNER, "/drafts/{w.draft_id}/start"),
    ("POST", "/drafts/{draft_id}/start"): Declared(
        DRAFT_OWNER, "/drafts/{w.draft_id}/start", {"kind": "initiative", "dg": "EST"}
    ),
    ("GET", "/drafts/{draft_id}/check"): Declared(DRAFT_OWNER, "/drafts/{w.draft_id}/check"),
    ("POST", "/drafts/{draft_id}/check"): Declared(DRAFT_OWNER, "/drafts/{w.draft_id}/check", {}),
    ("GET", "/drafts/{draft_id}/delete"): Declared(DRAFT_OWNER, "/drafts/{w.draft_id}/delete"),
    ("POST", "/drafts/{draft_id}/delete"): Declared(DRAFT_OWNER, "/drafts/{w.draft_id}/delete", {}),
    ("GET", "/submissions/{submission_id}"): Declared(
        VISIBLE_SUBMISSION, "/submissions/{w.in_review}"
    ),
    ("GET", "/submissions/{submission_id}/confirmation"): Declared(
        VISIBLE_SUBMISSION, "/submissions/{w.in_review}/confirmation"
    ),
    ("GET", "/submissions/{submission_id}/withdraw"): Declared(
        SUBMITTER, "/submissions/{w.in_review}/withdraw"
    ),
    ("POST", "/submissions/{submission_id}/withdraw"): Declared(
        SUBMITTER, "/submissions/{w.in_review}/withdraw", {"reason": "x"}
    ),
    ("POST", "/submissions/{submission_id}/resubmit"): Declared(
        SUBMITTER, "/submissions/{w.changes}/resubmit", {}
    ),
    ("GET", "/submissions/{submission_id}/review/{task_id}"): Declared(
        DECIDER, "/submissions/{w.in_review}/review/{w.task_id}"
    ),
    ("POST", "/submissions/{submission_id}/review/{task_id}"): Declared(
        DECIDER,
        "/submissions/{w.in_review}/review/{w.task_id}",
        {"outcome": "approve", "rationale": "Fine"},
    ),
    ("GET", "/submissions/{submission_id}/reassign/{task_id}"): Declared(
        REASSIGNER, "/submissions/{w.in_review}/reassign/{w.task_id}"
    ),
    ("POST", "/submissions/{submission_id}/reassign/{task_id}"): Declared(
        REASSIGNER,
        "/submissions/{w.in_review}/reassign/{w.task_id}",
        {"to": "nia.roberts", "reason": "Workload"},
    ),
    ("POST", "/submissions/{submission_id}/actions/{action_id}/done"): Declared(
        SUBMITTER,
        "/submissions/{w.conditions}/actions/{w.action_id}/done",
        {"note": "Done", "evidence": "https://example.org/evidence"},
    ),
    ("POST", "/submissions/{submission_id}/actions/{action_id}/confirm"): Declared(
        ACTION_SETTER, "/submissions/{w.conditions}/actions/{w.action_id}/confirm", {}
    ),
    ("POST", "/submissions/{submission_id}/actions/{action_id}/send-back"): Declared(
        ACTION_SETTER,
        "/submissions/{w.conditions}/actions/{w.action_id}/send-back",
        {"reason": "Not yet"},
    ),
    **{
        (method, f"/submissions/{{submission_id}}/assessment{tail}"): Declared(
            VISIBLE_SUBMISSION, f"/submissions/{{w.in_review}}/assessment{path}", form
        )
        for method, tail, path, form in [
            ("GET", "", "", None),
            ("POST", "/book", "/book", {"date-day": "1", "date-month": "1", "date-year": "2031"}),
            ("POST", "/replace", "/replace", {"discipline": "design", "seat-design": "x"}),
            ("POST", "/declare", "/declare", {"conflicted": "no"}),
            (
                "POST",
                "/evidence",
                "/evidence",
                {"kind": "code", "url": "https://example.org", "description": "Code"},
            ),
            ("GET", "/ratings", "/ratings", None),
            ("POST", "/ratings", "/ratings", {"action": "draft"}),
            ("POST", "/ratings/settle", "/ratings/settle", {"action": "draft"}),
            ("GET", "/report", "/report", None),
            ("POST", "/report/send", "/report/send", {}),
            ("GET", "/report/{language}", "/report/cy", None),
            ("POST", "/report/{language}", "/report/cy", {"summary": "Crynodeb"}),
            ("POST", "/report/accept", "/report/accept", {}),
            ("GET", "/report/challenge", "/report/challenge", None),
            (
                "POST",
                "/report/challenge",
                "/report/challenge",
                {"standards": "w12", "reason-w12": "Why"},
            ),
            ("GET", "/report/challenge/answer", "/report/challenge/answer", None),
            (
                "POST",
                "/report/challenge/answer",
                "/report/challenge/answer",
                {"rating-w12": "green", "rationale-w12": "Why"},
            ),
            ("GET", "/report/feedback", "/report/feedback", None),
            ("POST", "/report/feedback", "/report/feedback", {"score": "5"}),
            ("GET", "/report/publication", "/report/publication", None),
            ("POST", "/report/publication/publish", "/report/publication/publish", {}),
            (
                "POST",
                "/report/publication/{step}",
                "/report/publication/withdraw",
                {"reason-cy": "Rheswm", "reason-en": "Reason"},
            ),
        ]
    },
    **{
        (method, f"/api/v1/submissions/{{submission_id}}/report{tail}"): Declared(
            REPORT_API, f"/api/v1/submissions/{{w.in_review}}/report{tail}", form
        )
        for method, tail, form in [
            ("GET", "", None),
            ("POST", "/accept", {}),
            ("POST", "/challenge", {"challenges": {"w12": "Why"}}),
            ("POST", "/challenge/answer", {"answers": {"w12": {"rating": "green"}}}),
            ("POST", "/feedback", {"score": 5}),
        ]
    },
    ("GET", "/assessments/satisfaction"): Declared(SATISFACTION_PAGE, "/assessments/satisfaction"),
    ("GET", "/api/v1/assessments/satisfaction"): Declared(
        SATISFACTION_API, "/api/v1/assessments/satisfaction"
    ),
    ("GET", "/dg/{dg_code}"): Declared(DG_OVERSEER, "/dg/EST"),
    ("POST", "/api/submissions"): Declared(API_POLICY_OFFICER, "/api/submissions"),
}
# Sign-in and sign-out are checked on their own; the JSON API (no form, no CSRF token) in
# test_web_api.
NOT_FORMS = {"/sign-in", "/sign-out", "/api/submissions"} | {
    d.path for d in DECLARED.values() if d.rule is REPORT_API
}


def _walk(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    from fastapi.routing import APIRoute
    from starlette.routing import Mount

    for route in routes:
        if isinstance(route, APIRoute):
            methods = (route.methods or set()) - {"HEAD"}
            yield from ((method, prefix + route.path) for method in methods)
        elif isinstance(route, Mount):
            yield ("GET", prefix + route.path)
        elif hasattr(route, "original_router"):  # an included router (FastAPI ≥ 0.150)
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)
        else:  # a kind of route this test does not know: declare it by hand
            yield ("?", repr(route))


def app_routes(app: Any = None) -> set[tuple[str, str]]:
    """Every (method, path) the web app answers: its routes, and its static folders."""
    from dfr.web.app import create_app

    app = app or create_app()
    found = set(_walk(app.routes))
    listed = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    assert listed <= found, listed - found  # the walk misses nothing the schema lists
    return found


def undeclared(found: set[tuple[str, str]]) -> str | None:
    """What is wrong with DECLARED for the routes `found`, or None."""
    missing = [f"{m} {p}" for m, p in sorted(found - set(DECLARED))]
    if missing:
        rules = "; ".join(sorted({d.rule.name for d in DECLARED.values()}))
        return (
            f"no visibility rule declared for {', '.join(missing)}: add each to DECLARED in "
            f"tests/test_web_security.py with one of: {rules}"
        )
    stale = [f"{m} {p}" for m, p in sorted(set(DECLARED) - found)]
    if stale:
        return f"DECLARED names routes the app no longer has: {', '.join(stale)}"
    return None


def routes(w: World) -> dict[str, dict[str, str]]:
    """Every state-changing form route, with a valid-looking form."""
    return {
        d.path.format(w=w): d.form
        for (method, _route), d in DECLARED.items()
        if method == "POST" and d.form is not None and d.path not in NOT_FORMS
    }


def test_every_route_declares_who_may_use_it(world: World):
    """A route added without a line in DECLARED would escape the checks below: it fails here,
    by name, until its visibility rule is declared."""
    found = app_routes()
    assert undeclared(found) is None, undeclared(found)
    assert len([m for m, _p in found if m == "POST"]) >= 10


def test_a_route_added_without_a_rule_is_named():
    from fastapi import APIRouter

    from dfr.web.app import create_app

    app = create_app()
    extra = APIRouter()
    extra.get("/widgets/{widget_id}")(lambda widget_id: widget_id)
    extra.post("/widgets/{widget_id}/publish", include_in_schema=False)(lambda widget_id: 1)
    app.include_router(extra)
    problem = undeclared(app_routes(app))
    assert problem is not None
    assert "GET /widgets/{widget_id}, POST /widgets/{widget_id}/publish" in problem
    assert "visible-submission" in problem  # the rules to choose from


def _sent_to_sign_in(response) -> bool:
    return response.url.path == "/sign-in" and "next" in response.url.params


def _outcome(response) -> str | int:
    if _sent_to_sign_in(response):
        return SIGN_IN
    if response.status_code in (401, 403, 404):
        return response.status_code
    assert response.status_code < 500, response.text[-500:]
    return OPEN


def _request(client: Browserless, declared: Declared, w: World, who: str):
    path = declared.path.format(w=w)
    if declared.rule is API_POLICY_OFFICER:
        document = read_yaml(EXAMPLES / "02-new-service-alpha-amber.yaml")["submission"]
        return client.client.post(path, json={"submission": {**document, "submitter": who}})
    if declared.rule is LINK_API:
        return client.client.put(path, json={"service": "new"})
    if declared.rule is REGISTER_PROPOSALS_API:
        if path.endswith("/proposals"):
            return client.client.get(path)
        return client.client.post(path, json={"entry": {}, "reason": "x"})
    if declared.rule is REPORT_API and declared.form is not None:
        return client.client.post(path, json=declared.form)
    if declared.rule is REGISTER_API:
        figures = {name: "not provided" for name in FIGURES}
        return client.client.put(path, json={"figures": figures, "reason": "x"})
    if declared.form is None:
        return client.get(path)
    return client.post(path, declared.form)


@pytest.mark.parametrize("route", list(DECLARED), ids=[f"{m} {p}" for m, p in DECLARED])
def test_a_stranger_gets_what_the_route_rule_says(world: World, route: tuple[str, str]):
    declared = DECLARED[route]
    before = state_of(world.site)
    anonymous = Browserless(world.site)
    anonymous.get("/sign-in")  # a session with a CSRF token, and no one signed in
    got = _outcome(_request(anonymous, declared, world, "anonymous"))
    assert got == declared.rule.anonymous, (route, declared.rule.name, "anonymous", got)
    stranger = Browserless(world.site)
    stranger.sign_in(STRANGER)
    got = _outcome(_request(stranger, declared, world, STRANGER))
    assert got == declared.rule.stranger, (route, declared.rule.name, STRANGER, got)
    assert state_of(world.site) == before
    anonymous.close()
    stranger.close()


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
    shown, _page = rationale_shown(world.site, f"Looks **fine** {SCRIPT}")
    assert "<strong>fine</strong>" in shown  # Markdown is rendered…
    assert "<script" not in shown  # …but no script or handler survives
    assert "onerror" not in shown


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
