"""The scheduled deployments `dfr serve` serves (and `prefect deployment ls` lists).

Times are Europe/London, so 07:00 stays 07:00 across the clock changes.
"""

from __future__ import annotations

from typing import Any

from prefect.schedules import Cron

from flows.deliver import deliver
from flows.digest import weekly_digest
from flows.remind import remind

TIMEZONE = "Europe/London"

SCHEDULES: dict[str, tuple[Any, str, str]] = {
    # name: (flow, cron, what it is for)
    "reminder-sweep": (remind, "0 7 * * 1-5", "Reminders and escalations, working-day mornings"),
    "weekly-digest": (weekly_digest, "0 8 * * 1", "Digest for each DG Digital Leader, Mondays"),
    "deliver-retries": (deliver, "*/10 * * * *", "Send notifications waiting for a retry"),
}


def deployments() -> list[Any]:
    """RunnerDeployments with their cron schedules, ready for `prefect.serve`."""
    return [
        flow_obj.to_deployment(
            name=name,
            schedules=[Cron(cron, timezone=TIMEZONE)],
            description=description,
            tags=["dfr"],
        )
        for name, (flow_obj, cron, description) in SCHEDULES.items()
    ]
