"""The baseline both intake benchmarks compare against: the same submission and answer rows
written with plain SQLModel inserts — no checks, routing, tasks, log or notifications."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from models.submission import ChecklistAnswers, Submission


def insert_plain(session: Session, data: dict[str, Any]) -> None:
    row = Submission(
        kind=data["kind"],
        title_cy=data["title"]["cy"],
        title_en=data["title"]["en"],
        summary_cy=data["summary"]["cy"],
        summary_en=data["summary"]["en"],
        dg_code=data["dg"],
        submitter_id=data["submitter"],
        state="in_review",
        submitted_on=date.today(),
    )
    session.add(row)
    session.flush()
    session.add(
        ChecklistAnswers(
            submission_id=row.id or 0,
            round=1,
            checklist_id="digital_options",
            checklist_version=1,
            content_hash="0" * 64,
            answers=data["answers"]["digital_options"],
        )
    )
