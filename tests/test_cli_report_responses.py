"""`dfr assessments challenge-report | answer-challenge | accept-report | feedback |
satisfaction`: the team's answer to a report, the panel's to a challenge and the team's
feedback from the command line; a refusal is one message in the person's language, exit 2,
nothing written."""

from __future__ import annotations

from checklists.loader import registry
from models.db import engine_for
from models.working_days import london_today
from tests.assessment_support import assess_and_report
from tests.factories import log_count
from tests.test_cli_assessments import at_assessment, dfr

TEAM = "iwan.parry"


def test_the_team_challenges_the_lead_answers_and_the_team_gives_feedback(initialised, capsys):
    at_assessment(capsys)
    engine = engine_for(initialised)
    lead = assess_and_report(engine, registry(), 1, london_today())
    before = log_count(engine)
    code, out, err = dfr(capsys, "assessments", "challenge-report", "1", "--challenge", "w12",
                         "--as", TEAM)  # fmt: skip
    assert code == 2 and "STANDARD=TEXT" in err
    code, out, err = dfr(capsys, "--lang", "cy", "assessments", "challenge-report", "1",
                         "--challenge", "w12=", "--as", TEAM)  # fmt: skip
    assert code == 2 and "Rhowch eich rheswm dros herio sgôr safon 12." in err
    code, out, err = dfr(capsys, "assessments", "challenge-report", "1", "--challenge",
                         "w12=We have baselines.", "--as", lead)  # fmt: skip
    assert code == 2 and "Only the service team" in err
    assert log_count(engine) == before
    code, out, err = dfr(capsys, "assessments", "challenge-report", "1", "--challenge",
                         "w12=We have baselines.", "--as", TEAM)  # fmt: skip
    assert code == 0, err
    assert "Challenged: w12. The panel's answer is final." in out
    code, out, err = dfr(capsys, "assessments", "answer-challenge", "1", "--answer",
                         "w03=green:Fine.", "--as", lead)  # fmt: skip
    assert code == 2 and "The team did not challenge standard 3" in err
    code, out, err = dfr(capsys, "assessments", "answer-challenge", "1", "--answer",
                         "w12=green:The baselines are in the framework.", "--as", lead)  # fmt: skip
    assert code == 0, err
    assert "Answered. The report is final; the result is green." in out
    code, out, err = dfr(capsys, "--lang", "cy", "assessments", "report", "1", "--as", TEAM)
    assert code == 0 and "terfynol ar ôl ateb y panel i her y tîm" in out, err
    code, out, err = dfr(capsys, "assessments", "accept-report", "1", "--as", TEAM)
    assert code == 0 and "final after the panel's answer to the team's challenge" in out
    code, out, err = dfr(capsys, "assessments", "feedback", "1", "--score", "7", "--as", TEAM)
    assert code == 2 and "Choose how satisfied you are" in err
    code, out, err = dfr(capsys, "--lang", "cy", "assessments", "feedback", "1", "--score", "4",
                         "--comment", "Teg.", "--as", TEAM)  # fmt: skip
    assert code == 0 and "Diolch: mae eich adborth ar yr asesiad wedi'i gofnodi." in out
    today = london_today().isoformat()
    code, out, err = dfr(capsys, "assessments", "satisfaction", "--from", today, "--as", TEAM)
    assert code == 2 and "satisfaction figures are for" in err
    code, out, err = dfr(capsys, "assessments", "satisfaction", "--from", today,
                         "--as", "carys.llewelyn")  # fmt: skip
    assert code == 0, err
    assert "1 answer, 100% satisfied or very satisfied" in out and "· Teg." in out


def test_the_team_accepts_once_from_the_command_line(initialised, capsys):
    at_assessment(capsys)
    engine = engine_for(initialised)
    assess_and_report(engine, registry(), 1, london_today())
    code, out, err = dfr(capsys, "assessments", "accept-report", "1", "--as", TEAM)
    assert code == 0 and "The report is final: accepted by the team." in out
    before = log_count(engine)
    code, out, err = dfr(capsys, "--lang", "cy", "assessments", "accept-report", "DFR-00001",
                         "--as", TEAM)  # fmt: skip
    assert code == 0 and "wedi'i dderbyn gan y tîm" in out, err
    assert log_count(engine) == before
