"""Sessions that end and sign-in that cannot be guessed at speed: over HTTP against a live
site (the server's clock moved by the test, never slept on), and the services beneath on
SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import binascii
import html
import itertools
import logging
import re
import socket
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import select

from dfr.cli.main import main as dfr
from dfr.errors import ValidationError
from dfr.settings import Settings, get_settings
from dfr.web import sessions
from dfr.web.server import check_start
from models.db import engine_for, session_scope
from models.draft import Draft
from models.sign_in import WebSession
from services.sign_in import (
    SignInThrottled,
    Throttle,
    is_loopback,
    sign_in,
    wait_for,
)
from services.web_sessions import SessionPolicy, end_session, key_of, open_session, start_session
from tests.web_support import CSRF, PASSWORD, Browserless, Site, live_site

COOKIE = "dfr_session"
_days = itertools.count(1)


class Clock:
    """The server's clock, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Each test's server time starts a day after the last one's, so no session or count of
    wrong passwords carries over from one test to the next."""
    made = Clock(datetime.now(UTC) + timedelta(days=next(_days)))
    monkeypatch.setattr(sessions, "now", made)
    return made


def page_text(response: httpx.Response) -> str:
    return html.unescape(response.text)


def signed_in(client: Browserless) -> bool:
    """Whether the client's session opens a page that needs sign-in."""
    response = client.client.get("/work", follow_redirects=False)
    return response.status_code == 200


def try_password(client: Browserless, person: str, password: str) -> httpx.Response:
    return client.post("/sign-in", {"person": person, "password": password})


# -- sessions over HTTP ---------------------------------------------------------------------


def test_the_cookie_no_longer_works_after_sign_out(site: Site, clock: Clock):
    client = Browserless(site)
    client.sign_in("lucy.green")
    stolen = client.client.cookies[COOKIE]
    client.post("/sign-out")
    thief = httpx.Client(base_url=site.url, cookies={COOKIE: stolen})
    response = thief.get("/work", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")
    thief.close()
    client.close()


def test_an_idle_session_ends_after_30_minutes_and_use_keeps_it_alive(site: Site, clock: Clock):
    client = Browserless(site)
    client.sign_in("lucy.green")
    clock.advance(minutes=29)
    assert signed_in(client)  # used: its idle time starts again
    clock.advance(minutes=29)
    assert signed_in(client)
    clock.advance(minutes=31)
    assert not signed_in(client)
    assert "Sign in" in page_text(client.get("/work"))
    client.close()


def test_a_session_ends_after_12_hours_however_busy(site: Site, clock: Clock):
    client = Browserless(site)
    client.sign_in("lucy.green")
    for _ in range(35):  # every 20 minutes for 11 h 40 min
        clock.advance(minutes=20)
        assert signed_in(client)
    clock.advance(minutes=20)
    assert not signed_in(client)
    client.close()


def test_signing_in_gives_a_new_session_id(site: Site, clock: Clock):
    client = Browserless(site)
    client.get("/sign-in")
    planted = client.client.cookies[COOKIE]  # e.g. fixed by an attacker before sign-in
    client.post("/sign-in", {"person": "lucy.green", "password": PASSWORD})
    assert client.client.cookies[COOKIE] != planted
    assert signed_in(client)
    attacker = httpx.Client(base_url=site.url, cookies={COOKIE: planted})
    assert attacker.get("/work", follow_redirects=False).status_code == 303
    attacker.close()
    client.close()


def test_the_cookie_reveals_nothing_and_is_not_reissued(site: Site, clock: Clock):
    client = Browserless(site)
    client.sign_in("lucy.green")
    value = client.client.cookies[COOKIE]
    assert "lucy" not in value.lower() and client.token not in value
    for part in re.split(r"[.:]", value):
        try:
            decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except (binascii.Error, ValueError):
            continue
        assert b"lucy" not in decoded and b"csrf" not in decoded
        assert not decoded.lstrip().startswith(
            b'{"'
        )  # no readable JSON (random bytes may hold "{")
    page = client.client.get("/work")
    assert page.status_code == 200
    assert not page.headers.get_list("set-cookie")  # the same session: no new cookie
    client.close()


def test_the_session_cookie_is_http_only_and_same_site(site: Site, clock: Clock):
    client = Browserless(site)
    client.get("/language/en?next=/sign-in")
    response = client.client.post(
        "/sign-in",
        data={"person": "lucy.green", "password": PASSWORD, "csrf_token": client.token},
        follow_redirects=False,
    )
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # DFR_BASE_URL is http here
    client.close()


def test_the_session_cookie_is_secure_when_the_site_is_https(tmp_path: Path, sqlite_template):
    with live_site(tmp_path / "https", sqlite_template, DFR_BASE_URL="https://dfr.example") as site:
        page = httpx.get(f"{site.url}/sign-in")
    cookie = next(h for h in page.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "; secure" in cookie.lower() and "httponly" in cookie.lower()


# -- throttling over HTTP -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "person", "expected", "other"),
    [
        ("en", "lucy.green", "Wait 1 second, then try again.", "Arhoswch"),
        ("cy", "angharad.wyn", "Arhoswch 1 eiliad, yna rhowch gynnig arall arni.", "Wait"),
    ],
)
def test_after_five_wrong_passwords_the_right_one_must_wait(
    site: Site, clock: Clock, language: str, person: str, expected: str, other: str
):
    client = Browserless(site)
    client.get(f"/language/{language}?next=/sign-in")
    for _ in range(5):
        clock.advance(seconds=1)
        assert try_password(client, person, "not-the-password").status_code == 400
    refused = try_password(client, person, PASSWORD)
    assert refused.status_code == 400
    assert expected in page_text(refused) and other not in page_text(refused)
    assert not signed_in(client)
    clock.advance(seconds=1)
    assert try_password(client, person, PASSWORD).status_code == 200  # after the wait
    assert signed_in(client)
    client.close()


LOCKED = {
    "en": "signing in is locked. Try again in {}.",
    "cy": "mae mewngofnodi wedi'i gloi. Rhowch gynnig arall arni ymhen {}.",
}


@pytest.mark.parametrize(
    ("language", "person", "minutes", "other"),
    [
        ("en", "lucy.green", ["15 minutes", "3 minutes", "2 minutes", "1 minute"], "ymhen"),
        # Welsh mutates the noun after 2: "2 funud", not "2 munud"
        ("cy", "mererid.lloyd", ["15 munud", "3 munud", "2 funud", "1 munud"], "minutes"),
    ],
)
def test_after_ten_wrong_passwords_signing_in_is_locked_for_15_minutes(
    site: Site, clock: Clock, language: str, person: str, minutes: list[str], other: str
):
    client = Browserless(site)
    client.get(f"/language/{language}?next=/sign-in")
    for number in range(10):
        clock.advance(seconds=2 ** max(0, number - 5))  # each wait (1, 2, 4… s), no more
        assert try_password(client, person, f"guess-{number}").status_code == 400
    for waited, left in zip((0, 12, 1, 1), minutes, strict=True):
        clock.advance(minutes=waited)
        refused = try_password(client, person, PASSWORD)
        assert refused.status_code == 400
        said = page_text(refused)
        assert LOCKED[language].format(left) in said and other not in said
    assert not signed_in(client)
    clock.advance(minutes=1)
    try_password(client, person, PASSWORD)
    assert signed_in(client)
    client.close()


def test_a_refused_sign_in_is_logged_without_the_password(
    site: Site, clock: Clock, caplog: pytest.LogCaptureFixture
):
    client = Browserless(site)
    client.get("/sign-in")
    with caplog.at_level(logging.WARNING, logger="dfr.web"):
        response = try_password(client, "lucy.green", "hunter2-wrong")
    request_id = response.headers["x-request-id"]
    logged = [r.getMessage() for r in caplog.records if r.name == "dfr.web"]
    assert any(
        "lucy.green" in line and "127.0.0.1" in line and request_id in line for line in logged
    ), logged
    assert not any("hunter2" in line for line in logged)
    client.close()


# -- header mode ----------------------------------------------------------------------------


def test_in_header_mode_a_csrf_token_from_one_person_fails_for_another(
    tmp_path: Path, sqlite_template: Path
):
    with live_site(
        tmp_path / "header", sqlite_template, DFR_WEB_AUTH="header", DFR_AUDIT_KEY="k" * 40
    ) as site:
        iwan = httpx.Client(base_url=site.url, headers={"X-Remote-User": "iwan.parry"})
        iwan_token = CSRF.search(iwan.get("/submit").text).group(1)  # type: ignore[union-attr]
        lucy = httpx.Client(base_url=site.url, headers={"X-Remote-User": "lucy.green"})
        lucy_token = CSRF.search(lucy.get("/submit").text).group(1)  # type: ignore[union-attr]
        form = {"kind": "initiative", "dg": "EST"}

        # Iwan's browser, the proxy now saying Lucy: Iwan's session and token are not hers.
        borrowed = {COOKIE: iwan.cookies[COOKIE]}
        as_lucy = {"X-Remote-User": "lucy.green"}
        with httpx.Client(base_url=site.url, headers=as_lucy, cookies=borrowed) as browser:
            refused = browser.post("/submit", data={**form, "csrf_token": iwan_token})
        assert refused.status_code == 403
        assert "This form has expired" in page_text(refused)
        # Lucy's own session with Iwan's token.
        assert lucy.post("/submit", data={**form, "csrf_token": iwan_token}).status_code == 403
        with session_scope(engine_for(site.database_url), read_only=True) as session:
            assert session.exec(select(Draft).where(Draft.person_id == "lucy.green")).all() == []
        # Each with their own token: both work.
        assert lucy.post("/submit", data={**form, "csrf_token": lucy_token}).status_code == 303
        assert iwan.post("/submit", data={**form, "csrf_token": iwan_token}).status_code == 303
        iwan.close()
        lucy.close()


# -- starting the web UI --------------------------------------------------------------------


def start_web(capsys: pytest.CaptureFixture[str], **env: str) -> tuple[int, str]:
    """`dfr web` as a person starts it: its exit code and what it said. A refusal ends it
    at once; a server would go on serving (the test then fails instead of waiting)."""
    exits: list[int] = []
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {"DFR_WEB_DEMO_PASSWORD": PASSWORD, "DFR_LANGUAGE": "en", **env}.items():
            patch.setenv(key, value)
        patch.setenv("DFR_WEB_PORT", str(_free_port()))
        attempt = threading.Thread(target=lambda: exits.append(dfr(["web"])), daemon=True)
        attempt.start()
        attempt.join(30)
    get_settings.cache_clear()  # this module's site reads its own settings again
    assert exits, "dfr web started serving instead of refusing"
    return exits[0], capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_short_demo_password_is_refused_at_start(capsys: pytest.CaptureFixture[str]):
    code, said = start_web(capsys, DFR_WEB_DEMO_PASSWORD="short-pass")
    assert code == 2
    assert "too short: use at least 12 characters" in said
    assert "short-pass" not in said


def test_demo_mode_refuses_to_listen_on_the_network(capsys: pytest.CaptureFixture[str]):
    code, said = start_web(capsys, DFR_WEB_HOST="0.0.0.0")
    assert code == 2
    assert "Demo sign-in listens only on this computer" in said
    assert "DFR_WEB_DEMO_ON_NETWORK=true" in said


def test_demo_mode_listens_on_the_network_only_when_allowed():
    long_enough = SecretStr("a-long-enough-password")
    check_start(
        Settings(web_host="0.0.0.0", web_demo_on_network=True, web_demo_password=long_enough)
    )
    check_start(Settings(web_host="0.0.0.0", web_auth="header"))  # behind the proxy
    with pytest.raises(ValidationError, match="only on this computer"):
        check_start(Settings(web_host="192.168.1.10", web_demo_password=long_enough))


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("dfr.example", False),
    ],
)
def test_only_loopback_addresses_count_as_this_computer(host: str, loopback: bool):
    assert is_loopback(host) is loopback


# -- the services, on SQLite and PostgreSQL -------------------------------------------------

POLICY = SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=12))
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def test_a_session_ends_when_idle_too_old_or_signed_out(people):
    with session_scope(people) as session:
        live = start_session(session, now=T0, policy=POLICY, person_id="policy.est")
    opened = open_session(live.token, T0 + timedelta(minutes=29), POLICY, people)
    assert opened is not None and opened.person_id == "policy.est"
    assert open_session(live.token, T0 + timedelta(minutes=60), POLICY, people) is None
    with session_scope(people, read_only=True) as session:
        assert session.get(WebSession, key_of(live.token)) is None  # the ended row is gone

    with session_scope(people) as session:
        busy = start_session(session, now=T0, policy=POLICY, person_id="policy.est")
    for minutes in range(25, 12 * 60, 25):  # used every 25 minutes, up to 11 h 40 min
        assert open_session(busy.token, T0 + timedelta(minutes=minutes), POLICY, people)
    assert open_session(busy.token, T0 + timedelta(hours=12), POLICY, people) is None

    with session_scope(people) as session:
        other = start_session(session, now=T0, policy=POLICY, person_id="policy.est")
    with session_scope(people) as session:
        end_session(session, other.token)
    assert open_session(other.token, T0, POLICY, people) is None


def test_a_session_is_written_at_most_once_a_minute(people):
    with session_scope(people) as session:
        live = start_session(session, now=T0, policy=POLICY)

    def last_seen() -> datetime:
        with session_scope(people, read_only=True) as session:
            row = session.get(WebSession, key_of(live.token))
            assert row is not None
            return row.last_seen_at.replace(tzinfo=UTC)

    open_session(live.token, T0 + timedelta(seconds=50), POLICY, people)
    assert last_seen() == T0
    open_session(live.token, T0 + timedelta(seconds=70), POLICY, people)
    assert last_seen() == T0 + timedelta(seconds=70)


def test_the_table_holds_a_hash_of_the_token_not_the_token(people):
    with session_scope(people) as session:
        live = start_session(session, now=T0, policy=POLICY, person_id="policy.est")
    with session_scope(people, read_only=True) as session:
        keys = [row.key for row in session.exec(select(WebSession)).all()]
    assert live.token not in keys and key_of(live.token) in keys


def _sign_in(people, password: str, at: datetime, client: str = "192.0.2.1", **settings):
    return sign_in(
        person_id="policy.est",
        password=password,
        expected_password=PASSWORD,
        client=client,
        now=at,
        settings=Settings(**settings),
        engine=people,
    )


def test_wrong_passwords_slow_sign_in_down_then_lock_it(people):
    moment = T0
    for number in range(1, 11):
        moment += timedelta(seconds=2 ** max(0, number - 6))  # each wait (1, 2, 4… s)
        with pytest.raises(ValidationError, match="password is not right") as refused:
            _sign_in(people, "wrong-guess", moment)
        assert ("Wait" in refused.value.message or "locked" in refused.value.message) == (
            number >= 5
        )
        if 5 <= number < 10:  # the right password too must wait for the delay
            with pytest.raises(SignInThrottled, match=f"Wait {2 ** (number - 5)} second"):
                _sign_in(people, PASSWORD, moment)
    with pytest.raises(SignInThrottled, match=r"locked\. Try again in 15 minutes") as locked:
        _sign_in(people, PASSWORD, moment + timedelta(seconds=30))
    assert locked.value.wait.locked
    with pytest.raises(SignInThrottled, match="in 1 minute"):
        _sign_in(people, PASSWORD, moment + timedelta(minutes=14, seconds=30))
    assert _sign_in(people, PASSWORD, moment + timedelta(minutes=15)).actor.id == "policy.est"


def test_guesses_from_one_address_are_slowed_across_people(people):
    with pytest.raises(ValidationError):
        _sign_in(people, "wrong", T0, web_sign_in_client_delay_after=2)
    for number, person in enumerate(["nobody.1", "nobody.2"], start=1):
        with pytest.raises(ValidationError, match="Choose who you are signing in as"):
            sign_in(
                person_id=person,
                password="wrong",
                expected_password=PASSWORD,
                client="192.0.2.1",
                now=T0 + timedelta(seconds=number),
                settings=Settings(web_sign_in_client_delay_after=2),
                engine=people,
            )
    with pytest.raises(SignInThrottled):  # policy.est's first try, but from that address
        _sign_in(people, PASSWORD, T0 + timedelta(seconds=2), web_sign_in_client_delay_after=2)
    signed = _sign_in(people, PASSWORD, T0 + timedelta(seconds=3), client="198.51.100.7")
    assert signed.actor.id == "policy.est"  # from elsewhere: no wait


def test_a_right_password_starts_the_count_again():
    throttle = Throttle(timedelta(minutes=15), 5, 10, timedelta(minutes=15))
    failures = [(T0 + timedelta(seconds=s), False) for s in range(5)]
    assert wait_for(failures, T0 + timedelta(seconds=4), throttle) is not None
    cleared = [*failures, (T0 + timedelta(seconds=5), True)]
    assert wait_for(cleared, T0 + timedelta(seconds=5), throttle) is None
    old = [(T0 - timedelta(minutes=16), False)] * 10
    assert wait_for(old, T0, throttle) is None  # outside the window
