"""Follow-up: announce whatever the decision log recorded that nobody has been told about yet,
then deliver the pending notifications. The one flow front doors start in production.

Why one coalescing flow rather than a flow run per submission: on a process work pool every
flow run is a new Python process (about 4 s of CPU on a 2-core machine just to import Prefect
and the app), so a run per submission would make people and workers wait on orchestration.
A front door writes its change, then asks for a follow-up; a run that has not started yet
will see that change, so a burst of submissions is announced by a few runs. Runs may overlap
(two workers): announcing takes a database lock, delivery claims each row, so nothing is done
twice.
"""

from __future__ import annotations

from prefect import flow

from checklists.loader import registry
from dfr.settings import get_settings
from flows.events import emit_in
from flows.prefect_tasks import deliver_notifications
from flows.steps import blocking_task, orchestrated, step
from models.db import session_scope
from services.announce import queue_notifications, unannounced_submissions

CHUNK = 200


@blocking_task("announce-pending")
def announce_pending(limit: int = CHUNK) -> list[int]:
    """Queue the notifications and publish the events of up to `limit` submissions whose log
    entries are not yet published, in one transaction under the announcing lock: a second run
    waits, then finds them done. Returns the submissions announced."""
    with session_scope() as session:
        ids = unannounced_submissions(session, limit)
        queue_notifications(session, ids, registry(), get_settings())
        if orchestrated():
            emit_in(session, ids)
        return ids


async def announce_everything_pending() -> int:
    """Announce every submission with unpublished log entries, a chunk per task run; return
    how many were announced. Without a Prefect server nothing is published, so nothing counts
    as announced and there is nothing to catch up on (the caller told people in-process)."""
    announced = 0
    while True:
        ids = await step(announce_pending, CHUNK)
        announced += len(ids)
        if len(ids) < CHUNK or not orchestrated():  # unpublished entries stay unannounced
            return announced


@flow(name="follow-up", persist_result=False)
async def follow_up() -> dict[str, int]:
    """Announce everything pending (in chunks), then deliver every pending notification."""
    announced = await announce_everything_pending()
    report = await step(deliver_notifications, None)
    return {"announced": announced, **report}
