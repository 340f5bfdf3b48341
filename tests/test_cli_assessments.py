"""`dfr assessments book | declare | replace | evidence | show`: the assessment's date and
panel booked from the command line, interests declared, a conflicted assessor replaced, the
team's evidence added; a refusal is one message, exit 2, nothing written."""

from __future__ import annotations

from datetime import timedelta

from dfr.cli.main import main
from dfr.dates import long_date
from models.working_days import london_today
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
    assessment."""
    assert dfr(capsys, "submit", str(EXAMPLE))[0] == 0
    code, _out, err = dfr(
        capsys, "decide", "1", "--stage", "digital_options_review", "--outcome", "approve",
        "--rationale", "Iawn.", "--as", "carys.llewelyn",
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
