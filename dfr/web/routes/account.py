"""Sign in, sign out, and the language switch."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dfr.errors import DfrError
from dfr.i18n import _, set_language
from dfr.settings import get_settings
from dfr.web import sessions
from dfr.web.auth import SignInRequired, current_visitor, demo_password, posted_form
from dfr.web.forms import FormErrors, safe_next, text
from dfr.web.security import LANGUAGE_COOKIE
from dfr.web.sessions import browser_session
from dfr.web.templating import render_form
from models.db import session_scope
from models.directory import Person
from models.queries import people_and_roles
from services.sign_in import SignInThrottled
from services.sign_in import sign_in as start_signed_in

log = logging.getLogger("dfr.web")
router = APIRouter()
LANGUAGE_COOKIE_AGE = timedelta(days=365)


@router.get("/")
async def start(request: Request) -> Response:
    try:
        current_visitor(request)
    except SignInRequired:
        return RedirectResponse("/sign-in", status_code=303)
    return RedirectResponse("/work", status_code=303)


def _people() -> list[tuple[Person, list[str]]]:
    with session_scope(read_only=True) as session:
        return people_and_roles(session)


def _sign_in_page(
    request: Request, next_url: str, errors: FormErrors | None = None, chosen: str = ""
) -> Response:
    return render_form(
        request,
        "sign_in.html",
        errors,
        title=_("Sign in"),
        mode=get_settings().web_auth,
        people=_people() if get_settings().web_auth == "demo" else [],
        next_url=next_url,
        chosen=chosen,
    )


@router.get("/sign-in")
async def sign_in_page(request: Request, next: str = "/work") -> Response:
    return _sign_in_page(request, safe_next(next))


@router.post("/sign-in")
def sign_in(request: Request, form: Annotated[FormData, Depends(posted_form)]) -> Response:
    settings = get_settings()
    next_url = safe_next(text(form, "next"))
    if settings.web_auth != "demo":
        return RedirectResponse(next_url, status_code=303)
    person_id, password = text(form, "person"), form.get("password")
    errors = FormErrors()
    if not person_id:
        errors.add("person", _("Choose who you are signing in as"))
    if not isinstance(password, str) or not password:
        errors.add("password", _("Enter the password"))
    if errors or not isinstance(password, str):
        return _sign_in_page(request, next_url, errors, person_id)
    browser = browser_session(request)
    client = request.client.host if request.client else "unknown"
    try:
        signed_in = start_signed_in(
            person_id=person_id,
            password=password,
            expected_password=demo_password(settings),
            client=client,
            now=sessions.now(),
            settings=settings,
            replacing=browser.token,
        )
    except DfrError as refusal:
        log.warning(
            "sign-in refused: person=%r client=%s request=%s reason=%s",
            person_id,
            client,
            getattr(request.state, "request_id", "-"),
            "throttled" if isinstance(refusal, SignInThrottled) else f"wrong {refusal.field}",
        )
        errors.add(refusal.field or "password", refusal.message)
        return _sign_in_page(request, next_url, errors, person_id)
    # A new session (a new token and CSRF token) on sign-in: no fixation.
    browser.replace(signed_in.session)
    response = RedirectResponse(next_url, status_code=303)
    language = signed_in.actor.person.language
    if language in ("cy", "en") and LANGUAGE_COOKIE not in request.cookies:
        _remember_language(response, language)
    return response


@router.post("/sign-out")
def sign_out(request: Request, _form: Annotated[FormData, Depends(posted_form)]) -> Response:
    browser_session(request).end()
    return RedirectResponse("/sign-in", status_code=303)


@router.get("/language/{language}")
async def choose_language(
    request: Request,
    language: str,
    next: Annotated[str, Query()] = "/",
) -> Response:
    """Switch language and stay on the same page; the choice is remembered by this browser."""
    response = RedirectResponse(safe_next(next, "/"), status_code=303)
    if language in ("cy", "en"):
        set_language(language)  # type: ignore[arg-type]
        _remember_language(response, language)
    return response


def _remember_language(response: Response, language: str) -> None:
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=int(LANGUAGE_COOKIE_AGE.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
    )
