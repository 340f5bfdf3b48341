"""The assessment pages after an assessment, in Welsh and English: a CoE-led service's booking
is refused until its lead is from the Digital CoE; the next assessment's booking is refused
while the last one's amber actions are open, naming them; a reassessment's page lists the red
standards it covers; the lead cannot settle before the assessment day. Nothing refused is
kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser
from sqlmodel import select

from checklists.loader import registry
from dfr.i18n import gettext
from models.assessment_panel import AssessmentBooking
from models.db import engine_for, session_scope
from models.review import ReviewTask
from models.working_days import london_today
from services.decide import DecisionRequest, record_decision
from services.decide import StandardAssessment as Note
from services.reassign import reassign
from tests.assessment_support import COE_LEAD
from tests.browser import axe_violations, describe
from tests.test_web_assessment import COE, PANEL, day_fields, seen, signed_in
from tests.web_support import PASSWORD, Site, submit_example

EXAMPLE_02 = "02-new-service-alpha-amber.yaml"


def _at_assessment(site: Site) -> tuple[int, ReviewTask]:
    """Example 02 (flagged for a CoE-led panel) at its assessment, led by a non-CoE lead."""
    from tests.conftest import ROOT

    submission, task = submit_example(site, ROOT / "examples" / "submissions" / EXAMPLE_02)
    engine = engine_for(site.database_url)
    with session_scope(engine) as session:
        record_decision(
            session,
            DecisionRequest(submission.id or 0, task.stage, "approve", "Iawn.", COE),
            registry(),
        )
        assessment = session.exec(
            select(ReviewTask).where(
                ReviewTask.submission_id == submission.id, ReviewTask.status == "open"
            )
        ).one()
        if assessment.assignee_id == COE_LEAD:
            reassign(session, submission.id or 0, assessment.stage, "mark.wilson", "Test.", COE)
        session.refresh(assessment)
        session.expunge(assessment)
    return submission.id or 0, assessment


def _bookings(site: Site, sid: int) -> int:
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        return len(
            session.exec(
                select(AssessmentBooking).where(AssessmentBooking.submission_id == sid)
            ).all()
        )


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_coe_led_panel_needs_a_lead_from_the_coe(site: Site, language: str):
    sid, assessment = _at_assessment(site)
    coe = signed_in(site, COE, language)
    day = london_today() + timedelta(weeks=6)
    path = f"/submissions/{sid}/assessment"
    refused = coe.post(f"{path}/book", {**day_fields(day), **PANEL})
    assert refused.status_code == 400
    words = gettext(
        "{reference} is flagged for an assessment panel led by the Digital Centre of "
        "Excellence, and its lead assessor, {person}, is not in the Digital CoE. Reassign the "
        "assessment to a lead assessor from the Digital CoE, then book it.",
        language,
    ).format(reference=f"DFR-{sid:05d}", person="Mark Wilson")
    assert words in seen(refused)
    assert gettext("Not booked yet", language) in seen(refused) and _bookings(site, sid) == 0
    with session_scope(engine_for(site.database_url)) as session:
        reassign(session, sid, assessment.stage, COE_LEAD, "CoE-led.", COE)
    booked = coe.post(f"{path}/book", {**day_fields(day), **PANEL})
    assert booked.status_code == 200 and _bookings(site, sid) == 1
    coe.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_reassessment_lists_its_standards_and_waits_for_the_amber_actions(
    site: Site, language: str
):
    sid = _reassessed(site)
    coe = signed_in(site, COE, language)
    path = f"/submissions/{sid}/assessment"
    page = seen(coe.get(path))
    assert gettext("A reassessment of these standards only", language) in page
    names = {"en": "3. Understand users and their needs", "cy": "3. Deall defnyddwyr"}
    assert names[language] in page
    other = "cy" if language == "en" else "en"
    assert gettext("A reassessment of these standards only", other) not in page
    day = london_today() + timedelta(weeks=6)
    refused = coe.post(f"{path}/book", {**day_fields(day), **PANEL})
    assert refused.status_code == 400
    text = seen(refused)
    opening = gettext(
        "The next assessment cannot be booked while amber actions from the last one are "
        "open: {actions}. To close each one, the team marks it done on the submission page "
        "with a link to its evidence, and the lead assessor who set it confirms it.",
        language,
    ).split("{actions}")[0]
    assert opening in text
    data = {"en": "12. Use data to make decisions", "cy": "12. Defnyddio data"}
    assert data[language] in text and _bookings(site, sid) == 0
    coe.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_reassessment_page_and_its_refusal_in_a_browser(
    browser: Browser, site: Site, language: str
):
    sid = _reassessed(site)
    context = browser.new_context(base_url=site.url)
    page = context.new_page()
    page.goto(f"/language/{language}?next=/sign-in")
    page.select_option("#person", COE)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button")
    page.goto(f"/submissions/{sid}/assessment")
    assert page.locator("#reassessing").inner_text() == gettext(
        "A reassessment of these standards only", language
    )
    no_violations(page)
    day = london_today() + timedelta(weeks=6)
    page.fill("#date-day", str(day.day))
    page.fill("#date-month", str(day.month))
    page.fill("#date-year", str(day.year))
    with page.expect_navigation():
        page.click("form[action$='/book'] button")
    assert page.locator(".govuk-error-summary").is_visible()
    no_violations(page)
    context.close()


def no_violations(page) -> None:
    """axe-core finds nothing on the page."""
    found = axe_violations(page)
    assert found == [], describe(found)


def _reassessed(site: Site) -> int:
    """Example 02 assessed red on standard 3 and amber on 12: its reassessment of standard 3
    is open, led by the Digital CoE's lead assessor, the amber action still open."""
    sid, assessment = _at_assessment(site)
    engine, reg = engine_for(site.database_url), registry()
    with session_scope(engine) as session:  # assessed red on 3, amber on 12
        ratings = {q: Note("green") for q in reg.get("service_standard_wales").questions}
        ratings["w03"] = Note("red", "", "Ymchwil gyda phobl sy'n cael trafferth ar-lein.")
        ratings["w12"] = Note("amber", "", "Llinell sylfaen ar gyfer costau papur.")
        lead = assessment.assignee_id or ""
        record_decision(
            session,
            DecisionRequest(sid, assessment.stage, "red", "Coch.", lead, ratings=ratings),
            reg,
        )
        again = session.exec(
            select(ReviewTask).where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).one()
        if again.assignee_id != COE_LEAD:
            reassign(session, sid, again.stage, COE_LEAD, "CoE-led.", COE)
    return sid


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_lead_cannot_settle_before_the_assessment_day(site: Site, language: str):
    from services.panel_declarations import declare_interests
    from services.panels import book_assessment
    from services.ratings import save_ratings

    sid, assessment = _at_assessment(site)
    engine, reg = engine_for(site.database_url), registry()
    day = london_today() + timedelta(days=1)  # tomorrow, booked five weeks ago
    with session_scope(engine) as session:
        reassign(session, sid, assessment.stage, COE_LEAD, "CoE-led.", COE)
        seats = {k.removeprefix("seat-"): v for k, v in PANEL.items()}
        book_assessment(session, sid, COE, day, seats, on=day - timedelta(weeks=5))
        for person in (COE_LEAD, *seats.values()):
            declare_interests(session, sid, person, False)
        covers = {"lowri.price": ["w03", "w05"], "ben.taylor": ["w02", "w04", "w05"],
                  "aled.griffiths": ["w09", "w10", "w11"]}  # fmt: skip
        for person, standards in covers.items():
            notes = {s: Note("green", "Da.") for s in standards}
            save_ratings(session, sid, person, notes, reg, final=True)
    lead = signed_in(site, COE_LEAD, language)
    path = f"/submissions/{sid}/assessment/ratings"
    form = {f"rating-w{n:02d}": "green" for n in range(1, 13)} | {
        "outcome": "green",
        "rationale": "Da.",
    }
    refused = lead.post(f"{path}/settle", form)
    assert refused.status_code == 400
    words = gettext(
        "The assessment is booked for {date}: settle its ratings on or after that day, once "
        "the panel has met.",
        language,
    ).split("{date}")[0]
    assert words in seen(refused)
    with session_scope(engine, read_only=True) as session:
        task = session.exec(
            select(ReviewTask).where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).one()
        assert task.attempt == 1  # nothing settled
    lead.close()
