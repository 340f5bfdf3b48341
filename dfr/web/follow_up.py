"""After a page has written something: tell people (notifications, Prefect events) through the
flows' front door — a worker's follow-up run in production, the flows in-process otherwise —
after the response has gone, so nobody waits on orchestration."""

from __future__ import annotations

import logging

from flows.start import start_advance

log = logging.getLogger("dfr.web")


def start_follow_up(submission_id: int) -> None:
    """Queue and deliver what the decision log owes people. Safe to run twice. A failure here
    loses nothing: the log entries stay unannounced and the notifications pending, and the
    next follow-up run (any request's, or the `deliver-retries` schedule's) picks them up."""
    try:
        start_advance(submission_id)
    except Exception:
        log.exception("follow-up for submission %s failed; it will be retried", submission_id)
