"""The assessment page, in Welsh and English: the Digital CoE books the date and the panel (a
date too soon is refused beside the field, and nothing is kept), a panel member declares a
conflict and leaves the panel, the CoE fills the empty seat, the team adds its evidence; anyone
who may not see the submission is told it does not exist. In a real browser the page reads in
its language and axe-core finds nothing."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Browser

from checklists.loader import registry
from dfr.dates import long_date
from dfr.i18n import gettext
from models.db import engine_for, session_scope
from models.working_days import london_today
from services.decide import DecisionRequest, record_decision
from services.reassign import reassign
from tests.assessment_support import COE_LEAD
from tests.browser import axe_violations, describe
from tests.conftest import ROOT
from tests.web_support import PASSWORD, Browserless, Site, submit_example

EXAMPLE = ROOT / "examples" / "submissions" / "02-new-service-alpha-amber.yaml"
COE, SUBMITTER = "carys.llewelyn", "iwan.parry"
PANEL = {"seat-user_research": "lowri.price", "seat-design": "ben.taylor",
         "seat-technical": "aled.griffiths"}  # fmt: skip


def seen(response: httpx.Response) -> str:
    """The page's visible text, one space between words."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.text, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def at_assessment(site: Site) -> int:
    """Example 02 with its digital-options review approved: at its assessment."""
    submission, task = submit_example(site, EXAMPLE)
    with session_scope(engine_for(site.database_url)) as session:
        record_decision(
            session,
            DecisionRequest(submission.id or 0, task.stage, "approve", "Iawn.", COE),
            registry(),
        )
    with session_scope(engine_for(site.database_url)) as session:  # a CoE-led panel
        reassign(session, submission.id or 0, "service_assessment", COE_LEAD, "CoE-led.", COE)
    return submission.id or 0


def signed_in(site: Site, person: str, language: str) -> Browserless:
    client = Browserless(site)
    client.sign_in(person, language)
    return client


def day_fields(day) -> dict[str, str]:
    return {"date-day": str(day.day), "date-month": str(day.month), "date-year": str(day.year)}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_coe_books_a_panel_that_declares_and_the_team_adds_evidence(site: Site, language: str):
    def t(message: str, **params: object) -> str:
        return gettext(message, language).format(**params)

    sid = at_assessment(site)
    page_path = f"/submissions/{sid}/assessment"
    coe = signed_in(site, COE, language)
    submission_page = coe.get(f"/submissions/{sid}")
    assert f'href="{page_path}"' in submission_page.text
    assert t("Date, panel and evidence") in seen(submission_page)
    page = coe.get(page_path)
    assert page.status_code == 200
    assert t("Not booked yet") in seen(page) and t("Book the assessment") in seen(page)

    too_soon = london_today() + timedelta(days=5)
    refused = coe.post(f"{page_path}/book", {**day_fields(too_soon), **PANEL})
    assert refused.status_code == 400
    beside = re.search(
        r'<p id="date-error" class="govuk-error-message">(.*?)</p>', refused.text, re.S
    )
    assert beside is not None
    earliest = long_date(london_today() + timedelta(weeks=4), language)
    told = t(
        "Book the assessment at least {weeks} weeks ahead, so the panel and the team can "
        "prepare: on or after {earliest}.",
        weeks=4,
        earliest=earliest,
    )
    assert told in " ".join(html.unescape(beside.group(1)).split())
    assert t("Not booked yet") in seen(refused)  # nothing kept

    day = london_today() + timedelta(weeks=6)
    booked = coe.post(f"{page_path}/book", {**day_fields(day), **PANEL})
    assert booked.status_code == 200 and booked.url.path == page_path
    text = seen(booked)
    assert f"{t('Assessment date')} {long_date(day, language)}" in text
    assert "Ben Taylor" in text and t("Not declared yet") in text
    assert t("Change the date or panel") in text

    designer = signed_in(site, "ben.taylor", language)
    mine = designer.get(page_path)
    assert t("Declare your interests") in seen(mine)
    empty = designer.post(f"{page_path}/declare", {"conflicted": "yes", "detail": ""})
    assert empty.status_code == 400
    assert t("Say what the conflict of interests is and why it matters.") in seen(empty)
    declared = designer.post(
        f"{page_path}/declare", {"conflicted": "yes", "detail": "I designed its prototype."}
    )
    assert declared.status_code == 404  # off the panel: the submission is no longer theirs
    researcher = signed_in(site, "lowri.price", language)
    none = researcher.post(f"{page_path}/declare", {"conflicted": "no"})
    assert none.status_code == 200 and t("Declare your interests") not in seen(none)

    after = seen(coe.get(page_path))
    assert t("Conflicts of interests declared") in after and "I designed its prototype." in after
    assert t("Fill the empty {seat} seat", seat=gettext("design", language)) in after
    assert t("No conflict of interests") in after and t("Nobody yet") in after
    filled = coe.post(
        f"{page_path}/replace", {"discipline": "design", "seat-design": "ffion.edwards"}
    )
    assert filled.status_code == 200 and "Ffion Edwards" in seen(filled)

    team = signed_in(site, SUBMITTER, language)
    assert t("The team has not added any evidence yet.") in seen(team.get(page_path))
    bad = team.post(
        f"{page_path}/evidence", {"kind": "code", "url": "ftp://x", "description": "Code"}
    )
    assert bad.status_code == 400 and 'href="#url"' in bad.text
    added = team.post(
        f"{page_path}/evidence",
        {"kind": "code", "url": "https://example.org/code", "description": "Ein cod / Our code"},
    )
    assert added.status_code == 200
    assert f"{gettext('source code', language).capitalize()}: Ein cod / Our code" in seen(added)
    for client in (coe, designer, researcher, team):
        client.close()


def test_a_stranger_is_told_it_does_not_exist_and_a_submitter_may_not_book(site: Site):
    sid = at_assessment(site)
    stranger = signed_in(site, "david.patel", "en")
    hidden = stranger.get(f"/submissions/{sid}/assessment")
    missing = stranger.get(f"/submissions/{sid + 999}/assessment")
    assert hidden.status_code == missing.status_code == 404
    assert f"No submission {sid}. Check the reference." in seen(hidden)
    team = signed_in(site, SUBMITTER, "en")
    page = team.get(f"/submissions/{sid}/assessment")
    assert "Book the assessment" not in seen(page)
    day = london_today() + timedelta(weeks=6)
    refused = team.post(f"/submissions/{sid}/assessment/book", {**day_fields(day), **PANEL})
    assert refused.status_code == 403
    assert "Only the Digital Centre of Excellence or this assessment's lead assessor" in seen(
        refused
    )
    assert "Not booked yet" in seen(team.get(f"/submissions/{sid}/assessment"))  # nothing kept
    stranger.close()
    team.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_assessment_page_in_a_browser(browser: Browser, site: Site, language: str):
    sid = at_assessment(site)
    context = browser.new_context(base_url=site.url)
    page = context.new_page()
    page.goto(f"/language/{language}?next=/sign-in")
    page.select_option("#person", COE)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button")
    page.goto(f"/submissions/{sid}/assessment")
    heading = page.locator("h1").inner_text()
    assert heading == gettext("Service Standard assessment", language)
    assert page.locator("html").get_attribute("lang") == language
    day = london_today() + timedelta(weeks=6)
    page.fill("#date-day", str(day.day))
    page.fill("#date-month", str(day.month))
    page.fill("#date-year", str(day.year))
    with page.expect_navigation():
        page.click("form[action$='/book'] button")
    assert long_date(day, language) in page.locator("main").inner_text()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    context.close()
