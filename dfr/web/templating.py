"""Jinja2 pages: our templates first, then the GOV.UK Frontend macros (govuk-frontend-jinja)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from dfr import dates, labels
from dfr.i18n import _, _n, get_language, gettext
from dfr.markdown import markdown_to_govuk_html, markdown_to_html
from dfr.web.forms import FormErrors
from dfr.web.sessions import browser_session
from dfr.web.task_rows import task_rows
from models.published_report import marked


def long_date(value: date | datetime | str | None) -> str:
    """A date (or a moment) in words in the page's language, e.g. 5 Mawrth 2027 / 5 March 2027."""
    return dates.long_date(value, get_language())


def markdown(text: str) -> Markup:
    """User Markdown as safe HTML (dfr.markdown): no scripts, handlers or images. For a hint,
    which has its own typography."""
    return Markup(markdown_to_html(text))


def markdown_body(text: str) -> Markup:
    """User Markdown as safe HTML in the GOV.UK typography of the page's body text: a summary,
    a rationale, a note."""
    return Markup(markdown_to_govuk_html(text))


# Private-use characters around a withheld span survive Markdown and sanitising as text.
_WITHHELD_START, _WITHHELD_END = "\ue000", "\ue001"


def markdown_withheld(text: str, phrases: list[str]) -> Markup:
    """`markdown_body`, with each phrase to be withheld marked (for the publication preview):
    the reader sees the text that the public will not, highlighted and labelled."""
    if not phrases:
        return markdown_body(text)
    spans = "".join(
        f"{_WITHHELD_START}{piece}{_WITHHELD_END}" if hidden else piece
        for piece, hidden in marked(text, phrases)
    )
    opening = Markup(
        '<mark class="dfr-withheld"><span class="govuk-visually-hidden">{}</span>'
    ).format(_("Withheld from the public:") + " ")
    html = str(markdown_body(spans))
    return Markup(html.replace(_WITHHELD_START, opening).replace(_WITHHELD_END, "</mark>"))


def _label(table_name: str, key: str, language: str | None = None) -> str:
    return labels.label(getattr(labels, table_name), key, language)


def page_items(page: int, pages: int, href: Callable[[int], str]) -> list[dict[str, Any]]:
    """The numbered items of a GOV.UK pagination for page `page` of `pages`: the first and
    last pages, two either side of this one, and an ellipsis for each gap; built from those
    few numbers, not by walking every page (a finder of 500,000 submissions has 20,000)."""
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items: list[dict[str, Any]] = []
    before = 0
    for number in shown:
        if number - before > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page})
        before = number
    return items


def make_environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("dfr.web", "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=True,
        # The templates ship with the package and never change under a running server: no
        # stat() of every template a page uses, on every request, to see whether it did.
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        _=_,
        _n=_n,
        label=_label,
        in_language=gettext,
        page_items=page_items,
        task_rows=lambda rows, names, show_assignee=False: task_rows(
            rows, names, get_language(), show_assignee
        ),
    )
    env.filters.update(
        long_date=long_date,
        long_date_in=dates.long_date,
        markdown=markdown,
        markdown_body=markdown_body,
        markdown_withheld=markdown_withheld,
        role_name=lambda key: labels.label(labels.ROLES, key),
    )
    return env


ENVIRONMENT = make_environment()


@lru_cache(maxsize=8)
def _chrome(part: str, language: str) -> Markup:
    """The GOV.UK header or footer, rendered once per language (they never change)."""
    macro = getattr(ENVIRONMENT.get_template("_chrome.html").module, part)
    return Markup(str(macro()))  # made by our own autoescaping template


ENVIRONMENT.globals["chrome"] = lambda part: _chrome(part, get_language())


@lru_cache(maxsize=256)
def _navigation(links: tuple[tuple[str, str, bool], ...], language: str) -> Markup:
    """The service navigation for these links, made once per set (and language)."""
    macro = ENVIRONMENT.get_template("_chrome.html").module.navigation  # type: ignore[attr-defined]
    return Markup(str(macro(links)))  # made by our own autoescaping template


ENVIRONMENT.globals["navigation"] = lambda links: _navigation(
    tuple((str(href), str(text), bool(active)) for href, text, active in links), get_language()
)


class _CsrfToken:
    """The session's CSRF token, fetched only if the page has a form: a page without one
    starts no session."""

    def __init__(self, request: Request) -> None:
        self.request = request

    def __str__(self) -> str:
        return browser_session(self.request).csrf_token()

    def __html__(self) -> str:
        return str(self)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page in the current language, with what every page needs (visitor, CSRF, nonce)."""
    page = ENVIRONMENT.get_template(template).render(
        request=request,
        lang=get_language(),
        visitor=getattr(request.state, "visitor", None),
        csrf_token=_CsrfToken(request),
        csp_nonce=getattr(request.state, "csp_nonce", ""),
        **context,
    )
    return HTMLResponse(page, status_code=status_code)


def render_form(
    request: Request, template: str, errors: FormErrors | None, **context: Any
) -> HTMLResponse:
    """A page with a form: 400 (GOV.UK) while it shows what was wrong, beside each field and
    in the summary; 200 when there is nothing wrong."""
    return render(request, template, 400 if errors else 200, errors=errors, **context)
