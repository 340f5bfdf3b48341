"""The ratings page, in Welsh and English: an assessor rates the standards their seat covers
(refused beside the field until every one is rated, kept as a draft, then sent); the lead
reads their notes side by side, saves a draft, and cannot settle while an assessor has not
sent theirs; anyone else rates nothing. In a real browser axe-core finds nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser
from sqlmodel import select

from dfr.i18n import gettext
from models.db import engine_for, session_scope
from models.review import ReviewTask
from models.working_days import london_today
from services.panel_declarations import declare_interests
from services.panels import book_assessment
from tests.browser import axe_violations, describe
from tests.test_web_assessment import COE, at_assessment, seen, signed_in
from tests.web_support import PASSWORD, Site

PANEL = {"user_research": "lowri.price", "design": "ben.taylor", "technical": "aled.griffiths"}


def booked(site: Site) -> tuple[int, str]:
    """Example 02 at its assessment, held today, every member declared free of conflicts: its
    id and its lead."""
    sid = at_assessment(site)
    with session_scope(engine_for(site.database_url)) as session:
        day = london_today()  # booked five weeks ago for today: the panel meets today
        book_assessment(session, sid, COE, day, PANEL, on=day - timedelta(weeks=5))
        lead = session.exec(
            select(ReviewTask.assignee_id).where(
                ReviewTask.submission_id == sid, ReviewTask.status == "open"
            )
        ).one()
        assert lead
        for person in (lead, *PANEL.values()):
            declare_interests(session, sid, person, False)
    return sid, lead


@pytest.mark.parametrize("language", ["en", "cy"])
def test_an_assessor_rates_and_the_lead_reads_the_notes(site: Site, language: str):
    def t(message: str, **params: object) -> str:
        return gettext(message, language).format(**params)

    sid, lead = booked(site)
    path = f"/submissions/{sid}/assessment/ratings"
    researcher = signed_in(site, "lowri.price", language)
    page = researcher.get(path)
    assert page.status_code == 200
    assert t("Send to the lead assessor") in seen(page)
    assert 'name="rating-w03"' in page.text and 'name="rating-w09"' not in page.text

    half = {"rating-w03": "amber", "done-well-w03": "24 interviews", "to-explore-w03": "Care"}
    refused = researcher.post(path, {**half, "action": "send"})
    assert refused.status_code == 400
    beside = re.search(r'<p id="rating-w05-error"', refused.text)
    assert beside is not None
    assert t(
        "Rate every standard you cover before you send your ratings: {numbers}.", numbers="5"
    ) in (seen(refused))
    assert "24 interviews" in refused.text  # what was typed is kept
    drafted = researcher.post(path, {**half, "action": "draft"})
    assert drafted.status_code == 200 and drafted.url.path == path
    assert "24 interviews" in drafted.text and t("You have sent your ratings") not in seen(drafted)
    sent = researcher.post(path, {**half, "rating-w05": "green", "action": "send"})
    assert t(
        "You have sent your ratings to the lead assessor. You can still change them and send "
        "them again."
    ) in seen(sent)

    leader = signed_in(site, lead, language)
    notes = seen(leader.get(path))
    assert t("Waiting for ratings from: {names}.", names="Ben Taylor, Aled Griffiths") in notes
    assert f"Lowri Price {gettext('amber', language).capitalize()} 24 interviews Care" in notes
    draft = leader.post(
        f"{path}/settle", {"rating-w03": "amber", "rationale": "Drafft", "action": "draft"}
    )
    assert draft.status_code == 200 and draft.url.path == path
    assert t("Your draft was saved on {date}.", date="").split("{")[0].strip()[:10] in seen(draft)
    assert "Drafft" in draft.text
    early = leader.post(
        f"{path}/settle", {"outcome": "amber", "rationale": "x", "action": "settle"}
    )
    assert early.status_code == 400
    assert t("Waiting for ratings from: {names}. Settle them once every assessor has sent theirs.",
             names="Ben Taylor, Aled Griffiths") in seen(early)  # fmt: skip

    coe = signed_in(site, COE, language)
    assert t("You do not rate this assessment.") in seen(coe.get(path))
    # The old decision form takes the lead to the ratings: a booked panel's result is settled.
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        task_id = session.exec(
            select(ReviewTask.id).where(
                ReviewTask.submission_id == sid, ReviewTask.status == "open"
            )
        ).one()
    form = leader.get(f"/submissions/{sid}/review/{task_id}")
    assert form.url.path == path and "Drafft" in form.text
    for client in (researcher, leader, coe):
        client.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_ratings_page_in_a_browser(browser: Browser, site: Site, language: str):
    sid, _lead = booked(site)
    context = browser.new_context(base_url=site.url)
    page = context.new_page()
    page.goto(f"/language/{language}?next=/sign-in")
    page.select_option("#person", "lowri.price")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button")
    page.goto(f"/submissions/{sid}/assessment/ratings")
    assert page.locator("h1").inner_text() == gettext("Rate the standards", language)
    page.check("#rating-w03-2")  # the second colour: amber
    page.check("#rating-w05-3")
    page.fill("#done-well-w03", "Ymchwil dda")
    with page.expect_navigation():
        page.click("button[value=send]")
    sent = gettext(
        "You have sent your ratings to the lead assessor. You can still change them and send "
        "them again.",
        language,
    )
    assert sent in page.locator("main").inner_text()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    context.close()
