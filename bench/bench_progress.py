"""The quarterly progress report for a year of data: 5,000 submissions over four quarters
(their first-round digital-options answers, review tasks, decisions, conditions and decision-log
entries), and 30 services with 24 months of returns, in SQLite. The report for the year's last
quarter is generated (its figures) and published (HTML and PDF in Welsh and English), as the
CoE would; target: under 30 s.

The year is written with bulk inserts (bench data: the log entries are not hash-chained; the
report reads them, it does not verify them). The measured part runs in a forked child, so its
peak RSS (from `wait4`) is the report's alone, with the Python start-up and the data loading
left out.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import col, select

from bench.fixtures import load_demo_directory, submission_row
from checklists.loader import registry
from harness.samples import DIGITAL_OPTIONS
from models.audit import LogEntry, LogHead, anchor_head
from models.db import dispose_engine, engine_for, session_scope
from models.migrate import upgrade
from models.progress_report import ProgressReportFile
from models.quarter import Quarter
from models.register_kpis import months_ending
from models.review import Action, Decision, ReviewTask
from models.service_register import Service
from models.service_returns import FIGURES, MonthlyReturn
from models.submission import ChecklistAnswers, Submission
from services.progress_reports import generate, publish
from services.register import ensure_transaction_types

SUBMISSIONS = int(os.environ.get("DFR_BENCH_PROGRESS_SUBMISSIONS", "5000"))
QUARTER = Quarter(2026, 3)
YEAR_START = Quarter(2025, 4).start
DGS = ("EST", "DfES", "LGC", "SF", "HSS", "PSD", "FCS")
COE = "carys.llewelyn"
STAGES = ("digital_options_review", "category_review", "service_assessment")
OUTCOMES = {
    "digital_options_review": (["approve", "request_changes", "reject"], [7, 2, 1]),
    "category_review": (["approve", "approve_with_conditions", "request_changes"], [5, 3, 1]),
    "service_assessment": (["green", "amber", "red"], [4, 4, 2]),
}
FINAL = {"approve": "approved", "approve_with_conditions": "approved_with_conditions"}
FINAL |= {"reject": "rejected", "green": "approved", "amber": "approved_with_conditions"}


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC) + timedelta(
        minutes=rng.randint(0, 480)
    )


def _answers(rng: random.Random) -> dict[str, Any]:
    answers = dict(DIGITAL_OPTIONS)
    for question in ("end_to_end_digital", "assisted_digital", "welsh_language_effects"):
        answers[question] = rng.random() < 0.8
    answers["wet_ink_signature"] = rng.random() < 0.1
    answers["common_components"] = rng.sample(["notify", "pay", "one_login", "form_platform"], 2)
    return answers


def _year(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Rows for every table the report reads, one submission at a time."""
    rows: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("subs", "answers", "tasks", "decisions", "actions", "log")
    }
    days = (QUARTER.end - YEAR_START).days
    for n in range(1, SUBMISSIONS + 1):
        dg = DGS[n % len(DGS)]
        submitted = YEAR_START + timedelta(days=rng.randint(0, days))
        stage = rng.choice(STAGES)
        outcomes, weights = OUTCOMES[stage]
        decided = rng.random() < 0.85
        outcome = rng.choices(outcomes, weights)[0] if decided else None
        decided_on = submitted + timedelta(days=rng.randint(1, 30))
        decided_at = _at(decided_on, rng)
        state = FINAL.get(outcome or "", "changes_requested" if outcome else "in_review")
        if outcome == "red":
            state = "in_review"
        rows["subs"].append(
            submission_row(
                n,
                dg,
                state,
                phase=rng.choice(["alpha", "beta", "live"]) if stage == STAGES[2] else None,
                submitted_on=submitted,
                created_at=_at(submitted, rng),
                updated_at=decided_at,
            )
        )
        rows["answers"].append(
            {
                "submission_id": n,
                "round": 1,
                "checklist_id": "digital_options",
                "checklist_version": 3,
                "content_hash": "0" * 64,
                "answers": _answers(rng),
            }
        )
        rows["tasks"].append(
            {
                "id": n,
                "submission_id": n,
                "dg_code": dg,
                "stage": stage,
                "position": 1,
                "round": 1,
                "attempt": 1,
                "status": "decided" if decided else "open",
                "assignee_id": COE,
                "due_date": submitted + timedelta(days=14),
                "opened_at": _at(submitted, rng),
                "closed_at": decided_at if decided else None,
            }
        )
        if outcome is None:
            continue
        rows["decisions"].append(
            {
                "id": n,
                "task_id": n,
                "submission_id": n,
                "stage": stage,
                "outcome": outcome,
                "rationale": "r",
                "actor_id": COE,
                "decided_at": decided_at,
                "log_seq": 0,
            }
        )
        if outcome == "approve_with_conditions":
            rows["actions"].append(
                {
                    "submission_id": n,
                    "decision_id": n,
                    "kind": "condition",
                    "reference": "category_review#1",
                    "text": "Publish performance data",
                    "due_date": decided_on + timedelta(days=60),
                    "status": rng.choice(["open", "done"]),
                    "reviewed_at": decided_at + timedelta(days=30),
                }
            )
        event = "submission.completed" if outcome in FINAL else None
        if outcome == "request_changes" and rng.random() < 0.6:
            event = "submission.resubmitted"
            decided_at += timedelta(days=5)
        if event:
            payload = {"state": FINAL.get(outcome, "")} if outcome in FINAL else {"round": 2}
            rows["log"].append(
                {
                    "occurred_at": decided_at.isoformat(timespec="microseconds"),
                    "actor_id": COE,
                    "event": event,
                    "submission_id": n,
                    "payload": payload,
                    "prev_hash": "0" * 64,
                    "hash": "0" * 64,
                }
            )
    rows["log"].sort(key=lambda entry: entry["occurred_at"])
    for seq, entry in enumerate(rows["log"], start=1):
        entry["seq"] = seq
    return rows


def _register(rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    now = datetime.now(UTC)
    services = [
        {
            "id": n,
            "slug": f"service-{n}",
            "name_cy": f"Gwasanaeth {n}",
            "name_en": f"Service {n}",
            "description_cy": "d",
            "description_en": "d",
            "dg_code": DGS[n % len(DGS)],
            "transaction_type": "licence",
            "customer_type": "citizens",
            "channels": ["online", "phone", "paper"],
            "assisted_digital": True,
            "phase": "live",
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for n in range(1, 31)
    ]
    absent = [f for f in FIGURES if f.endswith(("face_to_face", "other"))]
    returns = []
    for n in range(1, 31):
        for month in months_ending(QUARTER.months[-1], 24):
            row: dict[str, Any] = {name: rng.randint(0, 1000) for name in FIGURES}
            row |= dict.fromkeys(absent)
            row["total_cost"] = Decimal(rng.randint(1000, 50000))
            returns.append(
                row
                | {
                    "service_id": n,
                    "month": month,
                    "not_applicable": absent,
                    "recorded_by_id": COE,
                    "recorded_at": now,
                    "version": 1,
                }
            )
    return services, returns


def _populate(url: str) -> None:
    engine = engine_for(url)
    load_demo_directory(engine)
    with session_scope(engine) as session:
        ensure_transaction_types(session)
    rng = random.Random(20)
    rows = _year(rng)
    services, returns = _register(rng)
    tables = [
        (Submission, rows["subs"]),
        (ChecklistAnswers, rows["answers"]),
        (ReviewTask, rows["tasks"]),
        (Decision, rows["decisions"]),
        (Action, rows["actions"]),
        (LogEntry, rows["log"]),
        (Service, services),
        (MonthlyReturn, returns),
    ]
    with engine.begin() as conn:
        for table, data in tables:
            for start in range(0, len(data), 2000):
                conn.execute(insert(table), data[start : start + 2000])
        # The head names the newest bulk entry, so the report's own entries follow it.
        conn.execute(update(LogHead).where(col(LogHead.id) == 1).values(seq=len(rows["log"])))
    with session_scope(engine) as session:
        anchor_head(session)
    dispose_engine(url)


def _report(url: str) -> dict[str, float]:
    """Generate and publish the quarter's report; the seconds each step took."""
    engine = engine_for(url)
    reg = registry()
    times: dict[str, float] = {}
    started = time.perf_counter()
    with session_scope(engine) as session:
        done = generate(session, QUARTER, COE, reg)
        received = sum(row["received"] for row in done.report.figures["outcomes"].values())
    times["figures"] = time.perf_counter() - started
    middle = time.perf_counter()
    with session_scope(engine) as session:
        report = publish(session, QUARTER, COE)
        assert report.status == "published"
        sizes = {
            f"{f.language}.{f.format}": len(f.content)
            for f in session.exec(
                select(ProgressReportFile).where(ProgressReportFile.report_id == report.id)
            )
        }
    times["publish"] = time.perf_counter() - middle
    times |= {f"bytes {name}": size for name, size in sizes.items()}
    times["total"] = time.perf_counter() - started
    times["received"] = received
    return times


def _measured_in_child(url: str) -> tuple[dict[str, float], float]:
    """Run `_report` in a forked child: its timings, and its peak RSS in MB."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(reading)
        code = 0
        try:
            os.write(writing, json.dumps(_report(url)).encode())
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(writing)
    with os.fdopen(reading) as pipe:
        text = pipe.read()
    _pid, status, usage = os.wait4(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and text, "the report failed"
    return json.loads(text), usage.ru_maxrss / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'progress.sqlite3'}"
        upgrade(url)
        started = time.perf_counter()
        _populate(url)
        loaded = time.perf_counter() - started
        times, peak = _measured_in_child(url)
    print(f"year loaded: {SUBMISSIONS:,} submissions, 30 services x 24 months ({loaded:.1f} s)")
    print(f"report {QUARTER}: {int(times['received'])} submissions received in the quarter")
    print(f"  figures (generate):              {times['figures']:6.2f} s")
    print(f"  publish (HTML + PDF, cy and en): {times['publish']:6.2f} s")
    print(f"  total:                           {times['total']:6.2f} s (target < 30 s)")
    print(f"  peak RSS of the report process:  {peak:6.0f} MB")
    sizes = ", ".join(f"{k[6:]} {v / 1024:.0f} KB" for k, v in times.items() if k[:5] == "bytes")
    print(f"  documents: {sizes}")


if __name__ == "__main__":
    main()
