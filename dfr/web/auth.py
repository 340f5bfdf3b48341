"""Who is signed in: a demo person chosen at sign-in (embedded default) or the person id a
trusted reverse proxy puts in a header (production). Who may do what is `services.access`;
sessions are `dfr.web.sessions` over `services.web_sessions`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends
from starlette.datastructures import FormData
from starlette.requests import Request

from dfr.keys import generated_secret
from dfr.settings import Settings
from dfr.web.security import check_csrf
from dfr.web.sessions import browser_session
from services.access import Actor


class SignInRequired(Exception):
    """No one is signed in: the page sends them to sign in and back."""


# The signed-in person with their roles, as `services.access` loads and judges them.
Visitor = Actor


def current_visitor(request: Request) -> Visitor:
    """The signed-in person, or SignInRequired. Cached on the request."""
    known = getattr(request.state, "visitor", None)
    if isinstance(known, Visitor):
        return known
    visitor = browser_session(request).visitor()
    if visitor is None:
        raise SignInRequired
    request.state.visitor = visitor
    return visitor


async def posted_form(request: Request) -> FormData:
    """The submitted form, after its CSRF token has been checked against the session's."""
    form = await request.form()
    live = browser_session(request).current()
    check_csrf(live.csrf_token if live else None, form.get("csrf_token"))
    return form


async def _visitor(request: Request) -> Visitor:
    # In the event loop, not a thread: a few indexed reads cost less than the hop to a thread.
    return current_visitor(request)


CurrentVisitor = Annotated[Visitor, Depends(_visitor)]
PostedForm = Annotated[FormData, Depends(posted_form)]


def demo_password(settings: Settings) -> str:
    """The demo sign-in password: DFR_WEB_DEMO_PASSWORD, or one generated once into var/."""
    if settings.web_demo_password is not None:
        return settings.web_demo_password.get_secret_value()
    return generated_secret(Path(settings.var_dir), "web-demo-password", nbytes=24)
