"""The quarterly progress report: its figures against a small hand-built quarter (3 DGs, 8
submissions, one service with returns), generating (once per quarter), editing, publishing
(frozen, hashed in the log) and every refusal (which writes nothing).

The decisions are recorded now (the services take the clock's time), so the report is for the
quarter that contains today; one submission is moved to the quarter before it."""

from __future__ import annotations

import hashlib
import html
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import update
from sqlmodel import select

from dfr.errors import NotFoundError, TransitionError, ValidationError
from models.audit import LogEntry
from models.db import session_scope
from models.progress_report import ProgressReport, ProgressReportFile
from models.quarter import Quarter
from models.review import ReviewTask
from models.service_register import Service
from models.service_returns import FIGURES, MonthlyReturn
from models.submission import Submission
from models.working_days import london_today
from services.directory import load_directory, parse_directory
from services.intake import withdraw
from services.progress_figures import progress_figures
from services.progress_reports import (
    edit_lessons,
    generate,
    preview,
    publish,
    published_file,
    published_reports,
)
from services.register import ensure_transaction_types
from tests.factories import (
    DIGITAL_OPTIONS,
    SERVICE,
    all_green,
    approve_with_condition,
    approved_to_category_review,
    assess,
    decide,
    log_count,
    make_submission,
    request_changes_then_resubmit,
)

QUARTER = Quarter.containing(london_today())
AFTER = datetime.combine(QUARTER.next.start + timedelta(days=3), datetime.min.time(), UTC)


def _third_dg(engine) -> None:
    with session_scope(engine) as session:
        load_directory(
            session,
            parse_directory(
                {
                    "directorates": [
                        {
                            "code": "LGC",
                            "name": {"cy": "Llywodraeth Leol", "en": "Local Government"},
                            "digital_leader": "dl.lgc",
                        }
                    ],
                    "people": [
                        {"id": "dl.lgc", "name": "Leader LGC", "email": "dg@example.org"},
                        {
                            "id": "policy.lgc",
                            "name": "Policy LGC",
                            "email": "pl@example.org",
                            "roles": [{"role": "policy_officer", "dg": "LGC"}],
                        },
                    ],
                }
            ),
        )


def _returns(engine) -> None:
    """One EST service: this quarter 240 of 300 completed online, £3,000, 8 of 10 satisfied;
    the quarter before 180 of 300 online, £4,500, 5 of 10 satisfied."""
    with session_scope(engine) as session:
        ensure_transaction_types(session)
        service = Service(
            slug="fishing",
            name_cy="Pysgota",
            name_en="Fishing",
            description_cy="d",
            description_en="d",
            dg_code="EST",
            transaction_type="licence",
            customer_type="citizens",
            channels=["online", "phone"],
            phase="live",
        )
        session.add(service)
        session.flush()
        absent = [f for f in FIGURES if f.endswith(("paper", "face_to_face", "other"))]
        for months, online, cost, satisfied in (
            (QUARTER.months, 80, 1000, 8),
            (QUARTER.previous.months, 60, 1500, 5),
        ):
            for month in months:
                row: dict[str, Any] = dict.fromkeys(FIGURES, 0) | dict.fromkeys(absent)
                row |= {"started_online": 100, "completed_online": online}
                row |= {"completed_phone": 100 - online, "total_cost": Decimal(cost)}
                row |= {
                    "satisfaction_satisfied": satisfied,
                    "satisfaction_dissatisfied": 10 - satisfied,
                }
                session.add(
                    MonthlyReturn(
                        service_id=service.id or 0,
                        month=month,
                        not_applicable=absent,
                        recorded_by_id="coe.one",
                        **row,
                    )
                )


@pytest.fixture
def quarter_of_work(people, checklist_registry):
    """The hand-built quarter; the engine."""
    engine, reg = people, checklist_registry
    _third_dg(engine)
    # EST: approved; changes requested then resubmitted (no more paper, assisted digital now
    # planned); a procurement approved with a condition due by the quarter's end.
    s1 = make_submission(engine, reg)
    decide(engine, reg, s1, "digital_options_review", "approve", "dl.est")
    s2 = make_submission(engine, reg, wet_ink_signature=True, assisted_digital=False)
    request_changes_then_resubmit(engine, reg, s2, {"digital_options": dict(DIGITAL_OPTIONS)})
    s3 = approved_to_category_review(engine, reg)
    approve_with_condition(engine, reg, s3, "Publish performance data", QUARTER.end)
    # HSS: withdrawn; rejected; one received the quarter before, its review overdue.
    s4 = make_submission(engine, reg, dg="HSS", submitter="policy.hss")
    with session_scope(engine) as session:
        withdraw(session, s4, "policy.hss", "No longer needed")
    s5 = make_submission(engine, reg, dg="HSS", submitter="policy.hss")
    decide(engine, reg, s5, "digital_options_review", "reject", "dl.hss")
    s6 = make_submission(engine, reg, dg="HSS", submitter="policy.hss")
    # LGC: two services in alpha assessed, green and red.
    s7 = make_submission(engine, reg, dg="LGC", submitter="policy.lgc", **SERVICE)
    decide(engine, reg, s7, "digital_options_review", "approve", "dl.lgc")
    assess(engine, reg, s7, "green", all_green(reg))
    s8 = make_submission(engine, reg, dg="LGC", submitter="policy.lgc", **SERVICE)
    decide(engine, reg, s8, "digital_options_review", "approve", "dl.lgc")
    ratings = all_green(reg)
    ratings["w02"] = type(ratings["w02"])("red")
    assess(engine, reg, s8, "red", ratings)
    with session_scope(engine) as session:
        session.execute(
            update(Submission)
            .where(Submission.id == s6)
            .values(submitted_on=QUARTER.previous.start)
        )
        # Open reviews due after the quarter, but for s6's (due on the quarter's first day).
        session.execute(
            update(ReviewTask)
            .where(ReviewTask.status == "open")
            .values(due_date=QUARTER.next.start + timedelta(days=5))
        )
        session.execute(
            update(ReviewTask)
            .where(ReviewTask.status == "open", ReviewTask.submission_id == s6)
            .values(due_date=QUARTER.start)
        )
    _returns(engine)
    return engine


def test_the_figures_are_the_hand_worked_ones(quarter_of_work, checklist_registry):
    with session_scope(quarter_of_work) as session:
        figures = progress_figures(session, QUARTER, checklist_registry)
    zero = dict.fromkeys(
        ["approved", "approved_with_conditions", "changes_requested", "resubmitted"], 0
    )
    assert figures["outcomes"] == {
        "EST": {"received": 3, "approved": 1, "approved_with_conditions": 1,
                "changes_requested": 1, "resubmitted": 1, "rejected": 0, "withdrawn": 0},
        "HSS": {"received": 2, **zero, "rejected": 1, "withdrawn": 1},
        "LGC": {"received": 2, **zero, "approved": 1, "rejected": 0, "withdrawn": 0},
    }  # fmt: skip
    options = figures["options"]
    assert options["answered"] == 7
    assert options["yes"]["end_to_end_digital"] == 7
    assert options["yes"]["assisted_digital"] == 6
    assert options["yes"]["wet_ink_signature"] == 1
    assert options["components"] == {"notify": 7, "pay": 0, "one_login": 0, "form_platform": 0}
    changes = figures["changes"]
    assert (changes["conditions"], changes["decisions_with_conditions"]) == (1, 1)
    assert (changes["amber_actions"], changes["resubmissions"]) == (0, 1)
    assert {q: n for q, n in changes["now_yes"].items() if n} == {"assisted_digital": 1}
    assert changes["no_longer_paper"] == 1
    assert [(f["flag"], f["count"]) for f in changes["flags_cleared"]] == [("wet_ink_signature", 1)]
    assert figures["assessments"] == {"alpha": {"green": 1, "amber": 0, "red": 1}}
    assert figures["overdue"] == {
        "EST": {"digital_options_review": 0, "category_review": 0, "service_assessment": 0,
                "actions": 1},
        "HSS": {"digital_options_review": 1, "category_review": 0, "service_assessment": 0,
                "actions": 0},
    }  # fmt: skip


def test_kpi_movements_come_from_the_register_formulas(quarter_of_work, checklist_registry):
    with session_scope(quarter_of_work) as session:
        kpis = progress_figures(session, QUARTER, checklist_registry)["kpis"]
    html = render_english(kpis)
    # Take-up and completion 60% -> 80%, cost £15.00 -> £10.00, satisfaction 50% -> 80%.
    assert "Up 20.0 percentage points" in html and "Down £5.00" in html
    assert "Up 30.0 percentage points" in html and "£15.00" in html and "£10.00" in html


def render_english(kpis):
    from services.progress_render import _kpi_section

    section = _kpi_section(kpis, {"EST": "Economy"}, "en")
    return repr(section)


def test_generating_twice_keeps_one_draft_with_its_lessons(quarter_of_work, checklist_registry):
    with session_scope(quarter_of_work) as session:
        first = generate(session, QUARTER, "coe.one", checklist_registry, AFTER)
        assert first.created
    with session_scope(quarter_of_work) as session:
        edit_lessons(session, QUARTER, "coe.one", "Gwersi", "Lessons *learned*")
    with session_scope(quarter_of_work) as session:
        again = generate(session, QUARTER, None, checklist_registry, AFTER)
        assert not again.created
    with session_scope(quarter_of_work) as session:
        reports = session.exec(select(ProgressReport)).all()
        assert [(r.quarter, r.lessons_en) for r in reports] == [(str(QUARTER), "Lessons *learned*")]
        html = preview(session, QUARTER, "coe.one", "en")
    assert "<em>learned</em>" in html and "Draft: not published" in html


def test_others_are_told_there_is_no_report_and_nothing_is_written(
    quarter_of_work, checklist_registry
):
    with session_scope(quarter_of_work) as session:
        generate(session, QUARTER, "coe.one", checklist_registry, AFTER)
    before = log_count(quarter_of_work)
    refusals = [
        lambda s: generate(s, QUARTER, "policy.est", checklist_registry, AFTER),
        lambda s: edit_lessons(s, QUARTER, "dl.est", "a", "b"),
        lambda s: preview(s, QUARTER, "policy.hss", "en"),
        lambda s: publish(s, QUARTER, "cm.est"),
        lambda s: preview(s, QUARTER.previous, "coe.one", "en"),
    ]
    for refused in refusals:
        with (
            pytest.raises(NotFoundError, match="There is no progress report for 20"),
            session_scope(quarter_of_work) as session,
        ):
            refused(session)
    with (
        pytest.raises(TransitionError, match="has not ended yet"),
        session_scope(quarter_of_work) as session,
    ):
        generate(session, QUARTER.next, "coe.one", checklist_registry, AFTER)
    with pytest.raises(ValidationError, match="is not a quarter"):
        Quarter.parse("2026-Q5")
    assert log_count(quarter_of_work) == before
    with session_scope(quarter_of_work) as session:
        assert session.exec(select(ProgressReport.lessons_en)).all() == [""]
        assert published_reports(session) == []


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_publishing_freezes_both_languages_logs_their_hashes_and_refuses_changes(
    quarter_of_work, checklist_registry
):
    with session_scope(quarter_of_work) as session:
        generate(session, QUARTER, "coe.one", checklist_registry, AFTER)
        edit_lessons(session, QUARTER, "coe.one", "Dysgu **cynnar**", "Learn **early**")
    with session_scope(quarter_of_work) as session:
        publish(session, QUARTER, "coe.one")
    with session_scope(quarter_of_work) as session:
        files = {(f.language, f.format): f for f in session.exec(select(ProgressReportFile)).all()}
        entry = session.exec(
            select(LogEntry).where(LogEntry.event == "progress_report.published")
        ).one()
    assert sorted(files) == [("cy", "html"), ("cy", "pdf"), ("en", "html"), ("en", "pdf")]
    for (language, format), stored in files.items():
        assert hashlib.sha256(stored.content).hexdigest() == stored.sha256
        assert entry.payload["sha256"][language][format] == stored.sha256
    assert entry.actor_id == "coe.one"
    cy_pdf, en_pdf = files[("cy", "pdf")].content, files[("en", "pdf")].content
    assert cy_pdf.startswith(b"%PDF") and en_pdf.startswith(b"%PDF")
    assert "Digidol yn gyntaf: adroddiad cynnydd" in _pdf_text(cy_pdf)
    assert "Digital first: progress report" in _pdf_text(en_pdf)
    assert "Digital first" not in _pdf_text(cy_pdf)
    en_html = files[("en", "html")].content.decode()
    assert "<strong>early</strong>" in en_html and "Draft" not in en_html

    before = log_count(quarter_of_work)
    for change in (
        lambda s: edit_lessons(s, QUARTER, "coe.one", "Newydd", "New"),
        lambda s: publish(s, QUARTER, "coe.one"),
    ):
        with (
            pytest.raises(TransitionError, match="is published, so it cannot change"),
            session_scope(quarter_of_work) as session,
        ):
            change(session)
    with session_scope(quarter_of_work) as session:
        again = generate(session, QUARTER, None, checklist_registry, AFTER)
        assert not again.created and again.published
    assert log_count(quarter_of_work) == before
    with session_scope(quarter_of_work) as session:
        assert published_file(session, QUARTER, "en", "html").content == en_html.encode()
        assert [r.quarter for r in published_reports(session)] == [str(QUARTER)]


def test_each_language_has_none_of_the_others_words(quarter_of_work, checklist_registry):
    from services.progress_render import render_html

    with session_scope(quarter_of_work) as session:
        figures = progress_figures(session, QUARTER, checklist_registry)
    pages = {
        lang: render_html(figures, "", lang, other_language_url=f"/progress/x/{other}")
        for lang, other in (("cy", "en"), ("en", "cy"))
    }

    def words(html: str) -> set[str]:
        # The text a person reads, less the link to the other language (marked with its lang).
        text = re.sub(r"<a [^>]*lang=[^>]*>.*?</a>", " ", html)
        text = re.sub(r"<style>.*?</style>|<[^>]+>|data:image[^\"]+", " ", text, flags=re.S)
        return {w.lower() for w in re.findall(r"[^\W\d_]{4,}", text)}

    shared = {"alpha", "notify", "login", "gov.uk", "wcag"}
    english_only = words(pages["en"]) - words(pages["cy"]) - shared
    welsh_only = words(pages["cy"]) - words(pages["en"]) - shared
    assert "Digital first: progress report" in pages["en"]
    assert "Digidol yn gyntaf: adroddiad cynnydd" in pages["cy"]
    for word in ("submissions", "quarter", "overdue", "lessons", "received"):
        assert word in english_only and word not in words(pages["cy"])
    for word in ("cyflwyniadau", "chwarter", "gwersi"):
        assert word in welsh_only and word not in words(pages["en"])


def test_the_scheduled_flow_drafts_the_last_quarter_once(people):
    import asyncio

    from flows.progress import progress_report

    first = asyncio.run(progress_report.fn())
    again = asyncio.run(progress_report.fn())
    last = Quarter.last_complete(london_today())
    assert first == {"quarter": str(last), "report": "created"}
    assert again == {"quarter": str(last), "report": "refreshed"}
    with session_scope(people) as session:
        assert session.exec(select(ProgressReport.quarter)).all() == [str(last)]


def test_the_cli_generates_one_draft_and_refuses_anyone_but_the_coe(initialised, capsys):
    from dfr.cli.main import main

    last = Quarter.last_complete(london_today())
    assert main(["progress", "generate", "--as", "carys.llewelyn"]) == 0
    assert f"Draft progress report for {last} made." in capsys.readouterr().out
    assert main(["--lang", "cy", "progress", "generate", "--as", "carys.llewelyn"]) == 0
    assert f"Mae'r adroddiad cynnydd drafft ar gyfer {last} wedi'i ddiweddaru." in (
        capsys.readouterr().out
    )
    assert main(["progress", "publish", "--quarter", str(last), "--as", "angharad.wyn"]) != 0
    assert f"There is no progress report for {last}." in capsys.readouterr().err
    assert main(["progress", "generate", "--quarter", "2026-Q7", "--as", "carys.llewelyn"]) != 0
    assert "is not a quarter" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("decisions", "english", "welsh"),
    [
        (1, "Conditions set: 1 (in 1 decision).", "Amodau a osodwyd: 1 (mewn 1 penderfyniad)."),
        (2, "Conditions set: 2 (in 2 decisions).", "Amodau a osodwyd: 2 (mewn 2 benderfyniad)."),
        (3, "Conditions set: 3 (in 3 decisions).", "Amodau a osodwyd: 3 (mewn 3 phenderfyniad)."),
        (
            5,
            "Conditions set: 5 (in 5 decisions).",
            "Amodau a osodwyd: 5 (mewn 5 o benderfyniadau).",
        ),
    ],
)
def test_the_report_says_in_how_many_decisions_conditions_were_set_in_each_language(
    people, checklist_registry, capsys, tmp_path, decisions, english, welsh
):
    """English "in 1 decision"; Welsh mutates the noun after 2 and 3 ("2 benderfyniad",
    "3 phenderfyniad") and says "o" and the plural from 5 on. Read in the report the CoE saves
    with `dfr progress save`."""
    from dfr.cli.main import main

    for _n in range(decisions):
        sid = approved_to_category_review(people, checklist_registry)
        approve_with_condition(people, checklist_registry, sid, "Publish data", QUARTER.end)
    with session_scope(people) as session:
        generate(session, QUARTER, "coe.one", checklist_registry, AFTER)
    code = main(["progress", "save", str(tmp_path), "--quarter", str(QUARTER), "--as", "coe.one"])
    assert code == 0, capsys.readouterr().err
    # Each decision is on its own submission, received in the quarter.
    submissions = "submission" if decisions == 1 else "submissions"
    sent = "when it was first sent" if decisions == 1 else "when they were first sent"
    received = (
        f"recorded for the {decisions} {submissions} received in the quarter, {sent}.",
        ("ar gyfer cyflwyniad y chwarter, pan gafodd ei anfon" if decisions == 1 else
         "ar gyfer cyflwyniadau'r chwarter, pan gawsant eu hanfon")
        + f" gyntaf (daeth {decisions} i law).",
    )  # fmt: skip
    for language, line, intro in (("en", english, received[0]), ("cy", welsh, received[1])):
        page = (tmp_path / f"progress-{QUARTER.slug}.{language}.html").read_text(encoding="utf-8")
        assert f"<li>{line}</li>" in page
        assert intro in html.unescape(page)
