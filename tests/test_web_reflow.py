"""WCAG 2.2 AA at a phone's width: at 320 CSS pixels (1.4.10 Reflow) no page scrolls sideways
(a data table scrolls in its own region, the criterion's own exception), and axe-core finds
nothing, in Welsh and in English, on the pages each kind of person uses."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from checklists.loader import registry
from tests.browser import axe_violations, describe
from tests.conftest import ROOT
from tests.web_support import PASSWORD, Site, submit_example

pytestmark = pytest.mark.browser
NARROW = 320
EXAMPLES = sorted((ROOT / "examples" / "submissions").glob("*.yaml"))


def _signed_in(browser: Browser, site: Site, person: str, language: str) -> Page:
    context = browser.new_context(base_url=site.url, viewport={"width": NARROW, "height": 800})
    page = context.new_page()
    page.goto(f"/language/{language}?next=/sign-in")
    page.select_option("#person", person)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button")
    return page


def _problems(page: Page, path: str) -> list[str]:
    page.goto(path)
    found = []
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    if wide > NARROW:
        found.append(f"{path}: the page is {wide} px wide at {NARROW} px")
    violations = axe_violations(page)
    if violations:
        found.append(f"{path}: {describe(violations)}")
    return found


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_page_reflows_at_320_pixels_with_no_accessibility_failures(
    browser: Browser, examples_site: Site, language: str
):
    problems: list[str] = []
    admin = _signed_in(browser, examples_site, "gwenllian.rees", language)  # sees every submission
    paths = ["/work", "/cover", "/dg/EST", "/dg/HSS", "/submissions", "/help", "/accessibility"]
    paths += ["/privacy"]
    paths += [f"/submissions/{n}" for n in range(1, len(EXAMPLES) + 1)]
    for path in paths:
        problems += _problems(admin, path)
    admin.context.close()
    officer = _signed_in(browser, examples_site, "angharad.wyn", language)  # a policy officer
    for path in ("/work", "/submit", "/submissions/1", "/submissions/1/withdraw"):
        problems += _problems(officer, path)
    officer.context.close()
    assert problems == [], "\n".join(problems)


SCREENSHOTS = ROOT / "var" / "screenshots"  # not committed: var/ is ignored


def test_welsh_screenshots_of_a_question_page_a_submission_and_a_dg_overview(
    browser: Browser, examples_site: Site
):
    """For a person to look at: each page in Welsh at desktop and phone widths."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    taken = []
    for width in (1280, NARROW):
        admin = _signed_in(browser, examples_site, "gwenllian.rees", "cy")
        admin.set_viewport_size({"width": width, "height": 900})
        for name, path in (("submission", "/submissions/2"), ("dg-overview", "/dg/EST")):
            admin.goto(path)
            target = SCREENSHOTS / f"{name}-cy-{width}.png"
            admin.screenshot(path=str(target), full_page=True)
            taken.append(target)
        admin.context.close()
        officer = _signed_in(browser, examples_site, "angharad.wyn", "cy")
        officer.set_viewport_size({"width": width, "height": 900})
        officer.goto("/submit")
        officer.check("input[name=kind][value=initiative]")
        officer.check("input[name=dg][value=DfES]")
        with officer.expect_navigation():
            officer.click("main form button")
        for field, text in (
            ("title_en", "Bus passes"),
            ("title_cy", "Tocynnau bws"),
            ("summary_en", "Renewing bus passes online."),
            ("summary_cy", "Adnewyddu tocynnau bws ar-lein."),
        ):
            officer.fill(f"[name={field}]", text)
        with officer.expect_navigation():
            officer.click("main form button")
        assert "/questions/" in officer.url
        target = SCREENSHOTS / f"question-page-cy-{width}.png"
        officer.screenshot(path=str(target), full_page=True)
        taken.append(target)
        first = registry().get("digital_options").definition.questions[0].text
        shown_text = officer.inner_text("main")
        assert first.get("cy") in shown_text and first.get("en") not in shown_text
        officer.context.close()
    assert all(t.stat().st_size > 10_000 for t in taken)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_character_count_counts_in_the_page_language(
    browser: Browser, examples_site: Site, language: str
):
    """GOV.UK's character count writes its messages in the browser; its defaults are English."""
    page = _signed_in(browser, examples_site, "carys.llewelyn", language)
    page.goto("/cover")
    page.fill("#reason", "Gwyliau")
    counted = page.inner_text(".govuk-character-count__status")
    expected = {"en": "You have 993 characters remaining", "cy": "Mae gennych 993 nod ar ôl"}
    assert counted.strip() == expected[language]
    page.context.close()


PHONE = 375
# Each scrolling table's name as a person sees it, and whether its table scrolls: a <caption>
# is as wide as its table, so the part past the screen's edge scrolls out of sight with it.
TABLE_NAMES = """() => [...document.querySelectorAll('.dfr-table-scroll')].map(region => {
    const by = region.getAttribute('aria-labelledby');
    const name = by ? document.getElementById(by) : region.querySelector('caption');
    const text = document.createRange();
    text.selectNodeContents(name);
    const box = text.getBoundingClientRect();
    const scroller = name.closest('.dfr-table-scroll');
    const clip = scroller ? scroller.getBoundingClientRect() : {left: 0, right: innerWidth};
    return {
        name: name.textContent.trim(),
        seen: !name.classList.contains('govuk-visually-hidden'),
        inSight: box.left >= Math.max(clip.left, 0)
            && box.right <= Math.min(clip.right, innerWidth),
        scrolls: region.scrollWidth > region.clientWidth,
    };
})"""


@pytest.fixture(scope="module")
def reviewer(site: Site) -> str:
    """Two submissions in EST under review: the reviewer of the first."""
    first, task = submit_example(site, EXAMPLES[1])
    second, _task = submit_example(site, EXAMPLES[3])
    assert first.dg_code == second.dg_code == "EST" and task.assignee_id
    return task.assignee_id


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_review_queue_names_its_table_in_full_on_a_phone(
    browser: Browser, site: Site, reviewer: str, language: str
):
    """At a phone's width a queue's table scrolls sideways in its own region, and the words
    naming it wrap on the screen, every one of them in sight (the Welsh are the longer)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    named: dict[str, list[dict]] = {}
    for person, path, name in (
        (reviewer, "/work", "work"),
        ("gwenllian.rees", "/dg/EST", "dg-overview"),
    ):
        page = _signed_in(browser, site, person, language)
        page.set_viewport_size({"width": PHONE, "height": 900})
        page.goto(path)
        page.screenshot(
            path=str(SCREENSHOTS / f"queue-{name}-{language}-{PHONE}.png"), full_page=True
        )
        named[path] = [t for t in page.evaluate(TABLE_NAMES) if t["seen"]]
        assert axe_violations(page) == [], describe(axe_violations(page))
        page.context.close()
    queues = {
        "en": ("Reviews assigned to you", "Digital-options review \u2013 2 open, 0 overdue"),
        "cy": (
            "Adolygiadau sydd wedi'u neilltuo i chi",
            "Adolygiad opsiynau digidol \u2013 2 ar agor, 0 yn hwyr",
        ),
    }[language]
    assert queues[0] in [t["name"] for t in named["/work"]]
    assert queues[1] in [t["name"] for t in named["/dg/EST"]]
    tables = named["/work"] + named["/dg/EST"]
    assert any(t["scrolls"] for t in tables if t["name"] in queues)  # wider than the phone
    cut = [t["name"] for t in tables if not t["inSight"]]
    assert cut == []
