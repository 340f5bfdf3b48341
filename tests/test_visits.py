"""Who a request comes from, read with its session in one query (`services.visits`): the
same person, roles and DGs led as the directory gives, and the session's rules kept (ended,
idle, another identity's), on SQLite and PostgreSQL; and over HTTP, what a person sees."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete
from sqlmodel import col, select

from dfr.web import sessions
from dfr.web.sessions import BrowserSession
from models.db import engine_for, session_scope
from models.directory import Directorate, Person, RoleAssignment
from models.draft import Draft
from models.sign_in import WebSession
from services.access import load_actor
from services.visits import open_visit, signed_in_actor
from services.web_sessions import SessionPolicy, key_of, start_session
from tests.test_web_sessions import COOKIE, Clock, clock, signed_in  # noqa: F401 - fixture
from tests.web_support import CSRF, Browserless, Site, live_site

POLICY = SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=12))
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _session_for(engine, person_id: str | None, at: datetime = T0) -> str:
    with session_scope(engine) as session:
        return start_session(session, now=at, policy=POLICY, person_id=person_id).token


def _leader_of_two_dgs_with_two_roles(engine) -> None:
    """dl.est, EST's Digital Leader, also leads HSS and holds two roles: a person whose rows
    the one-query read multiplies (a row per role and DG led)."""
    with session_scope(engine) as session:
        hss = session.get(Directorate, "HSS")
        assert hss is not None
        hss.digital_leader_id = "dl.est"
        session.add(hss)
        session.add(RoleAssignment(person_id="dl.est", role="category_manager", dg_code="EST"))
        session.add(RoleAssignment(person_id="dl.est", role="coe"))


def test_a_visit_brings_the_person_with_every_role_and_dg_they_lead(people):
    # Leader EST also leads HSS and holds two roles: each role and DG once, in order.
    _leader_of_two_dgs_with_two_roles(people)
    for person in ("dl.est", "policy.est", "lead.one"):
        token = _session_for(people, person)
        visit = open_visit(token, T0, POLICY, engine=people)
        with session_scope(people, read_only=True) as session:
            expected = load_actor(session, person)
        assert visit.actor is not None and expected is not None
        assert visit.actor.person.name == expected.person.name
        assert visit.actor.person.language == expected.person.language
        assert visit.actor.roles == expected.roles
        assert visit.actor.leads == expected.leads
        assert visit.live is not None and visit.live.person_id == person
    leader = open_visit(_session_for(people, "dl.est"), T0, POLICY, engine=people).actor
    assert leader is not None and leader.leads == ("EST", "HSS") and len(leader.roles) == 2


def test_an_ended_or_unknown_session_signs_nobody_in(people):
    token = _session_for(people, "policy.est")
    later = T0 + timedelta(minutes=31)
    visit = open_visit(token, later, POLICY, engine=people)
    assert visit.live is None and visit.actor is None
    with session_scope(people, read_only=True) as session:
        assert session.get(WebSession, key_of(token)) is None  # the ended row is gone
    for unknown in ("no-such-token", "x" * 500, None):
        visit = open_visit(unknown, T0, POLICY, engine=people)
        assert visit.live is None and visit.actor is None
    # A session started before sign-in (no person yet): nobody is signed in.
    anonymous = _session_for(people, None)
    visit = open_visit(anonymous, T0, POLICY, engine=people)
    assert visit.live is not None and visit.actor is None


def test_a_visit_moves_the_session_on_at_most_once_a_minute(people):
    token = _session_for(people, "policy.est")

    def last_seen() -> datetime:
        with session_scope(people, read_only=True) as session:
            row = session.exec(select(WebSession).where(WebSession.key == key_of(token))).one()
            return row.last_seen_at.replace(tzinfo=UTC)

    soon = T0 + timedelta(seconds=50)
    open_visit(token, soon, POLICY, engine=people)
    assert last_seen() == T0
    later = T0 + timedelta(seconds=70)
    visit = open_visit(token, later, POLICY, engine=people)
    assert last_seen() == later and visit.live is not None and visit.live.last_seen_at == later


def test_in_header_mode_the_header_names_the_person_and_another_identitys_session_is_not_theirs(
    people,
):
    token = _session_for(people, "policy.est", sessions.now())
    borrowed = BrowserSession(token, "cm.est", True, POLICY)
    visitor = borrowed.visitor()
    assert visitor is not None and visitor.id == "cm.est"
    assert borrowed.current() is None  # another identity's session opens nothing
    own = BrowserSession(token, "policy.est", True, POLICY)
    assert own.current() is not None
    own_visitor = own.visitor()
    assert own_visitor is not None and own_visitor.id == "policy.est"
    # No cookie yet: the person still comes from the header.
    fresh = BrowserSession(None, "coe.one", True, POLICY)
    fresh_visitor = fresh.visitor()
    assert fresh.current() is None and fresh_visitor is not None and fresh_visitor.id == "coe.one"
    assert BrowserSession(token, "nobody", True, POLICY).visitor() is None


def test_once_the_session_is_read_the_person_is_the_sessions_or_the_headers(people):
    token = _session_for(people, "policy.est")
    live = open_visit(token, T0, POLICY, engine=people).live
    own = signed_in_actor(live, header_mode=False, identity=None, engine=people)
    assert own is not None and own.person.name == "Policy EST"
    named = signed_in_actor(None, header_mode=True, identity="cm.est", engine=people)
    assert named is not None and named.person.name == "Cat EST"
    assert signed_in_actor(None, header_mode=False, identity="cm.est", engine=people) is None


def test_a_signed_in_page_shows_the_person_and_what_they_lead(site: Site):
    client = Browserless(site)
    client.sign_in("rhian.evans")
    page = html.unescape(client.get("/work").text)
    assert "Signed in as Rhian Evans" in page
    assert 'href="/dg/EST"' in page  # the overview of the DG she leads
    client.close()


def test_in_header_mode_each_page_shows_whom_the_header_names(
    tmp_path: Path, sqlite_template: Path
):
    with live_site(
        tmp_path / "header", sqlite_template, DFR_WEB_AUTH="header", DFR_AUDIT_KEY="k" * 40
    ) as site:
        rhian = httpx.Client(base_url=site.url, headers={"X-Remote-User": "rhian.evans"})
        assert "Signed in as Rhian Evans" in html.unescape(rhian.get("/work").text)
        # Her browser, the proxy now naming Huw: the page is his.
        with httpx.Client(
            base_url=site.url,
            headers={"X-Remote-User": "huw.jenkins"},
            cookies={"dfr_session": rhian.cookies["dfr_session"]},
        ) as borrowed:
            page = html.unescape(borrowed.get("/work").text)
        assert "Signed in as Huw Jenkins" in page and "Rhian Evans" not in page
        unknown = httpx.Client(base_url=site.url, headers={"X-Remote-User": "nobody.here"})
        assert unknown.get("/work", follow_redirects=False).status_code != 200
        rhian.close()
        unknown.close()


# -- over HTTP, on SQLite and PostgreSQL -----------------------------------------------------


@pytest.fixture
def any_site(database_url: str, tmp_path: Path, sqlite_template: Path) -> Iterator[Site]:
    """The web app (demo sign-in) over each kind of database, the example directory loaded."""
    with live_site(tmp_path / "web", sqlite_template, DFR_DATABASE_URL=database_url) as running:
        yield running


def _session_row(site: Site, token: str) -> WebSession | None:
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        return session.get(WebSession, key_of(token))


def _refused_and_cleared(response: httpx.Response, status: int) -> bool:
    cleared = any(
        c.startswith('dfr_session=""') and "Max-Age=0" in c
        for c in response.headers.get_list("set-cookie")
    )
    return response.status_code == status and cleared


def test_an_ended_session_opens_no_page_nor_the_api_and_goes(
    any_site: Site,
    clock: Clock,  # noqa: F811 - the fixture imported above
):
    idle, old = Browserless(any_site), Browserless(any_site)
    idle.sign_in("lucy.green")
    old.sign_in("lucy.green")
    for _ in range(35):  # `old` used every 20 minutes for 11 h 40 min; `idle` never again
        clock.advance(minutes=20)
        assert old.client.get("/work", follow_redirects=False).status_code == 200
    clock.advance(minutes=20)  # `old` is 12 hours old
    for client in (idle, old):
        token = client.client.cookies[COOKIE]
        assert _session_row(any_site, token) is not None
        api = httpx.Client(base_url=any_site.url, cookies={COOKIE: token})
        assert _refused_and_cleared(api.get("/api/register/proposals"), 401)
        assert _session_row(any_site, token) is None  # the ended row is gone
        page = api.get("/work", follow_redirects=False)
        assert _refused_and_cleared(page, 303) and page.headers["location"].startswith("/sign-in")
        api.close()
        client.close()


def test_a_forged_cookie_signs_nobody_in(any_site: Site):
    client = Browserless(any_site)
    client.sign_in("lucy.green")
    row_key = key_of(client.client.cookies[COOKIE])  # what the table holds, used as a cookie
    for forged in (row_key, "' OR '1'='1", "x" * 129, "A" * 43, client.token):
        with httpx.Client(base_url=any_site.url, cookies={COOKIE: forged}) as browser:
            assert _refused_and_cleared(browser.get("/work", follow_redirects=False), 303)
            assert _refused_and_cleared(browser.get("/api/register/proposals"), 401)
    assert signed_in(client)  # her own cookie still opens her pages
    client.close()


def _main(page: str, dg: str) -> str:
    found = re.search(r"<main\b.*?</main>", page, re.S)
    assert found is not None
    return found.group(0).replace(dg, "DG")


def test_a_change_in_the_directory_counts_from_the_next_request(any_site: Site):
    rhian = Browserless(any_site)  # EST's Digital Leader
    rhian.sign_in("rhian.evans")
    missing = rhian.get("/dg/NOPE")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert rhian.get("/dg/HSS").status_code == 404
    engine = engine_for(any_site.database_url)
    with session_scope(engine) as session:  # she comes to lead HSS too, and holds three roles
        hss = session.get(Directorate, "HSS")
        assert hss is not None
        hss.digital_leader_id = "rhian.evans"
        session.add(hss)
        session.add(RoleAssignment(person_id="rhian.evans", role="category_manager", dg_code="EST"))
        session.add(RoleAssignment(person_id="rhian.evans", role="lead_assessor"))
        session.add(RoleAssignment(person_id="rhian.evans", role="coe"))  # oversees every DG
    for dg in ("EST", "HSS", "SF"):
        assert rhian.get(f"/dg/{dg}").status_code == 200, dg
    with session_scope(engine) as session:  # EST moves to another leader; her CoE role ends
        est = session.get(Directorate, "EST")
        assert est is not None
        est.digital_leader_id = "gareth.hughes"
        session.add(est)
        session.execute(
            delete(RoleAssignment).where(
                col(RoleAssignment.person_id) == "rhian.evans", col(RoleAssignment.role) == "coe"
            )
        )
    for dg in ("EST", "SF"):  # answered exactly as a DG that does not exist
        refused = rhian.get(f"/dg/{dg}")
        assert refused.status_code == 404 and _main(refused.text, dg) == _main(missing.text, "NOPE")
    assert rhian.get("/dg/HSS").status_code == 200
    with session_scope(engine) as session:  # she leaves the directory
        hss = session.get(Directorate, "HSS")
        assert hss is not None
        hss.digital_leader_id = "gareth.hughes"
        session.add(hss)
        session.execute(
            delete(RoleAssignment).where(col(RoleAssignment.person_id) == "rhian.evans")
        )
        session.execute(delete(Person).where(col(Person.id) == "rhian.evans"))
    page = rhian.client.get("/work", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")
    assert rhian.client.get("/api/register/proposals").status_code == 401
    rhian.close()


def test_in_header_mode_a_borrowed_browser_is_the_headers_persons_and_no_header_is_nobody(
    database_url: str, tmp_path: Path, sqlite_template: Path
):
    with live_site(
        tmp_path / "header",
        sqlite_template,
        DFR_DATABASE_URL=database_url,
        DFR_WEB_AUTH="header",
        DFR_AUDIT_KEY="k" * 40,
    ) as site:
        iwan = httpx.Client(base_url=site.url, headers={"X-Remote-User": "iwan.parry"})
        iwan_token = CSRF.search(iwan.get("/submit").text).group(1)  # type: ignore[union-attr]
        iwans = iwan.cookies[COOKIE]
        form = {"kind": "initiative", "dg": "EST"}
        # Lucy on Iwan's browser: the pages are hers, and so are the forms' tokens.
        as_lucy = {"X-Remote-User": "lucy.green"}
        with httpx.Client(base_url=site.url, headers=as_lucy, cookies={COOKIE: iwans}) as borrowed:
            page = borrowed.get("/submit")
        assert "Signed in as Lucy Green" in html.unescape(page.text)
        lucys, lucy_token = page.cookies[COOKIE], CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        assert lucys != iwans
        with httpx.Client(base_url=site.url, headers=as_lucy, cookies={COOKIE: lucys}) as lucy:
            assert lucy.post("/submit", data={**form, "csrf_token": lucy_token}).status_code == 303
        with session_scope(engine_for(database_url), read_only=True) as session:
            drafts = session.exec(select(Draft.person_id)).all()
        assert drafts == ["lucy.green"]
        # Iwan's session was not hers to end: his form still works.
        assert iwan.post("/submit", data={**form, "csrf_token": iwan_token}).status_code == 303
        # No header: nobody, whoever's session the cookie holds.
        with httpx.Client(base_url=site.url, cookies={COOKIE: iwans}) as bare:
            page = bare.get("/work", follow_redirects=False)
            assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")
            assert bare.get("/api/register/proposals").status_code == 401
        with httpx.Client(base_url=site.url, headers={"X-Remote-User": "nobody.here"}) as unknown:
            assert unknown.get("/api/register/proposals").status_code == 401
        # The header names the person: the JSON API reads no session, so Iwan's browser on
        # Lucy's API request neither moves his session nor loses its cookie.
        with session_scope(engine_for(database_url), read_only=True) as session:
            before = session.exec(select(WebSession.key, WebSession.last_seen_at)).all()
        with httpx.Client(base_url=site.url, headers=as_lucy, cookies={COOKIE: iwans}) as borrowed:
            answer = borrowed.get("/api/register/proposals")
        # Lucy is known (a 403: the CoE's list is not hers; nobody would get a 401).
        assert answer.status_code == 403 and answer.headers.get_list("set-cookie") == []
        with session_scope(engine_for(database_url), read_only=True) as session:
            assert session.exec(select(WebSession.key, WebSession.last_seen_at)).all() == before
        iwan.close()


# -- a form's CSRF token read before the visitor ---------------------------------------------


def test_the_visitor_is_the_same_whether_or_not_a_form_read_the_session_first(people):
    """`BrowserSession.visitor` after `current` (a form's CSRF token checked first) gives
    what it gives alone: the same person, roles and DGs led, or nobody."""
    _leader_of_two_dgs_with_two_roles(people)
    started = sessions.now()
    leader = _session_for(people, "dl.est", started)
    anonymous = _session_for(people, None, started)
    cases = {
        "signed in": (leader, None, False),
        "anonymous": (anonymous, None, False),
        "another identity's session": (leader, "cm.est", True),
        "no header": (leader, None, True),
        "the header's own": (leader, "dl.est", True),
    }
    for case, (token, identity, header_mode) in cases.items():
        alone = BrowserSession(token, identity, header_mode, POLICY)
        first = BrowserSession(token, identity, header_mode, POLICY)
        first.current()
        a, b = alone.visitor(), first.visitor()
        assert (a is None) == (b is None), case
        if a is not None and b is not None:
            assert (a.id, a.roles, a.leads) == (b.id, b.roles, b.leads), case
    signed_in_visitor = BrowserSession(leader, None, False, POLICY).visitor()
    assert signed_in_visitor is not None and signed_in_visitor.leads == ("EST", "HSS")
    assert len(signed_in_visitor.roles) == 2
    for token, identity, header_mode in (cases["anonymous"], cases["no header"]):
        assert BrowserSession(token, identity, header_mode, POLICY).visitor() is None
    foreign = BrowserSession(leader, "cm.est", True, POLICY).visitor()
    assert foreign is not None and foreign.id == "cm.est"
