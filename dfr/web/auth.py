"""Who is signed in: a demo person chosen at sign-in (embedded default) or the person id a
trusted reverse proxy puts in a header (production). Who may do what is `services.access`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends
from pydantic import SecretStr
from starlette.datastructures import FormData
from starlette.requests import Request

from dfr.errors import DfrError
from dfr.i18n import _
from dfr.keys import generated_secret
from dfr.settings import Settings, get_settings
from dfr.web.security import check_csrf
from models.db import session_scope
from services.access import Actor, load_actor


class SignInRequired(Exception):
    """No one is signed in: the page sends them to sign in and back."""


# The signed-in person with their roles, as `services.access` loads and judges them.
Visitor = Actor


def signed_in_id(request: Request, settings: Settings) -> str | None:
    if settings.web_auth == "header":
        value = request.headers.get(settings.web_identity_header, "").strip()
        return value or None
    cookie = request.session  # the signed session cookie's contents
    found = cookie.get("person_id")
    return found if isinstance(found, str) else None


def current_visitor(request: Request) -> Visitor:
    """The signed-in person, or SignInRequired. Cached on the request."""
    known = getattr(request.state, "visitor", None)
    if isinstance(known, Visitor):
        return known
    settings = get_settings()
    person_id = signed_in_id(request, settings)
    visitor = None
    if person_id:
        with session_scope(read_only=True) as session:
            visitor = load_actor(session, person_id)
    if visitor is None:
        request.session.pop("person_id", None)
        raise SignInRequired
    request.state.visitor = visitor
    return visitor


async def posted_form(request: Request) -> FormData:
    """The submitted form, after its CSRF token has been checked against the session's."""
    form = await request.form()
    check_csrf(request.session, form.get("csrf_token"))
    return form


async def _visitor(request: Request) -> Visitor:
    # In the event loop, not a thread: three indexed reads cost less than the hop to a thread.
    return current_visitor(request)


CurrentVisitor = Annotated[Visitor, Depends(_visitor)]
PostedForm = Annotated[FormData, Depends(posted_form)]


def local_secret(settings: Settings, value: SecretStr | None, filename: str) -> str:
    """A secret from settings; in demo mode, when unset, one generated once into var/."""
    if value is not None:
        return value.get_secret_value()
    if settings.web_auth != "demo":
        raise DfrError(
            _(
                "Set DFR_WEB_SESSION_SECRET to a long random value: production sign-in needs a "
                "fixed secret to sign sessions."
            )
        )
    return generated_secret(Path(settings.var_dir), filename, nbytes=24)


def demo_password(settings: Settings) -> str:
    return local_secret(settings, settings.web_demo_password, "web-demo-password")
