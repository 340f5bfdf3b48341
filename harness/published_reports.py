"""Many published assessment reports written at once (bulk inserts, no decision-log history),
for the finder's tests and the benchmark: each has a snapshot of the real shape, a DG, phase,
result and assessment date chosen in turn, and words to search for."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine

from models.assessment_report import AssessmentReport
from models.published_report import (
    PublishedReport,
    PublishedReportVersion,
    content_hash,
    search_text,
)
from models.review import Decision, ReviewTask
from models.submission import Submission

PHASES = ("alpha", "beta", "live")
RESULTS = ("green", "amber", "red")
TOPICS = ("bus passes", "fishing licences", "school meals", "planning appeals", "blue badges")
TOPICS_CY = ("tocynnau bws", "trwyddedau pysgota", "prydau ysgol", "apeliadau cynllunio",
             "bathodynnau glas")  # fmt: skip


def sample_snapshot(n: int, dg: str, phase: str, result: str, assessed_on: date) -> dict[str, Any]:
    """The public content of report number `n`: 14 standards, both languages."""
    topic, topic_cy = TOPICS[n % len(TOPICS)], TOPICS_CY[n % len(TOPICS)]
    return {
        "reference": f"DFR-{n:05d}",
        "service_name": {"cy": f"Gwneud cais am {topic_cy} {n}", "en": f"Apply for {topic} {n}"},
        "description": {"cy": f"Gwasanaeth {topic_cy}.", "en": f"A service for {topic}."},
        "dg": dg,
        "dg_name": {"cy": f"Cyfarwyddiaeth {dg}", "en": f"Directorate {dg}"},
        "phase": phase,
        "reassessment": n % 7 == 0,
        "assessed_on": assessed_on.isoformat(),
        "result": result,
        "lead_assessor": "Siân Davies",
        "panel": ["lead", "design", "technical", "user_research"],
        "summary": {"cy": f"Crynodeb yr asesiad o {topic_cy}.", "en": f"Summary of {topic}."},
        "standards": [
            {
                "id": f"w{k:02d}",
                "number": k,
                "name": {"cy": f"{k}. Safon {k}", "en": f"{k}. Standard {k}"},
                "rating": result if k == 12 else "green",
                "done_well": {
                    "cy": "Gwaith da ar y gwasanaeth.",
                    "en": "Good work on the service.",
                },
                "to_explore": {"cy": "", "en": ""},
            }
            for k in range(1, 15)
        ],
    }


def write_published_reports(
    engine: Engine, count: int, dgs: tuple[str, ...], publisher: str, *, first: date
) -> None:
    """`count` published reports (and their submissions and reports), report n assessed
    `n` days after `first`, in batches of 1,000 rows."""
    now = datetime(first.year, first.month, first.day, tzinfo=UTC)
    for start in range(1, count + 1, 1000):
        numbers = range(start, min(count, start + 999) + 1)
        subs, reports, published, versions = [], [], [], []
        for n in numbers:
            dg, phase = dgs[n % len(dgs)], PHASES[n % 3]
            result, assessed = RESULTS[(n // 3) % 3], first + timedelta(days=n)
            snapshot = sample_snapshot(n, dg, phase, result, assessed)
            slug = f"dfr-{n:05d}-{phase}-{assessed.isoformat()}"
            subs.append({"id": n, "kind": "initiative", "title_cy": "t", "title_en": "t",
                         "summary_cy": "s", "summary_en": "s", "dg_code": dg,
                         "submitter_id": publisher, "state": "approved", "phase": phase,
                         "submitted_on": first, "round": 1, "version": 1,
                         "created_at": now, "updated_at": now})  # fmt: skip
            reports.append({"id": n, "submission_id": n, "lead_id": publisher,
                            "assessed_on": assessed, "due_date": assessed, "result": result,
                            "summary_cy": "", "summary_en": "", "status": "accepted"})  # fmt: skip
            published.append({"id": n, "report_id": n, "submission_id": n, "slug": slug,
                              "status": "published", "version": 1, "dg_code": dg,
                              "phase": phase, "reassessment": snapshot["reassessment"],
                              "result": result, "assessed_on": assessed,
                              "title_cy": snapshot["service_name"]["cy"],
                              "title_en": snapshot["service_name"]["en"],
                              "search_text": search_text(snapshot, slug),
                              "first_published_at": now + timedelta(days=n),
                              "withdrawn_reason_cy": "", "withdrawn_reason_en": ""})  # fmt: skip
            versions.append({"published_id": n, "version": 1, "snapshot": snapshot,
                             "content_hash": content_hash(snapshot),
                             "published_at": now + timedelta(days=n), "published_by_id": publisher,
                             "reason_cy": "", "reason_en": "", "log_seq": 0})  # fmt: skip
        tasks = [{"id": n, "submission_id": n, "dg_code": dgs[n % len(dgs)],
                  "stage": "service_assessment", "position": 2, "round": 1, "attempt": 1,
                  "status": "decided"} for n in numbers]  # fmt: skip
        decisions = [{"id": n, "task_id": n, "submission_id": n, "stage": "service_assessment",
                      "outcome": r["result"], "rationale": "", "actor_id": publisher,
                      "decided_at": now, "log_seq": 0}
                     for n, r in zip(numbers, reports, strict=True)]  # fmt: skip
        for report in reports:
            report["task_id"] = report["decision_id"] = report["id"]
        with engine.begin() as conn:
            conn.execute(insert(Submission), subs)
            conn.execute(insert(ReviewTask), tasks)
            conn.execute(insert(Decision), decisions)
            conn.execute(insert(AssessmentReport), reports)
            conn.execute(insert(PublishedReport), published)
            conn.execute(insert(PublishedReportVersion), versions)
    if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        with engine.begin() as conn:
            for table in ("submission", "review_task", "decision", "assessment_report",
                          "published_report", "published_report_version"):  # fmt: skip
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                ))  # fmt: skip
