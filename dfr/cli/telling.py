"""Telling people after a command has written something (`flows.start.after_commit`), and
saying how it went.

The change itself is committed first; starting the follow-up may fail afterwards (a Prefect
server down, a channel misconfigured). Then the command still reports what was recorded and
adds a warning: nothing is lost, because the log entries stay unannounced and the
notifications pending for the next follow-up run or the daily sweep.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dfr.cli.app import say, warn
from dfr.cli.incidents import log_libraries_to_file, record_incident
from dfr.errors import DfrError
from dfr.i18n import _

Report = dict[str, int] | None


@dataclass(frozen=True)
class FollowUp:
    """What came of starting the follow-up after a commit."""

    report: Report = None  # the delivery report in-process; None when workers deliver
    incident: str | None = None  # set when it could not be started (logged under this id)
    problem: str | None = None  # a domain error's message, e.g. a configuration to fix


def after_commit(start: Callable[[], Report], what: str) -> FollowUp:
    """Run `start` (a flow front door) after a commit; a failure is logged, not raised."""
    log_libraries_to_file()  # the delivery line below says how it went, in the reader's words
    try:
        return FollowUp(report=start())
    except Exception as err:
        incident = record_incident(f"follow-up after {what} failed")
        return FollowUp(incident=incident, problem=_problem(err))


def _problem(err: Exception) -> str | None:
    """A domain error's message is meant for people (a setting to fix); anything else is not."""
    return err.message if isinstance(err, DfrError) else None


def tell_people(submission_ids: Sequence[int], what: str) -> FollowUp:
    """Announce and deliver what was just recorded (`what`, for the log) about these
    submissions (`flows.start.after_commit`)."""
    import flows.start

    return after_commit(lambda: flows.start.after_commit(submission_ids), what)


def deliver_pending(what: str) -> FollowUp:
    """Send every pending notification (after a bulk import, a retry)."""
    import flows.start

    return after_commit(flows.start.start_delivery, what)


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
