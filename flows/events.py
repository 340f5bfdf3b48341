"""Domain events as Prefect events, one per decision-log entry, each emitted once.

Operators can attach Prefect automations to them without code: every event names the
submission as its resource and the DG (and people) as related resources.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from flows import event_batches
from models.audit import LogEntry
from models.submission import Submission
from services.announce import record_emissions, unpublished_entries

EVENT_NAMES = {
    "submission.submitted": "dfr.submission.submitted",
    "submission.resubmitted": "dfr.submission.resubmitted",
    "submission.withdrawn": "dfr.submission.withdrawn",
    "submission.completed": "dfr.submission.completed",
    "submission.acknowledged": "dfr.submission.acknowledged",
    "task.opened": "dfr.task.assigned",
    "task.reassigned": "dfr.task.assigned",
    "decision.recorded": "dfr.decision.recorded",
    "action.reported_done": "dfr.action.reported_done",
    "action.confirmed": "dfr.action.confirmed",
    "action.sent_back": "dfr.action.sent_back",
    "assessment.booked": "dfr.assessment.booked",
    "panel.member_replaced": "dfr.panel.member_replaced",
    "panel.interests_declared": "dfr.panel.interests_declared",
    "panel.conflict_declared": "dfr.panel.conflict_declared",
    "assessment.evidence_added": "dfr.assessment.evidence_added",
    "assessment.rated": "dfr.assessment.rated",
    "report.drafted": "dfr.report.drafted",
    "report.sent": "dfr.report.sent",
    "report.accepted": "dfr.report.accepted",
    "report.accepted_by_silence": "dfr.report.accepted",
    "report.challenged": "dfr.report.challenged",
    "report.challenge_decided": "dfr.report.challenge_decided",
    "report.feedback_given": "dfr.report.feedback_given",
    "report.published": "dfr.report.published",
    "report.corrected": "dfr.report.corrected",
    "report.withdrawn": "dfr.report.withdrawn",
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
    emitted: list[tuple[int, str]] = []
    documents = []
    for entry, submission in unpublished_entries(session, submission_ids):
        name = event_name(entry)
        if name is None or (entry.event == "task.opened" and not entry.payload.get("assignee_id")):
            emitted.append((entry.seq, "-"))
            continue
        documents.append(event_document(entry, submission, name))
        emitted.append((entry.seq, name))
    event_batches.publish(documents)
    record_emissions(session, emitted)
    return len(documents)
