"""`dfr reports preview | publish | correct | withdraw`: an accepted report previewed with the
phrases to withhold marked, published, corrected and withdrawn from the command line; a
refusal is one message, exit 2, nothing written."""

from __future__ import annotations

from sqlmodel import select

from checklists.loader import registry
from models.db import engine_for, session_scope
from models.published_report import PublishedReportVersion
from models.working_days import london_today
from tests.assessment_support import assess_and_report
from tests.factories import log_count
from tests.publication_support import accept_for_test
from tests.test_cli_assessments import at_assessment, dfr


def test_a_report_is_previewed_published_corrected_and_withdrawn(initialised, capsys):
    at_assessment(capsys)
    engine = engine_for(initialised)
    lead = assess_and_report(engine, registry(), 1, london_today())
    before = log_count(engine)
    code, _out, err = dfr(capsys, "reports", "publish", "1", "--as", lead)
    assert code == 2 and "The team has not accepted the report yet" in err
    assert log_count(engine) == before
    accept_for_test(engine, 1, london_today())
    code, out, err = dfr(capsys, "reports", "preview", "1", "--withhold", "costau papur",
                         "--as", lead)  # fmt: skip
    assert code == 0, err
    assert "[[costau papur]]" in out and "Content hash: " in out
    code, out, err = dfr(capsys, "reports", "publish", "1", "--withhold", "costau papur",
                         "--as", lead)  # fmt: skip
    assert code == 0, err
    slug = out.split("/reports/")[1].strip()
    code, out, err = dfr(capsys, "reports", "correct", slug, "--set", "summary.en=Ready.",
                         "--reason-cy", "Crynodeb byrrach.", "--reason-en", "A shorter summary.",
                         "--as", lead)  # fmt: skip
    assert code == 0 and "Version 2 published" in out, err
    with session_scope(engine, read_only=True) as session:
        versions = session.exec(select(PublishedReportVersion)).all()
    assert [v.snapshot["summary"]["en"] for v in versions][1] == "Ready."
    assert "costau papur" not in str(versions[0].snapshot)
    code, out, err = dfr(capsys, "reports", "withdraw", slug, "--reason-cy", "Camgymeriad.",
                         "--reason-en", "A mistake.", "--as", "carys.llewelyn")  # fmt: skip
    assert code == 0 and "Withdrawn" in out, err
