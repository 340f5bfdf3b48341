"""`dfr assessments book | declare | replace | evidence | show`: the assessment's date and
panel booked from the command line, interests declared, a conflicted assessor replaced, the
team's evidence added; a refusal is one message, exit 2, nothing written."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from checklists.loader import registry
from dfr.cli.main import main
from dfr.dates import long_date
from models.db import engine_for, session_scope
from models.review import ReviewTask
from models.working_days import london_today
from tests.assessment_support import COE_LEAD, assess_and_report
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "submissions" / "02-new-service-alpha-amber.yaml"
PANEL = ["--panel", "user_research=lowri.price", "--panel", "design=ben.taylor",
         "--panel", "technical=aled.griffiths"]  # fmt: skip


def dfr(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def at_assessment(capsys) -> None:
    """Example 02 submitted and its digital-options review approved: DFR-00001 waits for its
    assessment, which a lead from the Digital CoE takes (example 02 is flagged for a CoE-led
    panel: booking it with another lead is refused)."""
    assert dfr(capsys, "submit", str(EXAMPLE))[0] == 0
    code, _out, err = dfr(
        capsys, "decide", "1", "--stage", "digital_options_review", "--outcome", "approve",
        "--rationale", "Iawn.", "--as", "carys.llewelyn",
    )  # fmt: skip
    assert code == 0, err
    day = (london_today() + timedelta(weeks=6)).isoformat()
    code, _out, err = dfr(capsys, "--lang", "cy", "assessments", "book", "1", "--date", day,
                          *PANEL, "--as", "carys.llewelyn")  # fmt: skip
    assert code == 2 and "dan arweiniad y Ganolfan Ragoriaeth Ddigidol" in err
    code, _out, err = dfr(
        capsys, "reassign", "1", "--stage", "service_assessment", "--to", COE_LEAD,
        "--reason", "A CoE-led panel.", "--as", "carys.llewelyn",
    )  # fmt: skip
    assert code == 0, err


def test_an_assessment_is_booked_declared_and_its_panel_mended(initialised, capsys):
    at_assessment(capsys)
    day = london_today() + timedelta(weeks=6)
    too_soon = london_today() + timedelta(days=3)
    code, out, err = dfr(capsys, "assessments", "book", "1", "--date", too_soon.isoformat(),
                         *PANEL, "--as", "carys.llewelyn")  # fmt: skip
    assert code == 2 and "at least 4 weeks ahead" in err and "--date" in err
    code, out, err = dfr(capsys, "assessments", "book", "DFR-00001", "--date", day.isoformat(),
                         *PANEL, "--as", "carys.llewelyn")  # fmt: skip
    assert code == 0, err
    assert f"Booked: the assessment is on {long_date(day, 'en')}." in out

    code, out, err = dfr(capsys, "assessments", "declare", "1", "--as", "lowri.price")
    assert code == 0 and "Recorded: no conflict of interests." in out
    code, out, err = dfr(capsys, "--lang", "cy", "assessments", "declare", "1", "--conflict",
                         "Fi a ddyluniodd y prototeip.", "--as", "ben.taylor")  # fmt: skip
    assert code == 0, err
    assert "Cofnodwyd: gwrthdaro buddiannau." in out
    code, out, err = dfr(capsys, "assessments", "replace", "1", "--seat", "design",
                         "--with", "ffion.edwards", "--as", "carys.llewelyn")  # fmt: skip
    assert code == 0, err
    code, out, err = dfr(capsys, "assessments", "evidence", "1", "--kind", "research",
                         "--url", "https://example.org/research", "--description",
                         "Research with young people", "--as", "iwan.parry")  # fmt: skip
    assert code == 0, err

    code, out, err = dfr(capsys, "assessments", "show", "1", "--as", "carys.llewelyn")
    assert code == 0, err
    assert f"Assessment date: {long_date(day, 'en')}" in out
    assert "user research: Lowri Price (no conflict of interests)" in out
    assert "design: Ffion Edwards (interests not declared yet)" in out
    assert "Conflict of interests declared by Ben Taylor: Fi a ddyluniodd y prototeip." in out
    assert "user research: Research with young people <https://example.org/research>" in out


def test_a_submitter_cannot_book_and_nothing_is_written(initialised, capsys):
    at_assessment(capsys)
    day = (london_today() + timedelta(weeks=6)).isoformat()
    code, out, err = dfr(capsys, "assessments", "book", "1", "--date", day, *PANEL,
                         "--as", "iwan.parry")  # fmt: skip
    assert code == 2
    assert "Only the Digital Centre of Excellence or this assessment's lead assessor" in err
    code, out, err = dfr(capsys, "assessments", "show", "1", "--as", "iwan.parry")
    assert "Not booked yet" in out


def test_assessors_rate_and_the_lead_settles_from_the_command_line(initialised, capsys, tmp_path):
    at_assessment(capsys)
    day = (london_today() + timedelta(weeks=6)).isoformat()
    assert dfr(capsys, "assessments", "book", "1", "--date", day, *PANEL,
               "--as", "carys.llewelyn")[0] == 0  # fmt: skip
    with session_scope(engine_for(initialised), read_only=True) as session:
        lead = session.exec(select(ReviewTask.assignee_id).where(ReviewTask.status == "open")).one()
    assert lead
    for person in ("lowri.price", "ben.taylor", "aled.griffiths", lead):
        assert dfr(capsys, "assessments", "declare", "1", "--as", person)[0] == 0
    mine = tmp_path / "ur.yaml"
    mine.write_text("w03: {rating: amber, done_well: Ymchwil dda, to_explore: Gadael gofal}\n")
    code, out, err = dfr(capsys, "assessments", "rate", "1", "--ratings-file", str(mine),
                         "--as", "lowri.price")  # fmt: skip
    assert code == 2 and "Rate every standard you cover before you send your ratings: 5." in err
    code, out, err = dfr(capsys, "assessments", "rate", "1", "--ratings-file", str(mine),
                         "--draft", "--as", "lowri.price")  # fmt: skip
    assert code == 0 and "Saved a draft of 1 rating." in out
    mine.write_text("w03: {rating: amber, done_well: Ymchwil dda, to_explore: Gadael gofal}\n"
                    "w05: green\n")  # fmt: skip
    code, out, err = dfr(capsys, "assessments", "rate", "1", "--ratings-file", str(mine),
                         "--as", "lowri.price")  # fmt: skip
    assert code == 0 and "Sent 2 ratings to the lead assessor." in out
    code, out, err = dfr(capsys, "assessments", "notes", "1", "--as", lead)
    assert code == 0, err
    assert "Lowri Price: amber" in out and "Done well: Ymchwil dda" in out
    assert "Waiting for ratings from: Ben Taylor, Aled Griffiths." in out
    code, out, err = dfr(capsys, "assessments", "notes", "1", "--as", "lowri.price")
    assert code == 2 and "Only the lead assessor" in err


def test_the_report_is_read_written_and_sent_from_the_command_line(initialised, capsys, tmp_path):
    at_assessment(capsys)
    engine = engine_for(initialised)
    lead = assess_and_report(engine, registry(), 1, london_today(), send=False)
    code, out, err = dfr(capsys, "assessments", "report", "1", "--as", lead)
    assert code == 0, err
    assert "Result: amber" in out and "Welsh: complete" in out and "English: complete" in out
    assert "w12: amber" in out and "Needs to explore: A baseline for paper costs." in out
    code, out, err = dfr(capsys, "assessments", "write-report", "1", "--language", "fr",
                         "--summary", "Non.", "--as", lead)  # fmt: skip
    assert code == 2 and "Welsh (cy) or English (en)" in err
    notes = tmp_path / "notes.yaml"
    notes.write_text("w12: {done_well: Four KPIs., to_explore: ''}\n")
    code, out, err = dfr(capsys, "assessments", "write-report", "1", "--language", "en",
                         "--notes-file", str(notes), "--as", lead)  # fmt: skip
    assert code == 0 and "Still missing in this version: standard 12: needs to explore." in out
    notes.write_text("w12: {done_well: Four KPIs., to_explore: A paper-cost baseline.}\n")
    code, out, err = dfr(capsys, "assessments", "write-report", "1", "--language", "en",
                         "--notes-file", str(notes), "--as", lead)  # fmt: skip
    assert code == 0 and "Still missing in this version: nothing." in out
    code, out, err = dfr(capsys, "assessments", "send-report", "1", "--as", "carys.llewelyn")
    assert code == 2 and "Only the lead assessor" in err
    code, out, err = dfr(capsys, "assessments", "send-report", "1", "--as", "lowri.price")
    assert code == 2 and "There is no assessment report for DFR-00001 yet." in err  # a draft
    code, out, err = dfr(capsys, "assessments", "send-report", "1", "--as", lead)
    assert code == 0, err
    assert "Sent: the team, the panel and the DG's Digital Leader are told." in out
    code, out, err = dfr(capsys, "--lang", "cy", "assessments", "report", "1", "--as", "iwan.parry")
    assert code == 0 and "Canlyniad: ambr" in out
