"""A submission made with the keyboard alone (Tab, arrows, Space, Enter, typing): no mouse."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.web_support import PASSWORD, Site

pytestmark = pytest.mark.browser

# Answers that differ from the first option (radios move with the arrow keys).
NOT_FIRST = {"wet_ink_signature": "no", "automated_decisions": "no", "builds_service": "no"}
TEXT = {"estimated_cost": "20000", "digital_take_up_target": "75"}


def tab_to(page: Page, selector: str, limit: int = 300) -> None:
    """Press Tab until the focused element matches `selector` (as a keyboard user would)."""
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with the Tab key")


def press_continue(page: Page) -> None:
    tab_to(page, "main form button.govuk-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose_radio(page: Page, name: str, value: str | None) -> None:
    tab_to(page, f"input[type=radio][name='{name}']")
    page.keyboard.press("Space")
    for _ in range(20):
        if value is None or page.is_checked(f"input[name='{name}'][value='{value}']"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {value} for {name}")


def answer_page_by_keyboard(page: Page) -> None:
    names = page.eval_on_selector_all(
        "main form input, main form textarea",
        "els => els.map(e => [e.type, e.name]).filter(([t, n]) => n && t !== 'hidden')",
    )
    seen: set[str] = set()
    for kind, name in names:
        if name in seen:
            continue
        seen.add(name)
        if kind == "radio":
            choose_radio(page, name, NOT_FIRST.get(name))
        elif kind == "checkbox":
            tab_to(page, f"input[type=checkbox][name='{name}']")
            page.keyboard.press("Space")
        else:
            tab_to(page, f"[name='{name}']")
            page.keyboard.type(TEXT.get(name, "Notes"))


def test_a_submission_can_be_made_with_the_keyboard_alone(browser: Browser, site: Site):
    context = browser.new_context(base_url=site.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/language/en?next=/sign-in")
    tab_to(page, "#person")
    page.keyboard.type("Iwan")
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/work")

    tab_to(page, "main a.govuk-button")  # "Submit an initiative or procurement request"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/submit")
    choose_radio(page, "kind", "initiative")
    choose_radio(page, "dg", "EST")
    press_continue(page)

    for field, words in (
        ("#title_en", "Keyboard grants"),
        ("#title_cy", "Grantiau bysellfwrdd"),
        ("#summary_en", "Made without a mouse."),
        ("#summary_cy", "Heb lygoden."),
    ):
        tab_to(page, field)
        page.keyboard.type(words)
    press_continue(page)

    pages = 0
    while "/questions/" in page.url:
        pages += 1
        answer_page_by_keyboard(page)
        press_continue(page)
        assert page.locator(".govuk-error-summary").count() == 0, page.url
    assert pages >= 4
    assert page.url.endswith("/check")
    press_continue(page)
    assert "/confirmation" in page.url
    assert page.locator(".govuk-panel strong").inner_text().startswith("DFR-")
    context.close()
