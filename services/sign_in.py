"""Demo sign-in: a person from the directory and the local password, throttled against guessing.

Throttling counts wrong passwords within a window (`DFR_WEB_SIGN_IN_WINDOW_MINUTES`) twice:
per person (since that person's last right password) and per client address (all of them:
one account's right password does not excuse guesses at others). After `delay_after` of them
each further attempt must wait 1, 2, 4… seconds after the last; after `lock_after`, signing
in is locked for `lock_minutes`. A client address gets more room than a person, since an
office may share one. While refused, the password is not even checked and nothing is stored,
so hammering a locked account neither learns anything nor prolongs anything. Attempts live in
the application database, so every web process sees the same counts; attempts for one person
are taken in turn (their directory row is locked on PostgreSQL; SQLite serialises writers).

The rules for starting the web UI in demo mode are here too: the password is long enough,
and it listens only on loopback unless explicitly allowed.
"""

from __future__ import annotations

import ipaddress
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dfr.errors import DfrError, PermissionDeniedError, ValidationError
from dfr.i18n import _, _n
from dfr.settings import Settings
from models.db import session_scope
from models.directory import Person
from models.sign_in import SignInAttempt
from services.access import Actor, load_actor
from services.web_sessions import LiveSession, SessionPolicy, start_session

MIN_DEMO_PASSWORD = 12


@dataclass(frozen=True)
class Throttle:
    """When wrong passwords start to slow sign-in down, and when they stop it for a while."""

    window: timedelta
    delay_after: int
    lock_after: int
    lock_for: timedelta


def throttles(settings: Settings) -> tuple[Throttle, Throttle]:
    """The throttle per person and the one per client address."""
    window = timedelta(minutes=settings.web_sign_in_window_minutes)
    lock_for = timedelta(minutes=settings.web_sign_in_lock_minutes)
    return (
        Throttle(
            window, settings.web_sign_in_delay_after, settings.web_sign_in_lock_after, lock_for
        ),
        Throttle(
            window,
            settings.web_sign_in_client_delay_after,
            settings.web_sign_in_client_lock_after,
            lock_for,
        ),
    )


@dataclass(frozen=True)
class Wait:
    """How long until the next attempt may be made (`until`), and whether it is a lock."""

    until: datetime
    locked: bool


def wait_for(
    attempts: Sequence[tuple[datetime, bool]], now: datetime, throttle: Throttle
) -> Wait | None:
    """The wait these attempts (time, right password?) impose at `now`, or None. The wait
    runs from the last wrong password and depends on how many came within the window before
    it, so a lock lasts its full time however the guesses were spread."""
    failures: list[datetime] = []
    for at, succeeded in sorted(attempts):
        if succeeded:
            failures.clear()  # a right password starts the count again
        else:
            failures.append(at)
    if not failures:
        return None
    last = failures[-1]
    count = sum(1 for at in failures if at > last - throttle.window)
    if count >= throttle.lock_after:
        wait = Wait(last + throttle.lock_for, locked=True)
    elif count >= throttle.delay_after:
        delay = timedelta(seconds=2 ** min(count - throttle.delay_after, 30))
        wait = Wait(last + min(delay, throttle.lock_for), locked=False)
    else:
        return None
    return wait if wait.until > now else None


class SignInThrottled(PermissionDeniedError):
    """Too many wrong passwords: says how long to wait."""

    def __init__(self, wait: Wait, now: datetime) -> None:
        super().__init__(throttled_message(wait, now), field="password")
        self.wait = wait


def throttled_message(wait: Wait, now: datetime) -> str:
    if wait.locked:
        # Plural forms, not one text: Welsh mutates the noun after 2 ("2 funud").
        minutes = max(1, math.ceil((wait.until - now).total_seconds() / 60))
        return _n(
            "Too many wrong passwords: signing in is locked. Try again in {minutes} minute.",
            "Too many wrong passwords: signing in is locked. Try again in {minutes} minutes.",
            minutes,
            minutes=minutes,
        )
    seconds = math.ceil((wait.until - now).total_seconds())
    if seconds <= 1:
        return _("Too many wrong passwords. Wait 1 second, then try again.")
    return _("Too many wrong passwords. Wait {seconds} seconds, then try again.", seconds=seconds)


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    session: LiveSession


def sign_in(
    *,
    person_id: str,
    password: str,
    expected_password: str,
    client: str,
    now: datetime,
    settings: Settings,
    replacing: str | None = None,
    engine: Engine | None = None,
) -> SignedIn:
    """Sign `person_id` in with the demo password, from `client`: a new session (the browser's
    `replacing` one ends). Refused, with the reason beside its field: a wait or a lock
    (SignInThrottled; nothing checked or stored), an unknown person or a wrong password (the
    attempt is stored, and counts)."""
    person_id, client = person_id[:128], client[:64]
    by_person, by_client = throttles(settings)
    with session_scope(engine) as session:
        # Attempts for one person in turn, so parallel guesses cannot share one count.
        session.exec(select(Person.id).where(Person.id == person_id).with_for_update()).all()
        wait = _longest_wait(session, person_id, client, now, by_person, by_client)
        if wait is not None:
            raise SignInThrottled(wait, now)
        actor = load_actor(session, person_id)
        right = secrets.compare_digest(password.encode(), expected_password.encode())
        session.add(
            SignInAttempt(
                person_id=person_id,
                client=client,
                succeeded=right and actor is not None,
                attempted_at=now,
            )
        )
        keep = max(_lookback(by_person), _lookback(by_client))
        session.execute(delete(SignInAttempt).where(col(SignInAttempt.attempted_at) < now - keep))
        if actor is None:
            refusal: DfrError = ValidationError(
                _("Choose who you are signing in as"), field="person"
            )
        elif not right:
            session.flush()  # this wrong password counts towards the wait it brings
            wait = _longest_wait(session, person_id, client, now, by_person, by_client)
            refusal = _wrong_password(wait, now)
        else:
            policy = SessionPolicy.from_settings(settings)
            return SignedIn(
                actor,
                start_session(
                    session,
                    now=now,
                    policy=policy,
                    person_id=actor.id,
                    language=actor.person.language,
                    replacing=replacing,
                ),
            )
    raise refusal  # after the commit: the wrong attempt is stored and counts


def _lookback(throttle: Throttle) -> timedelta:
    """How far back an attempt can still matter: a lock still running began with a wrong
    password at most `lock_for` ago, counted over the window before it."""
    return throttle.window + throttle.lock_for


def _attempts(
    session: Session, by_person: bool, value: str, since: datetime
) -> list[tuple[datetime, bool]]:
    query = select(SignInAttempt.attempted_at, SignInAttempt.succeeded).where(
        col(SignInAttempt.attempted_at) >= since
    )
    if by_person:
        query = query.where(SignInAttempt.person_id == value)
    else:  # one person's right password does not excuse the address's guesses at others
        query = query.where(SignInAttempt.client == value, col(SignInAttempt.succeeded).is_(False))
    found = session.exec(query).all()
    return [(_aware(at, since), ok) for at, ok in found]


def _aware(moment: datetime, like: datetime) -> datetime:
    # SQLite gives back the stored UTC time without its zone.
    return moment if moment.tzinfo else moment.replace(tzinfo=like.tzinfo)


def _longest_wait(
    session: Session,
    person_id: str,
    client: str,
    now: datetime,
    by_person: Throttle,
    by_client: Throttle,
) -> Wait | None:
    waits = [
        wait_for(_attempts(session, per_person, value, now - _lookback(throttle)), now, throttle)
        for per_person, value, throttle in (
            (True, person_id, by_person),
            (False, client, by_client),
        )
    ]
    found = [w for w in waits if w is not None]
    return max(found, key=lambda w: w.until) if found else None


def _wrong_password(wait: Wait | None, now: datetime) -> DfrError:
    message = _("The password is not right; check it and try again")
    if wait is not None:  # say now how long the next attempt must wait
        message = f"{message}. {throttled_message(wait, now)}"
    return ValidationError(message, field="password")


# -- starting the web UI in demo mode -------------------------------------------------------


def refuse_weak_demo_password(password: str) -> None:
    """A demo password shorter than MIN_DEMO_PASSWORD characters is refused at start-up."""
    if len(password) < MIN_DEMO_PASSWORD:
        raise ValidationError(
            _(
                "The demo password is too short: use at least {count} characters (set "
                "DFR_WEB_DEMO_PASSWORD, or unset it to have one generated).",
                count=MIN_DEMO_PASSWORD,
            ),
            field="web_demo_password",
        )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve to anything


def refuse_demo_on_network(settings: Settings) -> None:
    """Demo sign-in (one shared password) listens only on loopback, unless
    DFR_WEB_DEMO_ON_NETWORK allows otherwise; header sign-in listens where it is told."""
    exposed = not is_loopback(settings.web_host)
    if settings.web_auth == "demo" and exposed and not settings.web_demo_on_network:
        raise ValidationError(
            _(
                "Demo sign-in listens only on this computer (127.0.0.1), not on {host}. Set "
                "DFR_WEB_AUTH=header behind a reverse proxy, or DFR_WEB_DEMO_ON_NETWORK=true to "
                "expose the demo anyway.",
                host=settings.web_host,
            ),
            field="web_host",
        )
