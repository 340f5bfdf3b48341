"""Who a web request comes from: the browser's session and the person signed in, with their
roles and the DGs they lead, read in one query in one transaction (a signed-in page asked
for them in two transactions of four statements before, each taking a pooled connection).

The person is the session's (demo sign-in) or, behind a trusted proxy (header mode), the one
its header names (`signed_in_actor`: the session is not read for it). The session's own rules
(ended, idle, too old, moved at most once a minute) are `services.web_sessions`'s, as for any
other read of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import String, bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import col

from models import driver_sql
from models.db import session_scope
from models.directory import Directorate, Person, RoleAssignment
from models.directory_lookup import person_columns
from models.permissions import HeldRole
from models.sign_in import WebSession
from services.access import Actor, load_actor
from services.web_sessions import (
    LiveSession,
    SessionPolicy,
    could_be_token,
    key_of,
    settle,
    stored_session,
)


@dataclass(frozen=True)
class Visit:
    """What a request's cookie opens: the session in force for this browser, and who is
    signed in with it."""

    live: LiveSession | None
    actor: Actor | None


@cache
def _visit_query() -> Any:
    """The session by its key (`key`), its person, their roles and the DGs they lead: a row
    for each role and DG led (one, with nulls, where there is nothing; none without the
    session). Built once (building costs more than running it)."""
    return (
        sa_select(
            col(WebSession.key).label("session_key"),
            col(WebSession.person_id).label("session_person_id"),
            col(WebSession.csrf_token),
            col(WebSession.language).label("session_language"),
            col(WebSession.created_at),
            col(WebSession.last_seen_at),
            *person_columns(Person),
            col(RoleAssignment.id).label("role_id"),
            col(RoleAssignment.role),
            col(RoleAssignment.dg_code),
            col(RoleAssignment.discipline),
            col(Directorate.code).label("leads"),
        )
        .select_from(WebSession)
        .outerjoin(Person, col(Person.id) == col(WebSession.person_id))
        .outerjoin(RoleAssignment, col(RoleAssignment.person_id) == col(Person.id))
        .outerjoin(Directorate, col(Directorate.digital_leader_id) == col(Person.id))
        .where(col(WebSession.key) == bindparam("key", type_=String))
        .order_by(col(RoleAssignment.id), col(Directorate.code))
    )


def _actor(rows: list[Any]) -> Actor | None:
    first = rows[0]
    if first.id is None:
        return None
    roles: dict[int, HeldRole] = {}
    leads: dict[str, None] = {}
    for row in rows:
        if row.role_id is not None:
            roles.setdefault(row.role_id, HeldRole(row.role, row.dg_code, row.discipline))
        if row.leads is not None:
            leads.setdefault(row.leads)
    person = Person(
        id=first.id,
        name=first.name,
        email=first.email,
        slack_user_id=first.slack_user_id,
        language=first.language,
    )
    return Actor(person, tuple(roles.values()), tuple(sorted(leads)))


def open_visit(
    token: str | None, now: datetime, policy: SessionPolicy, engine: Engine | None = None
) -> Visit:
    """Who this request comes from (demo sign-in): the session `token` opens (None when
    unknown or ended) and the person signed in with it (None when nobody is, or their id is
    not in the directory). The session is deleted when it has ended, and its last-seen time
    moved, as `open_session` does."""
    if token is None or not could_be_token(token):
        return Visit(None, None)
    with session_scope(engine, read_only=True) as session:
        rows = driver_sql.read(session, _visit_query(), {"key": key_of(token)})
    if not rows:
        return Visit(None, None)
    first = rows[0]
    stored = stored_session(
        token,
        first.session_person_id,
        first.csrf_token,
        first.session_language,
        first.created_at,
        first.last_seen_at,
    )
    live = settle(stored, now, policy, engine)
    # Only a session in force signs anyone in.
    return Visit(live, _actor(rows) if live is not None else None)


def signed_in_actor(
    live: LiveSession | None,
    *,
    header_mode: bool,
    identity: str | None,
    engine: Engine | None = None,
) -> Actor | None:
    """Who is signed in, for a request whose session (`live`) has been read already: in
    header mode the person `identity` names, else the session's; None when nobody is."""
    person_id = identity if header_mode else (live.person_id if live else None)
    if not person_id:
        return None
    with session_scope(engine, read_only=True) as session:
        return load_actor(session, person_id)
