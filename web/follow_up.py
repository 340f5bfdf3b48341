"""After a page has written something: start the flow that tells people (notifications,
Prefect events), after the response has gone, so nobody waits on orchestration."""

from __future__ import annotations

import logging

from flows.advance import advance
from flows.deliver import deliver
from flows.runner import run_flow

log = logging.getLogger("dfr.web")


def start_follow_up(submission_id: int) -> None:
    """Queue and deliver what the decision log owes people. Safe to run twice; a failure here
    loses nothing: the rows stay pending for `dfr notifications retry` or the next sweep."""
    try:
        run_flow(advance, submission_id=submission_id)
        run_flow(deliver, submission_id=submission_id)
    except Exception:
        log.exception("follow-up for submission %s failed; it will be retried", submission_id)
