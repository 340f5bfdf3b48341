"""Who a request comes from, read with its session in one query (`services.visits`): the
same person, roles and DGs led as the directory gives, and the session's rules kept (ended,
idle, another identity's), on SQLite and PostgreSQL; and over HTTP, what a person sees."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlmodel import select

from models.db import session_scope
from models.directory import Directorate, RoleAssignment
from models.sign_in import WebSession
from services.access import load_actor
from services.visits import open_visit, signed_in_actor
from services.web_sessions import SessionPolicy, key_of, start_session
from tests.web_support import Browserless, Site, live_site

POLICY = SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=12))
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _session_for(engine, person_id: str | None, at: datetime = T0) -> str:
    with session_scope(engine) as session:
        return start_session(session, now=at, policy=POLICY, person_id=person_id).token


def test_a_visit_brings_the_person_with_every_role_and_dg_they_lead(people):
    # Leader EST also leads HSS and holds two roles: each role and DG once, in order.
    with session_scope(people) as session:
        hss = session.get(Directorate, "HSS")
        assert hss is not None
        hss.digital_leader_id = "dl.est"
        session.add(hss)
        session.add(RoleAssignment(person_id="dl.est", role="category_manager", dg_code="EST"))
        session.add(RoleAssignment(person_id="dl.est", role="coe"))
    for person in ("dl.est", "policy.est", "lead.one"):
        token = _session_for(people, person)
        visit = open_visit(token, T0, POLICY, header_mode=False, identity=None, engine=people)
        with session_scope(people, read_only=True) as session:
            expected = load_actor(session, person)
        assert visit.actor is not None and expected is not None
        assert visit.actor.person.name == expected.person.name
        assert visit.actor.person.language == expected.person.language
        assert visit.actor.roles == expected.roles
        assert visit.actor.leads == expected.leads
        assert visit.live is not None and visit.live.person_id == person
    leader = open_visit(
        _session_for(people, "dl.est"), T0, POLICY, header_mode=False, identity=None, engine=people
    ).actor
    assert leader is not None and leader.leads == ("EST", "HSS") and len(leader.roles) == 2


def test_an_ended_or_unknown_session_signs_nobody_in(people):
    token = _session_for(people, "policy.est")
    later = T0 + timedelta(minutes=31)
    visit = open_visit(token, later, POLICY, header_mode=False, identity=None, engine=people)
    assert visit.live is None and visit.actor is None
    with session_scope(people, read_only=True) as session:
        assert session.get(WebSession, key_of(token)) is None  # the ended row is gone
    for unknown in ("no-such-token", "x" * 500, None):
        visit = open_visit(unknown, T0, POLICY, header_mode=False, identity=None, engine=people)
        assert visit.live is None and visit.actor is None
    # A session started before sign-in (no person yet): nobody is signed in.
    anonymous = _session_for(people, None)
    visit = open_visit(anonymous, T0, POLICY, header_mode=False, identity=None, engine=people)
    assert visit.live is not None and visit.actor is None


def test_a_visit_moves_the_session_on_at_most_once_a_minute(people):
    token = _session_for(people, "policy.est")

    def last_seen() -> datetime:
        with session_scope(people, read_only=True) as session:
            row = session.exec(select(WebSession).where(WebSession.key == key_of(token))).one()
            return row.last_seen_at.replace(tzinfo=UTC)

    soon = T0 + timedelta(seconds=50)
    open_visit(token, soon, POLICY, header_mode=False, identity=None, engine=people)
    assert last_seen() == T0
    later = T0 + timedelta(seconds=70)
    visit = open_visit(token, later, POLICY, header_mode=False, identity=None, engine=people)
    assert last_seen() == later and visit.live is not None and visit.live.last_seen_at == later


def test_in_header_mode_the_header_names_the_person_and_another_identitys_session_is_not_theirs(
    people,
):
    token = _session_for(people, "policy.est")
    visit = open_visit(token, T0, POLICY, header_mode=True, identity="cm.est", engine=people)
    assert visit.foreign and visit.live is None
    assert visit.actor is not None and visit.actor.id == "cm.est"
    own = open_visit(token, T0, POLICY, header_mode=True, identity="policy.est", engine=people)
    assert not own.foreign and own.live is not None and own.actor is not None
    assert own.actor.id == "policy.est"
    # No cookie yet: the person still comes from the header.
    fresh = open_visit(None, T0, POLICY, header_mode=True, identity="coe.one", engine=people)
    assert fresh.live is None and fresh.actor is not None and fresh.actor.id == "coe.one"
    nobody = open_visit(token, T0, POLICY, header_mode=True, identity="nobody", engine=people)
    assert nobody.actor is None


def test_once_the_session_is_read_the_person_is_the_sessions_or_the_headers(people):
    token = _session_for(people, "policy.est")
    live = open_visit(token, T0, POLICY, header_mode=False, identity=None, engine=people).live
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
