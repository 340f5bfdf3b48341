"""The team's answer to the assessment report on the web, in Welsh and English: the team
challenges a standard (the form shows what was wrong beside the field, linked from the
summary), the lead answers the challenge, and the team gives its feedback once; a second team
accepts; whoever is not the team is offered nothing and told the forms do not exist."""

from __future__ import annotations

import pytest

from checklists.loader import registry
from dfr.i18n import gettext
from models.db import engine_for
from models.working_days import london_today
from tests.assessment_support import assess_and_report
from tests.test_web_assessment import SUBMITTER, at_assessment, seen, signed_in
from tests.web_support import Site

OTHER = {"en": "cy", "cy": "en"}


def sent_report(site: Site) -> tuple[int, str]:
    """Example 02 assessed today, its report sent to the team; the submission and its lead."""
    sid = at_assessment(site)
    lead = assess_and_report(engine_for(site.database_url), registry(), sid, london_today())
    return sid, lead


def words(message: str, language: str) -> str:
    """A message's words up to its first placeholder, in `language`."""
    return gettext(message, language).split("{")[0].strip()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_team_challenges_the_lead_answers_and_the_team_gives_feedback(
    site: Site, language: str
):
    def t(message: str) -> str:
        return words(message, language)

    sid, lead = sent_report(site)
    path = f"/submissions/{sid}/assessment/report"
    team = signed_in(site, SUBMITTER, language)
    assert f'href="{path}"' in team.get(f"/submissions/{sid}").text
    page = seen(team.get(path))
    for message in ("The team's answer", "Accept the report", "Challenge the report"):
        assert t(message) in page and words(message, OTHER[language]) not in page

    form = team.get(f"{path}/challenge")
    assert form.status_code == 200 and t("Standards you challenge") in seen(form)
    refused = team.post(f"{path}/challenge", {})
    assert refused.status_code == 400 and 'href="#standards"' in refused.text
    assert t("Choose at least one standard to challenge, and give your reason for each.") in seen(
        refused
    )
    unreasoned = team.post(f"{path}/challenge", {"standards": ["w12", "w03"]})
    assert unreasoned.status_code == 400 and 'href="#reason-w03"' in unreasoned.text
    assert t("Give your reason for challenging the rating of standard {number}.") in seen(
        unreasoned
    )
    assert 'value="w12" checked' in unreasoned.text  # what they chose is kept
    challenged = team.post(
        f"{path}/challenge", {"standards": ["w12"], "reason-w12": "Mae gennym linell sylfaen."}
    )
    assert challenged.status_code == 200 and challenged.url.path == path
    text = seen(challenged)
    assert t("Challenged standards") in text and "Mae gennym linell sylfaen." in text
    assert t("Accept the report") not in text

    panel = signed_in(site, lead, language)
    assert t("Answer the challenge") in seen(panel.get(path))
    bare = panel.post(f"{path}/challenge/answer", {"rating-w12": "green", "rationale-w12": ""})
    assert bare.status_code == 400 and 'href="#rationale-w12"' in bare.text
    assert t("Give the panel's rationale for its answer on standard {number}.") in seen(bare)
    answered = panel.post(
        f"{path}/challenge/answer",
        {"rating-w12": "green", "rationale-w12": "Mae'r llinell sylfaen yn y fframwaith."},
    )
    assert answered.status_code == 200
    text = seen(answered)
    assert t("The report is final: {how}, on {date}.") in text
    assert gettext("final after the panel's answer to the team's challenge", language) in text
    assert gettext("rating changed", language).capitalize() in text
    assert panel.get(f"{path}/feedback").status_code == 404  # the survey is the team's
    history = seen(team.get(f"/submissions/{sid}"))  # the rating as sent stays in the history
    assert gettext("The panel answered the challenge; the report is final", language) in history
    before_after = gettext("From {before} to {after}", language).format(
        before=gettext("amber", language), after=gettext("green", language)
    )
    assert before_after in history

    survey = team.get(f"{path}/feedback")
    assert survey.status_code == 200
    assert t("Overall, how did you feel about the assessment?") in seen(survey)
    unscored = team.post(f"{path}/feedback", {"comment": "Da."})
    assert unscored.status_code == 400 and 'href="#score"' in unscored.text
    thanked = team.post(f"{path}/feedback", {"score": "5", "comment": "Teg a chlir."})
    assert thanked.status_code == 200
    assert t("Thank you: your feedback on the assessment has been recorded.") in seen(thanked)
    assert team.get(f"{path}/feedback").status_code == 404  # once per report
    assert team.get("/assessments/satisfaction").status_code == 403
    coe = signed_in(site, "carys.llewelyn", language)
    figures = seen(coe.get("/assessments/satisfaction"))
    assert t("Satisfaction with assessments") in figures and "Teg a chlir." in figures
    assert t("Satisfied or very satisfied") in figures
    assert words("Satisfied or very satisfied", OTHER[language]) not in figures
    coe.close()
    for client in (team, panel):
        client.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_team_accepts_and_nobody_else_may(site: Site, language: str):
    sid, lead = sent_report(site)
    path = f"/submissions/{sid}/assessment/report"
    stranger = signed_in(site, "david.patel", language)
    assert stranger.get(f"{path}/challenge").status_code == 404
    assert stranger.post(f"{path}/accept", {}).status_code == 404
    panel = signed_in(site, lead, language)
    assert words("Accept the report", language) not in seen(panel.get(path))
    assert panel.get(f"{path}/challenge").status_code == 404
    refused = panel.post(f"{path}/accept", {})
    assert refused.status_code == 400 and 'href="#response"' in refused.text
    only_the_team = (
        "Only the service team (the person who made the submission, or someone covering for "
        "them) can accept or challenge the report."
    )
    assert words(only_the_team, language) in seen(refused)
    team = signed_in(site, SUBMITTER, language)
    accepted = team.post(f"{path}/accept", {})
    assert accepted.status_code == 200
    text = seen(accepted)
    assert gettext("accepted by the team", language) in text
    assert words("Give feedback on the assessment", language) in text
    assert team.post(f"{path}/accept", {}).status_code == 200  # a second accept changes nothing
    assert team.get(f"{path}/challenge").status_code == 404
    for client in (stranger, panel, team):
        client.close()
