"""What the CLI starts after it has written something: the flows that tell people.

The change itself is committed first; starting the follow-up may fail afterwards (a Prefect
server down, a channel misconfigured). Then the command still reports what was recorded and
adds a warning: nothing is lost, because the log entries stay unannounced and the
notifications pending for the next follow-up run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from checklists.canonical import sha256_hex
from checklists.loader import Registry
from checklists.routing import Route
from dfr.cli.app import say, warn
from dfr.cli.incidents import record_incident
from dfr.errors import DfrError
from dfr.i18n import _
from flows.start import start_advance, start_intake
from models.db import session_scope
from models.queries import submission_with_intake_key
from models.submission import Submission
from services.intake import plan_submission

Report = dict[str, int] | None


@dataclass(frozen=True)
class FollowUp:
    """What came of starting the follow-up after a commit."""

    report: Report = None  # the delivery report in-process; None when workers deliver
    incident: str | None = None  # set when it could not be started (logged under this id)
    problem: str | None = None  # a domain error's message, e.g. a configuration to fix


def after_commit(start: Callable[[], Report], what: str) -> FollowUp:
    """Run `start` (a flow front door) after a commit; a failure is logged, not raised."""
    try:
        return FollowUp(report=start())
    except Exception as err:
        incident = record_incident(f"follow-up after {what} failed")
        return FollowUp(incident=incident, problem=_problem(err))


def _problem(err: Exception) -> str | None:
    """A domain error's message is meant for people (a setting to fix); anything else is not."""
    return err.message if isinstance(err, DfrError) else None


def preview(data: Any, registry: Registry) -> Route:
    """Check a submission fully (the same code intake runs) and return its route; keep nothing."""
    with session_scope(read_only=True) as session:
        return plan_submission(session, data, registry).route


def intake(data: Any) -> tuple[Submission, FollowUp]:
    """Store a submission and start telling people (idempotent on the file's content). When
    intake fails after the submission was stored, the submission is returned with a failed
    follow-up; when nothing was stored, the error is raised."""
    key = sha256_hex(data)
    try:
        start_intake(data, intake_key=key)
        outcome = FollowUp()
    except Exception as err:
        if _stored(key) is None:
            raise
        incident = record_incident("follow-up after a submission failed")
        outcome = FollowUp(incident=incident, problem=_problem(err))
    submission = _stored(key)
    assert submission is not None
    return submission, outcome


def _stored(intake_key: str) -> Submission | None:
    with session_scope(read_only=True) as session:
        return submission_with_intake_key(session, intake_key)


def tell_people(submission_ids: Sequence[int], what: str) -> FollowUp:
    """Announce and deliver what was just recorded (`what`, for the log) about these
    submissions; the report adds up their deliveries."""

    def start() -> Report:
        reports = [start_advance(sid) for sid in sorted(set(submission_ids))]
        delivered = [report for report in reports if report is not None]
        if len(delivered) < len(reports):  # the workers deliver
            return None
        return dict(sum((Counter(report) for report in delivered), Counter()))

    return after_commit(start, what)


def delivery_line(outcome: FollowUp) -> str:
    """How telling people went, in one line."""
    if outcome.incident is not None:
        line = _(
            "Warning: telling people could not be started now (id {id}); it will be retried.",
            id=outcome.incident,
        )
        return f"{line} {outcome.problem}" if outcome.problem else line
    report = outcome.report
    if report is None:
        return _("Notifications: queued; the workers will deliver them.")
    return _(
        "Notifications: {delivered} delivered, {failed} failed, {deferred} waiting to retry.",
        delivered=report.get("delivered", 0),
        failed=report.get("failed", 0),
        deferred=report.get("deferred", 0),
    )


def say_how_it_went(outcome: FollowUp, *, report: bool = True) -> None:
    """Print the delivery line (when `report`), or the warning when telling people could not
    be started."""
    if outcome.incident is not None:
        warn(delivery_line(outcome))
    elif report:
        say(delivery_line(outcome))
