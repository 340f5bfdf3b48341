"""The deployments: the scheduled ones `dfr serve` serves (and `prefect deployment ls` lists),
and the same plus the front doors' flows on a process work pool for `dfr worker`.

Times are Europe/London, so 07:00 stays 07:00 across the clock changes. On the work pool the
entrypoints are module paths (`flows.intake.intake`): a worker finds the code by importing it
from the Python environment the worker runs in (the project installed with `uv sync`), so no
pull step and no machine path is stored with a deployment.
"""

from __future__ import annotations

from typing import Any

from prefect.schedules import Cron

from flows.advance import advance
from flows.deliver import deliver
from flows.digest import weekly_digest
from flows.follow_up import follow_up
from flows.intake import intake
from flows.progress import progress_report
from flows.remind import remind

TIMEZONE = "Europe/London"

SCHEDULES: dict[str, tuple[Any, str, str]] = {
    # name: (flow, cron, what it is for)
    "reminder-sweep": (remind, "0 7 * * 1-5", "Reminders and escalations, working-day mornings"),
    "weekly-digest": (weekly_digest, "0 8 * * 1", "Digest for each DG Digital Leader, Mondays"),
    "deliver-retries": (deliver, "*/10 * * * *", "Send notifications waiting for a retry"),
    "progress-report": (
        progress_report,
        "0 6 2 1,4,7,10 *",
        "Draft the progress report of the quarter just ended, for the CoE to publish",
    ),
}

# Started on demand by the front doors (flows.start) or by an operator / automation.
ON_DEMAND: dict[str, tuple[Any, str]] = {
    "follow-up": (follow_up, "Announce and deliver what the decision log recorded"),
    "intake": (intake, "Store, route and announce one submission (idempotent on intake_key)"),
    "advance": (advance, "Announce a recorded decision, resubmission or withdrawal"),
    "deliver": (deliver, "Send pending notifications"),
}

FOLLOW_UP = "follow-up/follow-up"


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


async def pool_deployments(pool: str) -> list[Any]:
    """Every deployment on the process work pool `pool`, with module-path entrypoints."""
    from prefect.types.entrypoint import EntrypointType

    made = []
    for name, (flow_obj, cron, description) in SCHEDULES.items():
        made.append(
            await flow_obj.ato_deployment(
                name=name,
                schedules=[Cron(cron, timezone=TIMEZONE)],
                description=description,
                tags=["dfr"],
                work_pool_name=pool,
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    for name, (flow_obj, description) in ON_DEMAND.items():
        made.append(
            await flow_obj.ato_deployment(
                name=name,
                description=description,
                tags=["dfr"],
                work_pool_name=pool,
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    return made
