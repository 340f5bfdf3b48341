"""Domain events as Prefect events, one per decision-log entry, each emitted once.

Operators can attach Prefect automations to them without code: every event names the
submission as its resource and the DG (and people) as related resources.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from flows import event_batches
from models.audit import EventEmission, LogEntry
from models.submission import Submission

EVENT_NAMES = {
    "submission.submitted": "dfr.submission.submitted",
    "submission.resubmitted": "dfr.submission.resubmitted",
    "submission.withdrawn": "dfr.submission.withdrawn",
    "submission.completed": "dfr.submission.completed",
    "task.opened": "dfr.task.assigned",
    "task.reassigned": "dfr.task.assigned",
    "decision.recorded": "dfr.decision.recorded",
}
_NAMESPACE = uuid.UUID("8d3b7f52-5a2e-4c59-9d0e-2f6f0c1f7a11")


def event_name(entry: LogEntry) -> str | None:
    if entry.event == "reminder.sent":
        escalated = entry.payload.get("step") in ("escalation", "second_escalation")
        return "dfr.item.overdue" if escalated else "dfr.reminder.sent"
    return EVENT_NAMES.get(entry.event)


def event_id(entry: LogEntry) -> uuid.UUID:
    """Stable per log entry, so a repeat emission is recognisably the same event."""
    return uuid.uuid5(_NAMESPACE, f"{entry.seq}:{entry.hash}")


def resources(
    entry: LogEntry, submission: Submission
) -> tuple[dict[str, str], list[dict[str, str]]]:
    resource = {
        "prefect.resource.id": f"dfr.submission.{submission.id}",
        "prefect.resource.name": submission.reference,
        "dfr.dg": submission.dg_code,
        "dfr.kind": submission.kind,
    }
    related = [
        {"prefect.resource.id": f"dfr.dg.{submission.dg_code}", "prefect.resource.role": "dg"}
    ]
    if entry.actor_id:
        related.append(
            {
                "prefect.resource.id": f"dfr.person.{entry.actor_id}",
                "prefect.resource.role": "actor",
            }
        )
    assignee = entry.payload.get("assignee_id")
    if assignee:
        related.append(
            {"prefect.resource.id": f"dfr.person.{assignee}", "prefect.resource.role": "assignee"}
        )
    return resource, related


_BATCH = 500  # ids per IN (...) list
_ANNOUNCE_LOCK = 0x0DF2_A770  # PostgreSQL advisory lock key; SQLite writers are serial anyway


def lock_announcing(session: Session) -> None:
    """Announcing (queueing notifications, recording emissions) one at a time across
    processes, until the caller's transaction ends: a bulk intake publishing its events and a
    follow-up run catching up may reach the same log entries."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ANNOUNCE_LOCK})


def event_document(entry: LogEntry, submission: Submission, name: str) -> dict[str, Any]:
    """The Prefect event for one log entry, as a JSON document in Prefect's event schema."""
    resource, related = resources(entry, submission)
    return {
        "id": str(event_id(entry)),
        "occurred": datetime.fromisoformat(entry.occurred_at).isoformat(),
        "event": name,
        "resource": resource,
        "related": related,
        "payload": {k: v for k, v in entry.payload.items() if k != "rationale"}
        | {"log_seq": entry.seq},
    }


def emit_pending_events(engine: Engine, submission_ids: Iterable[int]) -> int:
    """Emit these submissions' log entries that have no emission record yet; return how many.

    A few queries per 500 submissions, whatever their number: entries and submissions are read
    in batches and the emission records written with one executemany."""
    from flows.steps import orchestrated

    if not orchestrated():
        return 0  # no Prefect server to receive them (embedded, in-process run)
    with Session(engine) as session:
        emitted = emit_in(session, submission_ids)
        session.commit()
        return emitted


def emit_in(session: Session, submission_ids: Iterable[int]) -> int:
    """`emit_pending_events` inside the caller's transaction (the emission records commit with
    it); the caller makes sure a Prefect API is there to receive the events."""
    if not event_batches.enabled():
        return 0
    lock_announcing(session)
    ids = sorted(set(submission_ids))
    submissions: dict[int, Submission] = {}
    entries: list[LogEntry] = []
    done = select(EventEmission.log_seq)
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        submissions.update(
            (s.id or 0, s)
            for s in session.exec(select(Submission).where(col(Submission.id).in_(batch)))
        )
        entries += session.exec(
            select(LogEntry).where(
                col(LogEntry.submission_id).in_(batch), col(LogEntry.seq).not_in(done)
            )
        ).all()
    records, documents = [], []
    for entry in sorted(entries, key=lambda e: e.seq):
        submission = submissions.get(entry.submission_id or 0)
        name = event_name(entry)
        if submission is None:
            continue
        if name is None or (entry.event == "task.opened" and not entry.payload.get("assignee_id")):
            records.append({"log_seq": entry.seq, "event": "-", "emitted_at": datetime.now(UTC)})
            continue
        documents.append(event_document(entry, submission, name))
        records.append({"log_seq": entry.seq, "event": name, "emitted_at": datetime.now(UTC)})
    event_batches.publish(documents)
    if records:
        session.connection().execute(insert(EventEmission.__table__), records)  # type: ignore[attr-defined]
    return len(documents)


def unannounced_submissions(session: Session, limit: int) -> list[int]:
    """Submissions with log entries not yet published (so not yet announced), oldest first."""
    done = select(EventEmission.log_seq)
    rows = session.exec(
        select(LogEntry.submission_id)
        .where(col(LogEntry.submission_id).is_not(None), col(LogEntry.seq).not_in(done))
        .group_by(col(LogEntry.submission_id))
        .order_by(func.min(LogEntry.seq))
        .limit(limit)
    ).all()
    return [sid for sid in rows if sid is not None]
