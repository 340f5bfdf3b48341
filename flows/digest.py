"""The weekly digest for each DG's Digital Leader (scheduled Monday 08:00 Europe/London)."""

from __future__ import annotations

from datetime import date, timedelta

from prefect import flow

from checklists.loader import registry
from dfr.settings import get_settings
from flows.prefect_tasks import deliver_notifications
from flows.steps import blocking_task, step
from models.db import session_scope
from models.working_days import london_today
from notifications.digest import queue_digests
from services.digests import record_digests


def week_start_for(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


@blocking_task("record-and-queue-digests")
def record_and_queue_digests(week_start: str) -> int:
    start = date.fromisoformat(week_start)
    with session_scope() as session:
        record_digests(session, start)
        return len(queue_digests(session, start, registry(), get_settings()))


@flow(name="weekly-digest", persist_result=False)
async def weekly_digest(today: str | None = None) -> dict[str, int]:
    """Safe to re-run: one digest per DG per week, whatever the number of runs."""
    day = date.fromisoformat(today) if today else london_today()
    queued = await step(record_and_queue_digests, week_start_for(day).isoformat())
    report = await step(deliver_notifications, None)
    return {"queued": queued, **report}
