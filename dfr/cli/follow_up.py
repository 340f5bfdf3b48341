"""What the CLI starts after it has written something: the flows that tell people."""

from __future__ import annotations

from collections.abc import Iterable

import flows.start
from dfr.i18n import _


def after_commit(submission_ids: Iterable[int]) -> dict[str, int] | None:
    """Tell people about what was just recorded; None when the workers deliver it."""
    return flows.start.after_commit(submission_ids)


def delivery_line(report: dict[str, int] | None) -> str:
    if report is None:
        return _("Notifications: queued; the workers will deliver them.")
    return _(
        "Notifications: {delivered} delivered, {failed} failed, {deferred} waiting to retry.",
        delivered=report.get("delivered", 0),
        failed=report.get("failed", 0),
        deferred=report.get("deferred", 0),
    )
