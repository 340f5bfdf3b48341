"""Help, the accessibility statement and privacy and cookies: open to anyone, in each language,
linked from every page's footer; and the pages are branded as a Welsh Government service, not a
GOV.UK one (the generic header, no crown or logotype, Arial rather than GDS Transport)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest
from playwright.sync_api import Browser

from dfr.i18n import gettext
from dfr.settings import get_settings
from tests.web_support import PASSWORD, Site

PAGES = {
    "/help": "Help",
    "/accessibility": "Accessibility statement",
    "/privacy": "Privacy and cookies",
}
# What only GOV.UK services may show: the crown and logotype, the copyright crest.
GOVUK_BRANDING = ("govuk-header__logotype", "govuk-logo", "govuk-footer__crown", "copyright-logo")


class Passages(HTMLParser):
    """The text of each heading, paragraph, list item and table cell in <main>, with the
    language of the nearest element that declares one."""

    BLOCKS = frozenset({"h1", "h2", "h3", "p", "li", "td", "th", "caption"})

    def __init__(self, page_language: str) -> None:
        super().__init__()
        self.languages = [page_language]
        self.in_main = False
        self.open: list[list[str]] = []
        self.found: list[tuple[str, str]] = []  # (text, language)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        declared = dict(attrs).get("lang")
        self.languages.append(declared or self.languages[-1])
        self.in_main = self.in_main or tag == "main"
        if self.in_main and tag in self.BLOCKS:
            self.open.append([])

    def handle_endtag(self, tag: str) -> None:
        if self.in_main and tag in self.BLOCKS and self.open:
            text = " ".join("".join(self.open.pop()).split())
            if text:
                self.found.append((text, self.languages[-1]))
        if tag == "main":
            self.in_main = False
        if len(self.languages) > 1:
            self.languages.pop()

    def handle_data(self, data: str) -> None:
        for passage in self.open:
            passage.append(data)


def passages(html: str, language: str) -> list[tuple[str, str]]:
    parser = Passages(language)
    parser.feed(html)
    return parser.found


def read(site: Site, path: str, language: str) -> httpx.Response:
    with httpx.Client(base_url=site.url, follow_redirects=True) as client:
        client.get(f"/language/{language}?next=/sign-in")
        return client.get(path)


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_opens_for_anyone_in_each_language(site: Site, path: str):
    english, welsh = read(site, path, "en"), read(site, path, "cy")
    assert english.status_code == welsh.status_code == 200
    assert english.url.path == welsh.url.path == path  # nobody is sent to sign in
    for page, language in ((english, "en"), (welsh, "cy")):
        title = re.search(r"<title[^>]*>(.*?) \u2013", page.text, re.S)
        assert title is not None and title.group(1).strip() == gettext(PAGES[path], language)
        assert get_settings().support_email in page.text  # whom to write to


@pytest.mark.parametrize("path", list(PAGES))
def test_the_welsh_page_is_written_in_welsh_and_the_english_in_english(site: Site, path: str):
    english = passages(read(site, path, "en").text, "en")
    welsh = passages(read(site, path, "cy").text, "cy")
    assert len(english) >= 5 and len(english) == len(welsh)  # the same document, passage by passage
    shared = {text for text, _ in english} & {text for text, _ in welsh}
    # Only what is the same in both languages: cookie names, numbers, the title "Help".
    assert shared <= {"dfr_session", "dfr_lang", "Help"}, shared
    for text, language in welsh:
        assert language == "cy" or text in shared, text


def test_every_page_links_to_help_accessibility_and_privacy(site: Site):
    for path in ("/sign-in", "/help", "/does-not-exist"):
        for language in ("en", "cy"):
            page = read(site, path, language).text
            for target, title in PAGES.items():
                assert f'href="{target}">{gettext(title, language)}</a>' in page


@pytest.mark.parametrize("language", ["en", "cy"])
def test_pages_are_branded_as_the_welsh_government_not_gov_uk(site: Site, language: str):
    page = read(site, "/sign-in", language).text
    for mark in GOVUK_BRANDING:
        assert mark not in page, mark
    assert "govuk-generic-header" in page
    # The service's name in both languages, Welsh first, each marked with its language.
    welsh = f'<span lang="cy">{gettext("Digital-first review", "cy")}</span>'
    english = '<span lang="en">Digital-first review</span>'
    assert welsh in page and english in page and page.index(welsh) < page.index(english)
    assert "/assets/images/favicon" not in page  # not the crown icon


@pytest.mark.browser
def test_no_text_is_set_in_gds_transport(site: Site, browser: Browser):
    context = browser.new_context()
    page = context.new_page()
    fonts: list[str] = []
    page.on(
        "request", lambda request: fonts.append(request.url) if "/fonts/" in request.url else None
    )
    page.goto(site.url + "/sign-in")
    page.select_option("select[name=person]", "angharad.wyn")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button")
    for path in ("/work", "/accessibility"):
        page.goto(site.url + path)
        families = page.evaluate(
            "() => [...new Set([...document.querySelectorAll('body, body *')]"
            ".map(e => getComputedStyle(e).fontFamily))]"
        )
        assert families and not [f for f in families if "GDS Transport" in f], families
        assert all(f.lower().startswith("arial") or f == "monospace" for f in families), families
    assert fonts == []  # the GOV.UK typeface is never even downloaded
    context.close()


@pytest.fixture
def session_limits(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Sessions end after this many idle minutes and hours (the test's parameter)."""
    minutes, hours = request.param
    monkeypatch.setenv("DFR_WEB_SESSION_IDLE_MINUTES", str(minutes))
    monkeypatch.setenv("DFR_WEB_SESSION_MAX_HOURS", str(hours))
    get_settings.cache_clear()
    yield request.param
    monkeypatch.undo()
    get_settings.cache_clear()  # the module's site reads its own settings again


@pytest.mark.parametrize(
    ("session_limits", "english", "welsh"),
    [
        ((1, 1), "after 1 minute without use, and after 1 hour at most",
         "ar ôl 1 munud heb ei ddefnyddio, ac ar ôl 1 awr ar y mwyaf"),
        ((2, 2), "after 2 minutes without use, and after 2 hours at most",
         "ar ôl 2 funud heb ei ddefnyddio, ac ar ôl 2 awr ar y mwyaf"),
        ((3, 3), "after 3 minutes without use, and after 3 hours at most",
         "ar ôl 3 munud heb ei ddefnyddio, ac ar ôl 3 awr ar y mwyaf"),
    ],
    indirect=["session_limits"],
)  # fmt: skip
def test_the_privacy_page_says_when_a_session_ends_for_any_number(
    site: Site, session_limits: tuple[int, int], english: str, welsh: str
):
    """One minute or several in English; in Welsh the noun mutates after 2 ("2 funud")."""
    for language, expected in (("en", english), ("cy", welsh)):
        with httpx.Client(base_url=site.url, follow_redirects=True) as client:
            client.get(f"/language/{language}?next=/privacy")
            page = client.get("/privacy").text
        assert expected in " ".join(page.split())
