"""The demo's assessment from start to finish (example 13): booked, declared, rated, settled,
the report written in both languages and sent, challenged, the rating upheld, the report final
and published; anyone then finds it at /reports in Welsh and English and in the open data,
with the withheld name nowhere public. (A `test_web_` module: Playwright's session-wide
browser must start after the Prefect flow tests, which run their own event loops.)"""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import httpx
import pytest
from playwright.sync_api import Browser, Page
from sqlmodel import col, select

from checklists.loader import registry
from dfr.i18n import gettext
from models.assessment_report import AssessmentReport
from models.audit import LogEntry
from models.audit_check import verify_all
from models.db import engine_for, session_scope
from services.scenarios import run_scenario
from tests.browser import axe_violations, describe
from tests.conftest import ROOT
from tests.test_web_assessment import seen
from tests.web_support import PASSWORD, Site

EXAMPLE = ROOT / "examples" / "submissions" / "13-assessment-challenged-and-published.yaml"
NAME = {"cy": "Gwneud cais am fathodyn glas", "en": "Apply for a Blue Badge"}
WITHHELD = "Elin Jones"


@pytest.fixture(scope="module")
def published(site: Site) -> str:
    """The scenario run on the site's database; the report's public address."""
    result = run_scenario(engine_for(site.database_url), registry(), EXAMPLE)
    [address] = [s.split(" at ")[1].split(" ")[0] for s in result.steps if " published " in s]
    return address


def test_every_step_is_in_the_log_and_the_report_is_final_after_the_upheld_challenge(
    site: Site, published: str
):
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        events = session.exec(select(LogEntry.event).order_by(col(LogEntry.seq))).all()
        report = session.exec(select(AssessmentReport)).one()
        assert verify_all(session).ok
    steps = ["report.drafted", "report.sent", "report.challenged", "report.challenge_decided",
             "report.published"]  # fmt: skip
    assert [e for e in events if e in steps] == steps
    assert (report.status, report.accepted_how, report.result) == (
        "accepted",
        "after_challenge",
        "amber",
    )


@pytest.mark.parametrize("language", ["cy", "en"])
def test_anyone_finds_the_published_report_in_each_language(
    site: Site, published: str, language: str
):
    other = "en" if language == "cy" else "cy"
    found = httpx.get(f"{site.url}/reports?lang={language}", timeout=30)
    assert found.status_code == 200
    assert NAME[language] in seen(found) and NAME[other] not in seen(found)
    page = httpx.get(f"{site.url}{published}?lang={language}", timeout=30)
    assert page.status_code == 200
    text = seen(page)
    assert NAME[language] in text and NAME[other] not in text
    assert WITHHELD not in page.text
    assert gettext("[withheld]", language) in text


def test_the_open_data_and_the_feed_list_it_without_the_withheld_name(site: Site, published: str):
    slug = published.rsplit("/", 1)[1]
    rows = list(csv.DictReader(io.StringIO(httpx.get(f"{site.url}/open-data/reports.csv").text)))
    assert slug in json.dumps(rows)
    reports = httpx.get(f"{site.url}/open-data/reports.json").json()
    assert slug in json.dumps(reports) and WITHHELD not in json.dumps(reports)
    ratings = httpx.get(f"{site.url}/open-data/report-ratings.json").text
    assert slug in ratings and WITHHELD not in ratings
    for language in ("cy", "en"):
        feed = httpx.get(f"{site.url}/reports/feed.atom?lang={language}").text
        titles = [
            t.text or "" for t in ElementTree.fromstring(feed).iter() if t.tag.endswith("title")
        ]
        assert any(NAME[language] in title for title in titles)


def _signed_in_page(browser: Browser, site: Site, person: str, language: str) -> Page:
    page = browser.new_context(base_url=site.url).new_page()
    page.goto(f"/language/{language}?next=/sign-in")
    page.select_option("#person", person)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button")
    return page


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_path_after_the_report_in_a_browser(
    browser: Browser, site: Site, published: str, language: str
):
    """The pages of the end of an assessment, as the team, the lead and the public see them:
    each in the chosen language, with no WCAG 2.2 AA failure axe-core finds."""
    other = "en" if language == "cy" else "cy"
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        sid = session.exec(select(AssessmentReport.submission_id)).one()
    team = _signed_in_page(browser, site, "iwan.parry", language)
    lead = _signed_in_page(browser, site, "mark.wilson", language)
    public = browser.new_context(base_url=site.url).new_page()
    for page, path, shows in (
        (team, f"/submissions/{sid}/assessment/report", gettext("Assessment report", language)),
        (team, f"/submissions/{sid}/assessment/report/feedback", None),
        (lead, f"/submissions/{sid}/assessment/report/publication", None),
        (public, f"/reports?lang={language}", NAME[language]),
        (public, f"{published}?lang={language}", NAME[language]),
    ):
        page.goto(path)
        assert page.get_attribute("html", "lang") == language, path
        text = page.locator("main").inner_text()
        if shows:
            assert shows in text, path
        assert NAME[other] not in text, path
        violations = axe_violations(page)
        assert violations == [], f"{path}: {describe(violations)}"
    for page in (team, lead, public):
        page.context.close()
