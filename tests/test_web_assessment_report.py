"""The assessment report page, in Welsh and English: the lead sees which language versions are
complete, cannot send it until both are, writes the missing one, sends it; the team reads it
only once it is sent; a stranger is told it does not exist."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from checklists.loader import registry
from dfr.i18n import gettext
from models.db import engine_for, session_scope
from services.decide import StandardAssessment as Note
from services.ratings import save_ratings, settle
from tests.browser import axe_violations, describe
from tests.test_web_assessment import SUBMITTER, seen, signed_in
from tests.test_web_assessment_ratings import PANEL, booked
from tests.web_support import PASSWORD, Site

COVERS = {"lowri.price": ["w03", "w05"], "ben.taylor": ["w02", "w04", "w05"],
          "aled.griffiths": ["w09", "w10", "w11"]}  # fmt: skip


def settled(site: Site) -> tuple[int, str]:
    """Example 02 assessed: every assessor sent their ratings, the lead settled amber."""
    sid, lead = booked(site)
    reg = registry()
    with session_scope(engine_for(site.database_url)) as session:
        for person in PANEL.values():
            notes = {s: Note("green", "Da iawn.") for s in COVERS[person]}
            save_ratings(session, sid, person, notes, reg, final=True)
        notes = {f"w{n:02d}": Note("green", "Da iawn.") for n in range(1, 13)}
        notes["w12"] = Note("amber", "Pedwar DPA.", "Llinell sylfaen ar gyfer costau papur.")
        settle(session, sid, lead, notes, "amber", "Yn barod ar gyfer beta.", reg)
    return sid, lead


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_lead_completes_both_languages_and_sends_the_report(site: Site, language: str):
    def t(message: str, **params: object) -> str:
        return gettext(message, language).format(**params)

    sid, lead = settled(site)
    path = f"/submissions/{sid}/assessment/report"
    team = signed_in(site, SUBMITTER, language)
    assert team.get(path).status_code == 404  # a draft is the panel's
    leader = signed_in(site, lead, language)
    page = leader.get(path)
    assert page.status_code == 200
    text = seen(page)
    assert t("Assessment report") in text and t("Incomplete") in text and t("Complete") in text
    assert "Tomos Rhys" in text  # the Digital CoE's lead assessor (a CoE-led panel)
    refused = leader.post(f"{path}/send", {})
    assert refused.status_code == 400
    refusal = t(
        "The report cannot be sent until it is complete in Welsh and English. Missing in "
        "Welsh: {cy}. Missing in English: {en}.",
        cy="{cy}",
        en="{en}",
    ).split("{cy}")[0]
    assert refusal.strip() in seen(refused)

    missing = "en"  # the lead (Tomos Rhys, who reads Welsh) wrote in their own language
    write = t("Write the Welsh version" if missing == "cy" else "Write the English version")
    assert f'href="{path}/{missing}"' in page.text and write in text
    form = leader.get(f"{path}/{missing}")
    assert form.status_code == 200 and 'lang="' + missing + '"' in form.text
    fields = (
        {name: "Written." for name in ("summary",)}
        | {f"done-well-w{n:02d}": "Good work." for n in range(1, 13)}
        | {"to-explore-w12": "A baseline for paper costs."}
    )
    saved = leader.post(f"{path}/{missing}", fields)
    assert saved.status_code == 200 and saved.url.path == path
    assert t("Incomplete") not in seen(saved)
    sent = leader.post(f"{path}/send", {})
    assert sent.status_code == 200
    assert t("Sent to the team on {date}.", date="{date}").split("{date}")[0].strip() in seen(sent)
    read = team.get(path)
    assert read.status_code == 200 and gettext("amber", language).capitalize() in seen(read)
    stranger = signed_in(site, "david.patel", language)
    assert stranger.get(path).status_code == 404
    for client in (team, leader, stranger):
        client.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_report_page_in_a_browser(browser: Browser, site: Site, language: str):
    sid, lead = settled(site)
    context = browser.new_context(base_url=site.url)
    page = context.new_page()
    page.goto(f"/language/{language}?next=/sign-in")
    page.select_option("#person", lead)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button")
    page.goto(f"/submissions/{sid}/assessment/report")
    assert page.locator("h1").inner_text() == gettext("Assessment report", language)
    main = page.locator("main").inner_text()
    assert gettext("Language versions", language) in main
    assert gettext("Send the report to the team", language) in main
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    context.close()
