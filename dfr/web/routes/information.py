"""Help, the accessibility statement and privacy and cookies: public pages, one whole document
per language (`templates/information/<page>.<language>.html`), so each reads as written in that
language rather than assembled from fragments."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from dfr.i18n import _, get_language
from dfr.labels import N_
from dfr.settings import get_settings
from dfr.web.templating import render

router = APIRouter()

# Each page's address and its title (the title is in the catalog: page titles and the footer's
# links are the same words).
PAGES = {
    "help": N_("Help"),
    "accessibility": N_("Accessibility statement"),
    "privacy": N_("Privacy and cookies"),
}


def _information(request: Request, page: str) -> Response:
    settings = get_settings()
    return render(
        request,
        f"information/{page}.{get_language()}.html",
        title=_(PAGES[page]),
        support_email=settings.support_email,
        idle_minutes=settings.web_session_idle_minutes,
        max_hours=settings.web_session_max_hours,
    )


@router.get("/help")
async def help_page(request: Request) -> Response:
    return _information(request, "help")


@router.get("/accessibility")
async def accessibility_statement(request: Request) -> Response:
    return _information(request, "accessibility")


@router.get("/privacy")
async def privacy_and_cookies(request: Request) -> Response:
    return _information(request, "privacy")
