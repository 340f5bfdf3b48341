"""Export → wipe → import → verify, on SQLite and PostgreSQL: the round trip is exact, and a
tampered export imports nothing."""

from __future__ import annotations

import io
import json

import pytest
from sqlmodel import func, select

from checklists.yaml_files import read_yaml
from dfr.errors import IntegrityError, ValidationError
from models.audit_check import verify_all
from models.db import session_scope
from models.submission import Submission
from services.backup import export_lines, import_lines
from services.scenarios import run_scenario
from services.submit import submit
from tests.conftest import empty_database
from tests.test_examples import SCENARIOS, load_demo_directory


@pytest.fixture
def exported(engine, checklist_registry):
    load_demo_directory(engine)
    for path in SCENARIOS:
        run_scenario(engine, checklist_registry, path)
    return list(export_lines(engine))


def test_export_wipe_import_verify_round_trip(engine, exported):
    empty_database(engine)
    count = import_lines(engine, io.StringIO("\n".join(exported)))
    assert count == len(exported) - 1
    assert list(export_lines(engine)) == exported  # exact
    with session_scope(engine) as session:
        assert verify_all(session).ok
        assert session.exec(select(func.count()).select_from(Submission)).one() == len(SCENARIOS)


def test_new_work_after_a_restore_continues_the_numbering(engine, exported, checklist_registry):
    empty_database(engine)
    import_lines(engine, io.StringIO("\n".join(exported)))
    data = read_yaml(SCENARIOS[0])["submission"]
    data["title"] = {"cy": "Cyflwyniad newydd", "en": "A new submission"}
    with session_scope(engine) as session:
        submitted = submit(session, data, checklist_registry)
    assert submitted.submission_id == len(SCENARIOS) + 1
    with session_scope(engine) as session:
        assert verify_all(session).ok


def test_a_tampered_export_imports_nothing(engine, exported):
    empty_database(engine)
    tampered = []
    for line in exported:
        record = json.loads(line)
        if record.get("table") == "decision" and record["row"]["id"] == 1:
            record["row"]["outcome"] = "reject"
            line = json.dumps(record)
        tampered.append(line)
    with pytest.raises(IntegrityError, match="nothing was imported"):
        import_lines(engine, io.StringIO("\n".join(tampered)))
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Submission)).one() == 0


def test_import_refuses_a_database_that_is_not_empty(engine, exported):
    with pytest.raises(ValidationError, match="empty database"):
        import_lines(engine, io.StringIO("\n".join(exported)))


def test_an_import_anchors_the_log_with_the_importing_systems_key(engine, exported, monkeypatch):
    """The export carries no anchor (a copy would let its holder roll the log back unseen);
    the importing system anchors the verified head under its own key."""
    from dfr.settings import get_settings
    from models.audit import ANCHOR_ID, LogHead

    heads = [json.loads(line)["row"] for line in exported if "decision_log_head" in line]
    assert [row["id"] for row in heads] == [1]
    empty_database(engine)
    monkeypatch.setenv("DFR_AUDIT_KEY", "the-importing-systems-key")
    get_settings.cache_clear()
    import_lines(engine, io.StringIO("\n".join(exported)))
    with session_scope(engine) as session:
        assert session.get(LogHead, ANCHOR_ID) is not None
        assert verify_all(session).ok
        assert verify_all(session, key=b"the-importing-systems-key").ok
        assert not verify_all(session, key=b"the exporting system's key").ok


def test_sessions_and_sign_in_attempts_are_not_exported_and_a_restore_signs_everyone_out(
    engine, exported
):
    from datetime import UTC, datetime, timedelta

    from models.sign_in import SignInAttempt, WebSession
    from services.web_sessions import SessionPolicy, start_session

    now = datetime.now(UTC)
    policy = SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=12))
    with session_scope(engine) as session:
        start_session(session, now=now, policy=policy, person_id="rhian.evans")
        session.add(SignInAttempt(person_id="rhian.evans", client="192.0.2.1", succeeded=False))
    assert list(export_lines(engine)) == exported  # neither table is in an export
    empty_database(engine)
    with session_scope(engine) as session:  # someone opened the sign-in page meanwhile
        start_session(session, now=now, policy=policy)
    import_lines(engine, io.StringIO("\n".join(exported)))
    with session_scope(engine, read_only=True) as session:
        assert session.exec(select(func.count()).select_from(WebSession)).one() == 0
        assert session.exec(select(func.count()).select_from(SignInAttempt)).one() == 0


@pytest.mark.parametrize(
    ("table", "damage", "problem"),
    [
        ("person", lambda row: row.pop("name"), "name"),  # each database words it its own way
        ("person", lambda row: row.update(bogus=1), "table person has no column bogus"),
        ("submission", lambda row: row.update(created_at="yesterday"), "'yesterday'"),
    ],
    ids=["a missing column", "an unknown column", "a value of the wrong type"],
)
def test_a_damaged_export_is_refused_naming_the_line_and_imports_nothing(
    engine, exported, table, damage, problem
):
    empty_database(engine)
    lines = list(exported)
    number = next(n for n, line in enumerate(lines) if f'"table": "{table}"' in line)
    record = json.loads(lines[number])
    damage(record["row"])
    lines[number] = json.dumps(record)
    with pytest.raises(ValidationError) as refused:
        import_lines(engine, io.StringIO("\n".join(lines)))
    message = refused.value.message
    assert message.startswith(f"Line {number + 1} of the export is not valid: ")
    assert problem in message
    assert message.endswith("Import the file as it was exported, unedited.")
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Submission)).one() == 0


def test_a_published_reports_documents_survive_a_restore_byte_for_byte(engine):
    from models.progress_report import ProgressReport, ProgressReportFile

    load_demo_directory(engine)
    document = b"%PDF-1.7\n\x00\xff\xfe binary"
    with session_scope(engine) as session:
        report = ProgressReport(quarter="2026-Q3", status="published", figures={"q": 1})
        session.add(report)
        session.flush()
        session.add(
            ProgressReportFile(
                report_id=report.id or 0, language="cy", format="pdf", content=document, sha256="x"
            )
        )
    exported = list(export_lines(engine))
    empty_database(engine)
    import_lines(engine, io.StringIO("\n".join(exported)))
    with session_scope(engine) as session:
        assert session.exec(select(ProgressReportFile.content)).one() == document
    assert list(export_lines(engine)) == exported
