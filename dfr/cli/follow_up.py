"""What the CLI starts after it has written something: the flows that tell people."""

from __future__ import annotations

from typing import Any

from checklists.canonical import sha256_hex
from checklists.loader import Registry
from checklists.routing import Route
from dfr.i18n import _
from flows.start import start_advance, start_intake
from models.db import session_scope
from models.submission import Submission
from services.intake import plan_submission


def preview(data: Any, registry: Registry) -> Route:
    """Check a submission fully (the same code intake runs) and return its route; keep nothing."""
    with session_scope(read_only=True) as session:
        return plan_submission(session, data, registry).route


def intake_and_deliver(data: Any) -> Submission:
    """Start intake (idempotent on the file's content); notifications are delivered here, or by
    the workers when flows run as deployments."""
    submission_id = start_intake(data, intake_key=sha256_hex(data))
    with session_scope() as session:
        found = session.get(Submission, submission_id)
        assert found is not None
        return found


def advance_and_deliver(submission_id: int) -> dict[str, int] | None:
    """Tell people about what was just recorded; None when the workers deliver it."""
    return start_advance(submission_id)


def delivery_line(report: dict[str, int] | None) -> str:
    if report is None:
        return _("Notifications: queued; the workers will deliver them.")
    return _(
        "Notifications: {delivered} delivered, {failed} failed, {deferred} waiting to retry.",
        delivered=report.get("delivered", 0),
        failed=report.get("failed", 0),
        deferred=report.get("deferred", 0),
    )
