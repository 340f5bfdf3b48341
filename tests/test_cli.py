"""`dfr` end to end on SQLite and PostgreSQL, and every bad input: a clear message, a non-zero
exit, and nothing written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlmodel import func, select

from dfr.cli.main import main
from models.audit import LogEntry
from models.db import engine_for, session_scope
from models.review import ReviewTask
from models.submission import Submission
from tests.conftest import ROOT
from tests.factories import submission_data

EXAMPLES = ROOT / "examples" / "submissions"


def dfr(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def counts(url: str) -> tuple[int, int]:
    with session_scope(engine_for(url)) as session:
        return (
            session.exec(select(func.count()).select_from(Submission)).one(),
            session.exec(select(func.count()).select_from(LogEntry)).one(),
        )


def decide_command(
    reference: str, stage: str, outcome: str, rationale: str, actor: str, *extra: str
) -> list[str]:
    """The arguments of `dfr decide`: `actor` decides `stage` of the submission `reference`."""
    return [
        "decide",
        reference,
        *("--stage", stage, "--outcome", outcome),
        *("--rationale", rationale, "--as", actor),
        *extra,
    ]


def write(tmp_path: Path, data, name="submission.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_from_init_to_final_decision(initialised, capsys):
    code, out, err = dfr(
        capsys, "submit", str(EXAMPLES / "04-procurement-framework-conditions.yaml")
    )
    assert code == 0, err
    assert "Submitted DFR-00001" in out and "Category-manager review" in out
    code, out, _ = dfr(capsys, "tasks")
    assert "DFR-00001" in out and "Digital-options review" in out

    detail = yaml.safe_load((EXAMPLES / "04-procurement-framework-conditions.yaml").read_text())
    steps = [s["decide"] for s in detail["steps"]]
    for step in steps:
        args = decide_command(
            "DFR-00001", step["stage"], step["outcome"], step["rationale"], step["as"]
        )
        for condition in step.get("conditions") or []:
            args += ["--condition", f"{condition['due']} {condition['text']}"]
        code, out, err = dfr(capsys, *args)
        assert code == 0, err
        assert "Recorded:" in out
    assert "approved with conditions" in out

    code, out, _ = dfr(capsys, "show", "1")
    assert code == 0 and "Decisions:" in out and "condition" in out
    code, out, _ = dfr(capsys, "audit", "verify")
    assert code == 0 and "Decision log intact" in out


def test_assessment_decision_with_ratings_from_the_command_line(initialised, capsys, tmp_path):
    data = submission_data(
        builds_service=True,
        public_facing=True,
        service_phase="beta",
        service_standard="uk",
        submitter=people_in("EST"),
    )
    code, out, err = dfr(capsys, "submit", write(tmp_path, data))
    assert code == 0, err
    assert "Service Standard assessment" in out
    leader = digital_leader("EST")
    approve = decide_command("1", "digital_options_review", "approve", "Fine", leader)
    assert dfr(capsys, *approve)[0] == 0
    lead = assignee_of(initialised, 1, "service_assessment")
    assert lead in lead_assessors()
    ratings = [f"--rating=uk{n:02d}=green" for n in range(1, 15)]
    code, out, err = dfr(
        capsys,
        *decide_command("1", "service_assessment", "green", "Meets the standard", lead, *ratings),
    )
    assert code == 0, err
    assert "approved" in out


def people_in(dg: str) -> str:
    people = yaml.safe_load((ROOT / "examples" / "people.yaml").read_text())["people"]
    return next(
        p["id"]
        for p in people
        for r in p["roles"]
        if r["role"] == "policy_officer" and r.get("dg") == dg
    )


def role_holder(role: str) -> str:
    people = yaml.safe_load((ROOT / "examples" / "people.yaml").read_text())["people"]
    return next(p["id"] for p in people for r in p["roles"] if r["role"] == role)


def name_of(person_id: str) -> str:
    people = yaml.safe_load((ROOT / "examples" / "people.yaml").read_text())["people"]
    return next(p["name"] for p in people if p["id"] == person_id)


def lead_assessors() -> list[str]:
    people = yaml.safe_load((ROOT / "examples" / "people.yaml").read_text())["people"]
    return [p["id"] for p in people for r in p["roles"] if r["role"] == "lead_assessor"]


def assignee_of(database_url: str, submission_id: int, stage: str) -> str:
    """Who holds the submission's open `stage` (only they decide it)."""
    with session_scope(engine_for(database_url)) as session:
        task = session.exec(
            select(ReviewTask).where(
                ReviewTask.submission_id == submission_id,
                ReviewTask.stage == stage,
                ReviewTask.status == "open",
            )
        ).one()
        return task.assignee_id or ""


def digital_leader(dg: str) -> str:
    dgs = yaml.safe_load((ROOT / "examples" / "directorates.yaml").read_text())["directorates"]
    return next(d["digital_leader"] for d in dgs if d["code"] == dg)


def test_welsh_output(initialised, capsys):
    code, out, err = dfr(
        capsys, "--lang", "cy", "submit", str(EXAMPLES / "01-policy-no-digital-service.yaml")
    )
    assert code == 0, err
    assert "Adolygiad opsiynau digidol" in out
    code, out, _ = dfr(capsys, "--lang", "cy", "checklists", "show", "digital_options")
    assert code == 0 and "Rheolau:" in out


BAD_SUBMISSIONS = {
    "yaml syntax": ("kind: initiative\ndg: [EST\n", "not valid YAML"),
    "unknown DG": ({"dg": "XYZ"}, "Unknown DG XYZ"),
    "unknown person": ({"submitter": "no.one"}, "Unknown person no.one"),
    "unknown question": (
        {"answers.digital_options.favourite_colour": "blue"},
        "unknown question id favourite_colour",
    ),
    "missing answer": (
        {"-answers.digital_options.user_needs_evidence": None},
        "question user_needs_evidence: this question needs an answer",
    ),
    "wrong type": ({"answers.digital_options.builds_service": "sometimes"}, "expected yes or no"),
    "negative money": (
        {"answers.digital_options.estimated_cost": -5000},
        "money cannot be negative",
    ),
    "non-numeric money": (
        {"answers.digital_options.estimated_cost": "a lot"},
        "is not an amount of money",
    ),
    "unknown checklist": ({"answers.shopping_list": {"milk": True}}, "does not use"),
    "missing title": ({"-title": None}, "title: Field required"),
    "bad kind": ({"kind": "wish"}, "kind"),
    "money too large": ({"answers.digital_options.estimated_cost": 10**15}, "is too large"),
    "not a policy officer": ({"submitter": "DL"}, "is not a policy officer in EST"),
    "title over two lines": (
        {"title.en": "First line\nSecond line"},
        "title.en: must be one line of text",
    ),
    "title with a control character": (
        {"title.cy": "Teitl\x1b[31m coch"},
        "title.cy: must be one line of text",
    ),
    "title too long": ({"title.en": "T" * 201}, "title.en: is 201 characters long"),
}


def apply_change(data: dict, key: str, value) -> dict:
    remove = key.startswith("-")
    parts = key.lstrip("-").split(".")
    target = data
    for part in parts[:-1]:
        target = target[part]
    if remove:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value
    return data


@pytest.mark.parametrize("case", list(BAD_SUBMISSIONS), ids=list(BAD_SUBMISSIONS))
def test_bad_submission_is_refused_and_nothing_written(initialised, capsys, tmp_path, case):
    change, message = BAD_SUBMISSIONS[case]
    if isinstance(change, str):
        path = tmp_path / "broken.yaml"
        path.write_text(change, encoding="utf-8")
        file = str(path)
    else:
        data = submission_data(submitter=people_in("EST"))
        for key, value in change.items():
            apply_change(data, key, digital_leader("EST") if value == "DL" else value)
        file = write(tmp_path, data)
    before = counts(initialised)
    code, _out, err = dfr(capsys, "submit", file)
    assert code != 0
    assert message in err
    assert err.startswith("Error: ")
    assert counts(initialised) == before


def example_submission(example: str = "01-policy-no-digital-service.yaml") -> dict:
    return yaml.safe_load((EXAMPLES / example).read_text())["submission"]


def submitter_of(example: str) -> str:
    return example_submission(example)["submitter"]


@dataclass(frozen=True)
class BadDecision:
    """A decision on example 01 that is refused with `message`: by default its Digital Leader
    approves its digital-options review; each case changes one thing."""

    message: str
    who: str = "LEADER"
    stage: str = "digital_options_review"
    outcome: str = "approve"
    reference: str = "1"
    extra: tuple[str, ...] = ()


BAD_DECISIONS = {
    "stage not open": BadDecision("not open for a decision", stage="category_review"),
    "without the role": BadDecision(
        "Only the DG's Digital Leader or the Digital Centre of Excellence can decide",
        who="CATEGORY",
    ),
    "by the submitter": BadDecision("separation of duties", who="SUBMITTER"),
    "unknown outcome": BadDecision("Unknown outcome rubber_stamp", outcome="rubber_stamp"),
    "unknown submission": BadDecision("No submission 99", reference="99"),
    "bad condition": BadDecision(
        "must start with its due date", extra=("--condition", "soon do it")
    ),
}


@pytest.mark.parametrize("case", list(BAD_DECISIONS), ids=list(BAD_DECISIONS))
def test_bad_decision_is_refused_and_nothing_written(submitted, capsys, case):
    bad = BAD_DECISIONS[case]
    example = example_submission()
    actor = {
        "LEADER": digital_leader(example["dg"]),
        "CATEGORY": role_holder("category_manager"),
        "SUBMITTER": example["submitter"],
    }[bad.who]
    before = counts(submitted)
    args = decide_command(bad.reference, bad.stage, bad.outcome, "Because", actor, *bad.extra)
    code, _out, err = dfr(capsys, *args)
    assert code != 0
    assert bad.message in err
    assert counts(submitted) == before


@pytest.mark.parametrize("lang", ["fr", "CY", "english"])
def test_unsupported_language_is_refused(capsys, lang):
    code, _out, err = dfr(capsys, "--lang", lang, "checklists", "list")
    assert code == 2
    assert "--lang must be cy or en" in err and "Rhaid i --lang" in err


def change_behind_the_log(url: str, statement: str) -> None:
    """`statement` run on the database directly, as someone going round dfr would."""
    from sqlalchemy import text

    with engine_for(url).begin() as conn:
        conn.execute(text(statement))


def failed_verify(capsys, *options: str) -> str:
    """What `dfr audit verify` says on stderr, having failed (exit code 3)."""
    code, _out, err = dfr(capsys, *options, "audit", "verify")
    assert code == 3, err
    return err


def test_tampering_makes_audit_verify_fail(submitted, capsys):
    change_behind_the_log(submitted, "UPDATE decision_log SET actor_id = 'mallory' WHERE seq = 1")
    assert "BROKEN at entry 1" in failed_verify(capsys)


def test_a_table_changed_behind_the_log_is_named_without_an_entry_number(submitted, capsys):
    change_behind_the_log(submitted, "UPDATE submission SET state = 'approved' WHERE id = 1")
    err = failed_verify(capsys)
    assert "Decision log BROKEN: submission DFR-00001 is approved but the decision log says" in err
    assert "None" not in err


def truncate_the_log(url: str, drop: int) -> int:
    """Delete the newest entries and point the head at the new last one; returns its seq."""
    from sqlalchemy import text

    with engine_for(url).begin() as conn:
        last = conn.execute(text("SELECT MAX(seq) FROM decision_log")).scalar_one() - drop
        conn.execute(text("DELETE FROM decision_log WHERE seq > :k"), {"k": last})
        conn.execute(
            text(
                "UPDATE decision_log_head SET seq = :k, hash = (SELECT hash FROM decision_log "
                "WHERE seq = :k) WHERE id = 1"
            ),
            {"k": last},
        )
    return last


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", "the head of the log (entry {seq}) does not match its anchor"),
        ("cy", "nid yw pen y log (cofnod {seq}) yn cyfateb i'w angor"),
    ],
)
def test_a_truncated_log_with_a_rewritten_head_fails_audit_verify(submitted, capsys, lang, words):
    code, out, _err = dfr(capsys, "audit", "verify")
    assert code == 0 and "Decision log intact" in out
    head = truncate_the_log(submitted, 1)
    assert words.format(seq=head) in failed_verify(capsys, "--lang", lang)


def test_audit_anchor_re_anchors_a_log_that_verifies(submitted, capsys):
    # as a log written before anchors
    change_behind_the_log(submitted, "DELETE FROM decision_log_head WHERE id = 2")
    assert "has no anchor" in failed_verify(capsys)
    code, out, err = dfr(capsys, "audit", "anchor")
    assert code == 0, err
    assert "is anchored with the audit key" in out
    code, out, _err = dfr(capsys, "audit", "verify")
    assert code == 0 and "Decision log intact" in out


def test_checklists_commands(capsys):
    code, out, _ = dfr(capsys, "checklists", "list")
    assert code == 0 and "digital_options v1 [published]" in out
    code, out, _ = dfr(capsys, "checklists", "validate")
    assert code == 0 and "7 checklist versions are valid" in out
    code, _out, err = dfr(capsys, "checklists", "show", "no_such")
    assert code != 0 and "Unknown checklist no_such" in err


def test_internal_error_shows_an_id_not_a_traceback(initialised, capsys, monkeypatch, tmp_path):
    import models.queries

    def broken(*_args, **_kwargs):
        raise RuntimeError("database exploded: secret=hunter2")

    monkeypatch.setenv("DFR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setattr(models.queries, "open_tasks", broken)
    code, out, err = dfr(capsys, "tasks")
    assert code == 70
    assert "Internal error (id " in err and "Nothing was changed" in err  # it only reads
    assert "Traceback" not in err + out and "hunter2" not in err + out
    assert "hunter2" in (tmp_path / "var" / "dfr.log").read_text()


def test_tasks_for_an_unknown_person(initialised, capsys):
    code, _out, err = dfr(capsys, "tasks", "--assignee", "nobody.here")
    assert code == 2 and "Unknown person nobody.here" in err


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d, "Cannot read"),  # a folder, not a file
        (
            lambda d: (d / "latin1.yaml").write_bytes(b"title: caf\xe9\n") and d / "latin1.yaml",
            "is not UTF-8 text",
        ),
    ],
    ids=["folder", "not utf-8"],
)
def test_unreadable_files_are_refused_clearly(initialised, capsys, tmp_path, make, message):
    code, _out, err = dfr(capsys, "submit", str(make(tmp_path)))
    assert code == 2 and message in err


def test_odd_references_and_usage_errors_are_refused_clearly(submitted, capsys):
    for args in (
        ["show", "99999999999999999999999"],
        ["show", "DFR-abc"],
        ["show", "-1"],
        ["decide"],
        ["no-such-command"],
    ):
        code, _out, err = dfr(capsys, *args)
        assert code == 2, args
        assert "Error" in err and "Internal error" not in err


def test_a_ratings_file_must_be_a_mapping(submitted, capsys, tmp_path):
    path = tmp_path / "ratings.yaml"
    path.write_text("- w01\n- w02\n", encoding="utf-8")
    leader = digital_leader(example_submission()["dg"])
    code, _out, err = dfr(
        capsys,
        *decide_command(
            "1", "digital_options_review", "approve", "x", leader, "--ratings-file", str(path)
        ),
    )
    assert code == 2 and "must map each standard to a rating" in err


def test_loading_directorates_alone_keeps_digital_leaders(initialised, capsys, tmp_path):
    dgs = yaml.safe_load((ROOT / "examples" / "directorates.yaml").read_text())
    for dg in dgs["directorates"]:
        dg.pop("digital_leader")
    code, _out, err = dfr(capsys, "init", "--directory", write(tmp_path, dgs, "dgs.yaml"))
    assert code == 0, err
    from models.directory import Directorate

    with session_scope(engine_for(initialised)) as session:
        assert session.get(Directorate, "EST").digital_leader_id == digital_leader("EST")


def test_reassign_delegate_and_notifications_from_the_command_line(
    initialised, capsys, tmp_path, monkeypatch
):
    monkeypatch.setenv("DFR_OUTBOX_DIR", str(tmp_path / "outbox"))
    code, _out, err = dfr(capsys, "submit", str(EXAMPLES / "01-policy-no-digital-service.yaml"))
    assert code == 0, err
    leader = digital_leader(example_submission()["dg"])
    coe = role_holder("coe")
    admin = role_holder("admin")

    def leader_covers_for_coe(starts: str, ends: str, reason: str) -> tuple[int, str, str]:
        cover = ["delegate", coe, "--to", leader, "--as", admin]
        return dfr(capsys, *cover, "--from", starts, "--until", ends, "--reason", reason)

    code, out, err = dfr(
        capsys,
        "reassign",
        "1",
        "--stage",
        "digital_options_review",
        "--to",
        coe,
        "--reason",
        "Leader is on the project board",
        "--as",
        admin,
    )
    assert code == 0, err
    assert f"assigned to {name_of(coe)}" in out  # by name, not by id
    code, out, err = leader_covers_for_coe("2026-01-01", "2099-12-31", "Secondment")
    assert code == 0, err
    assert "1 open review moved" in out
    code, out, _ = dfr(capsys, "notifications", "list")
    assert code == 0 and "[delivered] outbox" in out
    assert sorted((tmp_path / "outbox").glob("*.md"))
    code, out, _ = dfr(capsys, "notifications", "retry")
    assert code == 0 and "0 failed notifications queued again" in out
    code, _out, err = leader_covers_for_coe("soon", "later", "x")
    assert code == 2 and "must be dates" in err


def test_remind_now_from_the_command_line(initialised, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DFR_OUTBOX_DIR", str(tmp_path / "outbox"))
    code, _out, err = dfr(capsys, "submit", str(EXAMPLES / "01-policy-no-digital-service.yaml"))
    assert code == 0, err
    code, out, err = dfr(capsys, "remind", "--today", "2099-01-05")  # long overdue
    assert code == 0, err
    assert "Reminders: 1 submission chased" in out
    code, out, _ = dfr(capsys, "remind", "--today", "2099-01-05")
    assert "Reminders: 0 submissions chased" in out  # nothing twice
    code, _out, err = dfr(capsys, "remind")
    assert code == 2 and "--now" in err


def test_export_and_import_from_the_command_line(submitted, capsys, tmp_path):
    target = tmp_path / "backup.jsonl"
    code, out, err = dfr(capsys, "export", str(target))
    assert code == 0, err
    assert "Exported" in out and target.read_text().startswith('{"format": "dfr-export/1"}')
    code, _out, err = dfr(capsys, "import", str(target))
    assert code == 2 and "empty database" in err  # the data is still there: refused, unchanged
    code, _out, err = dfr(capsys, "import", str(tmp_path / "missing.jsonl"))
    assert code != 0 and "missing.jsonl" in err


def test_submit_many_stops_at_a_bad_line_and_resumes_from_it(
    initialised, capsys, tmp_path, monkeypatch
):
    """An import from another system: the chunks before a bad line are stored and their people
    told; the message names the line and the command to resume with, which stores the rest."""
    monkeypatch.setenv("DFR_OUTBOX_DIR", str(tmp_path / "outbox"))
    rows = [submission_data(dg="DfES", submitter="angharad.wyn") for _ in range(52)]
    bad = dict(rows[50])
    del bad["title"]
    path = tmp_path / "import.jsonl"

    def write_lines(line_51) -> None:
        lines = [*rows[:50], line_51, rows[51]]
        path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")

    write_lines(bad)
    code, out, err = dfr(capsys, "submit-many", str(path), "--per-transaction", "25")
    assert code != 0 and "Line 51" in err and "import again from line 51" in err
    assert counts(initialised)[0] == 50  # the first two chunks (lines 1-50) were stored
    told = len(list((tmp_path / "outbox").iterdir()))
    assert told >= 100  # each submitter and first reviewer, for 50 submissions

    write_lines(rows[50])
    code, out, err = dfr(capsys, "submit-many", str(path), "--from-line", "51")
    assert code == 0, err
    assert "Stored and routed 2 submissions" in out and "delivered" in out
    assert counts(initialised)[0] == 52
    assert len(list((tmp_path / "outbox").iterdir())) > told


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["missing.jsonl"], "File not found"),
        (["import.jsonl", "--from-line", "0"], "--from-line must be 1 or more"),
        (["import.jsonl", "--per-transaction", "0"], "--per-transaction must be from 1 to 5000"),
    ],
)
def test_submit_many_refuses_bad_arguments_and_stores_nothing(
    initialised, capsys, tmp_path, monkeypatch, args, says
):
    (tmp_path / "import.jsonl").write_text(json.dumps(submission_data()) + "\n")
    monkeypatch.chdir(tmp_path)
    code, _out, err = dfr(capsys, "submit-many", *args)
    assert code != 0 and says in err
    assert counts(initialised) == (0, 0)


@pytest.mark.parametrize(
    ("count", "english", "welsh"),
    [
        (1, "History: 1 decision-log entry", "Hanes: 1 cofnod yn y log penderfyniadau"),
        (2, "History: 2 decision-log entries", "Hanes: 2 gofnod yn y log penderfyniadau"),
        (3, "History: 3 decision-log entries", "Hanes: 3 chofnod yn y log penderfyniadau"),
        (4, "History: 4 decision-log entries", "Hanes: 4 cofnod yn y log penderfyniadau"),
        (6, "History: 6 decision-log entries", "Hanes: 6 chofnod yn y log penderfyniadau"),
    ],
)
def test_counts_read_as_words_with_welsh_mutations(count, english, welsh):
    """Babel's plural forms: English singular and plural, Welsh's six forms (2 gofnod, 3 and 6
    chofnod)."""
    from dfr.i18n import ngettext

    singular, plural = (
        "History: {count} decision-log entry",
        "History: {count} decision-log entries",
    )
    assert ngettext(singular, plural, count, "en").format(count=count) == english
    assert ngettext(singular, plural, count, "cy").format(count=count) == welsh


def test_audit_verify_counts_its_entries_in_each_language(submitted, capsys):
    code, out, _err = dfr(capsys, "audit", "verify")
    entries = int(out.split("Decision log intact: ")[1].split()[0])
    assert code == 0 and entries == 2
    assert "Decision log intact: 2 entries verified." in out
    code, out, _err = dfr(capsys, "--lang", "cy", "audit", "verify")
    assert "Mae'r log penderfyniadau yn gyfan: gwiriwyd 2 gofnod." in out


def test_show_reads_like_the_submission_page(initialised, capsys, checklist_registry):
    """Names, not ids; the risk rating and the extra scrutiny; stages by round; nobody
    "assigned to unassigned"; the system named where no person acted; in both languages."""
    from services.scenarios import run_scenario

    run_scenario(
        engine_for(initialised), checklist_registry, EXAMPLES / "07-request-changes-resubmit.yaml"
    )
    code, out, err = dfr(capsys, "show", "1")
    assert code == 0, err
    assert "Policy initiative for " in out and "submitted by " in out
    assert "Risk rating: low" in out
    assert "  Round 2\n" in out and "  Round 1\n" in out
    assert "unassigned" not in out and "None" not in out
    assert "(the system)" in out
    assert "Review opened" in out and "task.opened" not in out
    submitter = yaml.safe_load((EXAMPLES / "07-request-changes-resubmit.yaml").read_text())
    submitter_id = submitter["submission"]["submitter"]
    assert f"submitted by {name_of(submitter_id)}" in out and submitter_id not in out
    code, out, err = dfr(capsys, "--lang", "cy", "show", "1")
    assert code == 0, err
    assert "Sgôr risg: isel" in out and "  Rownd 2\n" in out and "(y system)" in out
    assert "Risk rating" not in out and "Round 2" not in out


def test_a_service_with_120000_transactions_shows_medium_risk_and_its_panel(initialised, capsys):
    code, out, err = dfr(capsys, "submit", str(EXAMPLES / "02-new-service-alpha-amber.yaml"))
    assert code == 0, err
    assert "Risk rating: medium" in out
    assert "the service assessment panel is led by the Digital Centre of Excellence" in out
    code, out, err = dfr(capsys, "show", "1")
    assert "Risk rating: medium" in out
    assert "Extra scrutiny: the Digital Centre of Excellence reviews the digital options" in out


@pytest.mark.parametrize(
    ("dgs", "people", "english", "welsh"),
    [
        (1, 1, "with 1 DG and 1 person.", "(1 Gyfarwyddiaeth Gyffredinol; 1 person)."),
        (2, 2, "with 2 DGs and 2 people.", "(2 Gyfarwyddiaeth Gyffredinol; 2 berson)."),
        (3, 3, "with 3 DGs and 3 people.", "(3 Cyfarwyddiaeth Gyffredinol; 3 pherson)."),
        (1, 3, "with 1 DG and 3 people.", "(1 Gyfarwyddiaeth Gyffredinol; 3 pherson)."),
        (5, 10, "with 5 DGs and 10 people.", "(5 o Gyfarwyddiaethau Cyffredinol; 10 o bobl)."),
    ],
)
def test_init_says_how_many_dgs_and_people_it_loaded_in_each_language(
    database_url, capsys, tmp_path, dgs, people, english, welsh
):
    """Each number takes its own noun: English "1 DG", "1 person"; Welsh mutates the noun after
    2 and 3 ("2 berson", "3 pherson") and says "o" and the plural from 5 on."""
    letters = "ABCDEFGHIJ"
    directory = {
        "directorates": [
            {"code": f"D{letters[n]}", "name": {"cy": f"CG {n}", "en": f"DG {n}"}}
            for n in range(dgs)
        ],
        "people": [
            {"id": f"person.{n}", "name": f"Person {n}", "email": f"person.{n}@example.org"}
            for n in range(people)
        ],
    }
    path = tmp_path / "directory.yaml"
    path.write_text(yaml.safe_dump(directory), encoding="utf-8")
    code, out, err = dfr(capsys, "init", "--directory", str(path))
    assert code == 0, err
    assert out.startswith("Ready: ") and out.rstrip("\n").endswith(f" {english}")
    code, out, err = dfr(capsys, "--lang", "cy", "init", "--directory", str(path))
    assert code == 0, err
    assert out.startswith("Yn barod: ") and out.rstrip("\n").endswith(f" {welsh}")
