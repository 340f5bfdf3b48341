"""The web UI in a real browser (Debian Chromium via Playwright): a policy officer submits, the
DG Digital Leader and the category manager decide, the assessment panel rates, the submitter
sees the outcome — in English and in Welsh — with axe-core run on every page on the way."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page
from sqlmodel import select

from dfr.i18n import gettext
from models.db import engine_for, session_scope
from models.review import ReviewTask
from models.submission import Submission
from tests.browser import axe_violations, describe
from tests.web_support import PASSWORD, Site

pytestmark = pytest.mark.browser
# The answers the policy officer gives; any question not named gets its first option / "yes".
ANSWERS = {
    "wet_ink_signature": "no",
    "automated_decisions": "no",
    "builds_service": "yes",
    "public_facing": "yes",
    "service_phase": "beta",
    "service_standard": "wales",
    "estimated_cost": "50000",
    "digital_take_up_target": "80",
    "contract_value": "50000",
    "transactions_per_year": "20000",
    "contract_length_months": "24",
    "route_to_market": "g_cloud",
    "reuse_before_buy": "no_suitable_option",
    "supplier_welsh_capability": "required_in_specification",
}


class Visit:
    """One person's browser session, checking every page it sees with axe-core."""

    def __init__(
        self,
        browser: Browser,
        site: Site,
        language: str,
        javascript: bool = True,
        width: int = 1280,
    ) -> None:
        self.context: BrowserContext = browser.new_context(
            base_url=site.url,
            java_script_enabled=javascript,
            viewport={"width": width, "height": 900},
        )
        self.javascript, self.width = javascript, width
        # axe-core needs timers, which do not run where JavaScript is off: it reads a copy of
        # each page, without its scripts, in a second page that runs them.
        self.twin: Page | None = None
        if not javascript:
            self.twin_context = browser.new_context(
                base_url=site.url, viewport={"width": width, "height": 900}
            )
            self.twin = self.twin_context.new_page()
            self.twin.goto("/accessibility")
        self.context.set_default_timeout(10_000)
        self.page: Page = self.context.new_page()
        self.language = language
        self.errors: list[str] = []
        self.page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def check(self) -> None:
        """The page is in the chosen language, has no WCAG 2.2 AA violations, ran its JS (or,
        with JavaScript off, works without it), and fits the window's width (WCAG 1.4.10)."""
        page = self.page
        assert page.get_attribute("html", "lang") == self.language
        violations = axe_violations(self._without_scripts() if self.twin else page)
        assert violations == [], f"{page.url}:\n{describe(violations)}"
        ran = "govuk-frontend-supported" in (page.get_attribute("body", "class") or "")
        assert ran == self.javascript
        assert self.errors == [], f"{page.url}: console errors {self.errors}"
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= self.width, f"{page.url} is {wide}px wide in a {self.width}px window"

    def _without_scripts(self) -> Page:
        assert self.twin is not None
        html = re.sub(r"<script\b.*?</script>", "", self.page.content(), flags=re.S)
        self.twin.set_content(html)
        return self.twin

    def sign_in(self, person: str) -> None:
        page = self.page
        page.goto("/sign-in")
        # Choose the language first: the switch keeps the person on the same page.
        switch = page.locator(f"a[hreflang={self.language}]")
        if switch.count():
            switch.click()
            assert "/sign-in" in page.url
        else:  # already showing: make it this browser's explicit choice
            page.goto(f"/language/{self.language}?next=/sign-in")
        self.check()
        page.select_option("#person", person)
        page.fill("#password", PASSWORD)
        page.click("form[action='/sign-in'] button")
        self.check()

    def close(self) -> None:
        self.context.close()
        if self.twin:
            self.twin_context.close()


def t(message: str, language: str) -> str:
    return gettext(message, language)


def _answer_page(page: Page) -> None:
    """Answer the questions on one checklist page as a person would, field by field."""
    for fieldset in page.locator("main form .govuk-radios").all():
        name = fieldset.locator("input").first.get_attribute("name") or ""
        wanted = ANSWERS.get(name)
        choice = fieldset.locator(f"input[value='{wanted}']") if wanted else None
        (choice if choice and choice.count() else fieldset.locator("input").first).check()
    for group in page.locator("main form .govuk-checkboxes").all():
        group.locator("input").first.check()
    for field in page.locator("main form input.govuk-input:not(.govuk-date-input__input)").all():
        name = field.get_attribute("name") or ""
        field.fill(ANSWERS.get(name, "10"))
    for field in page.locator("main form textarea").all():
        field.fill("Notes")
    for field in page.locator("main form .govuk-date-input__input").all():
        part = (field.get_attribute("name") or "").rsplit("-", 1)[-1]
        field.fill({"day": "1", "month": "6", "year": str(date.today().year + 1)}[part])


def _open_task(site: Site, submission_id: int) -> ReviewTask:
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        task = session.exec(
            select(ReviewTask).where(
                ReviewTask.submission_id == submission_id, ReviewTask.status == "open"
            )
        ).one()
        session.expunge(task)
        return task


def _submit(visit: Visit, language: str) -> int:
    page = visit.page
    page.click(f"text={t('Submit an initiative or procurement request', language)}")
    visit.check()
    page.check("input[name=kind][value=procurement]")
    page.check("input[name=dg][value=EST]")
    page.click("form[action='/submit'] button")
    visit.check()
    page.fill("#title_en", "Grants portal")
    page.fill("#title_cy", "Porth grantiau")
    page.fill("#summary_en", "Buy a portal for grant applications.")
    page.fill("#summary_cy", "Prynu porth ar gyfer ceisiadau grant.")
    page.click("main form button.govuk-button")
    while "/questions/" in page.url:
        visit.check()
        _answer_page(page)
        page.click("main form button.govuk-button")
    assert page.url.endswith("/check")
    visit.check()
    assert page.locator(".govuk-error-summary").count() == 0
    page.click("main form button.govuk-button")
    visit.check()
    assert "/confirmation" in page.url
    reference = page.locator(".govuk-panel strong").inner_text()
    return int(reference.removeprefix("DFR-"))


def _decide(visit: Visit, submission_id: int, outcome: str, **extra: str) -> None:
    page = visit.page
    page.goto(f"/submissions/{submission_id}")
    visit.check()
    page.click(".govuk-notification-banner__link")
    visit.check()
    for radio in page.locator("input[name^=rating-][value=green]").all():
        radio.check()
    page.check(f"input[name=outcome][value={outcome}]")
    page.fill("#rationale", extra.get("rationale", "Meets the **standard**."))
    if "condition" in extra:
        page.fill("#condition-1", extra["condition"])
        page.fill("#condition-1-due-day", "31")
        page.fill("#condition-1-due-month", "3")
        page.fill("#condition-1-due-year", str(date.today().year + 1))
    page.click("main form button.govuk-button")
    visit.check()
    assert page.locator(".govuk-error-summary").count() == 0, page.content()[:3000]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_submit_review_assess_and_see_the_outcome(browser: Browser, site: Site, language: str):
    journey(browser, site, language, javascript=True, width=1280)


# Each language at one width and each width in one language: the pages are the same templates
# in both languages (the cross-language test reads every page in each), so the other two
# pairings would add minutes and no case.
@pytest.mark.parametrize(("language", "width"), [("en", 320), ("cy", 1280)])
def test_the_whole_journey_works_with_javascript_off(
    browser: Browser, site: Site, language: str, width: int
):
    """Every form, from submitting to the last decision, without JavaScript, on a desktop
    and in a 320 px window."""
    journey(browser, site, language, javascript=False, width=width)


def journey(browser: Browser, site: Site, language: str, javascript: bool, width: int) -> None:
    def visit() -> Visit:
        return Visit(browser, site, language, javascript, width)

    submitter = visit()
    submitter.sign_in("iwan.parry")
    assert submitter.page.locator("h1").inner_text() == t("Your work", language)
    submission_id = _submit(submitter, language)

    stages = []
    for outcome, extra in (
        ("approve", {}),
        ("approve_with_conditions", {"condition": "Publish the accessibility statement"}),
        ("green", {}),
    ):
        task = _open_task(site, submission_id)
        stages.append(task.stage)
        reviewer = visit()
        reviewer.sign_in(task.assignee_id or "")
        _decide(reviewer, submission_id, outcome, **extra)
        reviewer.close()
    assert stages == ["digital_options_review", "category_review", "service_assessment"]

    page = submitter.page
    page.goto(f"/submissions/{submission_id}")
    submitter.check()
    outcome = t("approved with conditions", language)
    assert page.locator(".govuk-tag").first.inner_text().lower() == outcome.lower()
    assert "Publish the accessibility statement" in page.content()
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        stored = session.get(Submission, submission_id)
        assert stored is not None and stored.state == "approved_with_conditions"
    page.goto("/no-such-page")  # the error page is a page too
    # Chromium reports the page's own 404 in the console; anything more is a real failure.
    assert submitter.errors.pop(0).endswith("status of 404 (Not Found)")
    submitter.check()
    assert page.locator("h1").inner_text() == t("Page not found", language)
    submitter.close()

    leader = visit()  # EST's Digital Leader oversees the whole DG
    leader.sign_in("rhian.evans")
    leader.page.click(f"text={t('DG overview', language)} EST")
    leader.check()
    assert leader.page.url.endswith("/dg/EST")
    counts = leader.page.locator("table").first.inner_text()
    assert t("approved with conditions", language) in counts
    leader.close()
