"""The front door to the flows: what every front door (CLI, web pages, JSON API) calls after a
service has written something — `after_commit`.

Two modes (`DFR_FLOW_MODE`):

- **deployments** — production. The caller's change is written by a service in the caller
  (one transaction; a submission or a decision queues its notifications in it too), then a
  `follow-up/follow-up` flow run is requested on the work pool; a worker announces what the
  log recorded (the notifications no step queued, Prefect events) and delivers. Nobody waits
  for a worker.
- **in-process** — embedded. The `advance` and `deliver` flows run in the caller (as real flow
  runs when a Prefect API is configured), delivery included unless the caller says otherwise.

`auto` (the default) picks deployments when PREFECT_API_URL is set and the follow-up
deployment is registered (`dfr deploy`, or any `dfr worker`), in-process otherwise.
Every function here is synchronous: call it from a plain `def` request handler (run in a
thread pool) or through `run_in_threadpool` from an `async def` one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from dfr.errors import ValidationError
from dfr.i18n import _
from dfr.settings import get_settings
from flows.runner import prefect_configured, run_flow

log = logging.getLogger("dfr.flows")

Mode = Literal["deployments", "in-process"]

_deployment_ids: dict[tuple[str, str], UUID] = {}


def _follow_up_deployment_id() -> UUID | None:
    """The registered follow-up deployment's id (remembered once found), or None."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL

    from flows.deployments import FOLLOW_UP

    cache_key = (str(PREFECT_API_URL.value()), FOLLOW_UP)
    if cache_key not in _deployment_ids:
        with get_client(sync_client=True) as client:
            try:
                _deployment_ids[cache_key] = client.read_deployment_by_name(FOLLOW_UP).id
            except ObjectNotFound:
                return None
    return _deployment_ids[cache_key]


def flow_mode() -> Mode:
    """How flows start in this process, from `DFR_FLOW_MODE` and what is configured."""
    chosen = get_settings().flow_mode
    if chosen == "in-process":
        return "in-process"
    if not prefect_configured():
        if chosen == "deployments":
            raise ValidationError(
                _("DFR_FLOW_MODE=deployments needs PREFECT_API_URL set to a Prefect server.")
            )
        return "in-process"
    if chosen == "deployments":
        if _follow_up_deployment_id() is None:
            raise ValidationError(
                _("No deployments on the Prefect server yet: run `dfr deploy` or `dfr worker`.")
            )
        return "deployments"
    return "deployments" if _follow_up_deployment_id() is not None else "in-process"


_one_request_at_a_time = threading.Lock()


def request_follow_up() -> UUID | None:
    """Ask the work pool to announce and deliver what has been written; return the new flow
    run's id, or None when a follow-up run is already waiting to start (it will see the
    caller's change: the change was committed before this check, and a waiting run reads
    the database only once it starts).

    Callers in one process take turns, so a burst of requests (a web server's threads) sees
    the run the first one made instead of each making its own: a flow run on a process pool
    is a new Python process, and dozens starting at once would starve the machine."""
    with _one_request_at_a_time:
        return _request_follow_up()


def _request_follow_up() -> UUID | None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    deployment_id = _follow_up_deployment_id()
    if deployment_id is None:
        raise ValidationError(
            _("No deployments on the Prefect server yet: run `dfr deploy` or `dfr worker`.")
        )
    with get_client(sync_client=True) as client:
        waiting = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[StateType.SCHEDULED, StateType.PENDING])
                )
            ),
            limit=5,
        )
        if any(_still_to_start(run) for run in waiting):
            return None
        return client.create_flow_run_from_deployment(deployment_id).id


PENDING_GRACE = timedelta(seconds=60)


def _still_to_start(run: Any) -> bool:
    """Scheduled, or handed to a worker (Pending) within the last minute: its flow has not
    read the database yet. A run Pending for longer belonged to a worker that died."""
    state = run.state
    if state is None or state.type.value == "SCHEDULED":
        return True
    return bool(datetime.now(UTC) - state.timestamp < PENDING_GRACE)


def after_commit(submission_ids: Iterable[int], *, deliver: bool = True) -> dict[str, int] | None:
    """The one thing every front door calls after a service has committed a change (a
    submission, a decision, a resubmission, a withdrawal, a reassignment): tell people.

    In deployments mode a worker's follow-up run announces (notifications queued, Prefect
    events) and delivers, and this returns None at once. In-process the `advance` flow
    announces each submission here and, unless `deliver=False`, the `deliver` flow sends what is
    pending; the delivery report is returned. Safe to call twice: nothing is announced or sent
    twice (a submission's or a decision's notifications, queued in its own transaction, are
    found by their keys and not queued again). If it fails, nothing is lost: the log entries
    stay unannounced and the notifications pending, and the next follow-up run or the
    reminder sweep picks them up."""
    from flows.advance import advance
    from flows.deliver import deliver as deliver_flow

    ids = sorted(set(submission_ids))
    if flow_mode() == "deployments":
        request_follow_up()
        return None
    for submission_id in ids:
        run_flow(advance, submission_id=submission_id)
    if not deliver:
        return None
    report: dict[str, int] = run_flow(deliver_flow, submission_id=ids[0] if len(ids) == 1 else None)
    return report


def after_commit_in_background(submission_id: int) -> None:
    """`after_commit` for a web request, run after the response has gone: a failure is logged
    (and retried later, see `after_commit`), never shown to the person who already has their
    answer."""
    try:
        after_commit([submission_id])
    except Exception:
        log.exception(
            "telling people about submission %s failed; it will be retried", submission_id
        )


def start_delivery(submission_id: int | None = None) -> dict[str, int] | None:
    """Send pending notifications (one submission's, or all): in-process returns the report;
    in deployments mode a worker sends them and this returns None."""
    from flows.deliver import deliver as deliver_flow

    if flow_mode() == "deployments":
        request_follow_up()
        return None
    report: dict[str, int] = run_flow(deliver_flow, submission_id=submission_id)
    return report
