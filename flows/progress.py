"""The quarterly progress report's draft, generated shortly after each quarter ends
(scheduled on the 2nd of January, April, July and October, 06:00 Europe/London) and on demand.

Safe to re-run: one report per quarter; a draft is brought up to date, a published report is
left as it is (`services.progress_reports.generate`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow

from checklists.loader import registry
from flows.steps import blocking_task, step
from models.db import session_scope
from models.quarter import Quarter
from models.working_days import london_today
from services.progress_reports import generate


@blocking_task("generate-progress-report")
def generate_report(quarter: str) -> str:
    """Make or refresh the quarter's draft; what happened: created, refreshed or published."""
    with session_scope() as session:
        done = generate(session, Quarter.parse(quarter), None, registry(), datetime.now(UTC))
        if done.published:
            return "published"
        return "created" if done.created else "refreshed"


@flow(name="progress-report", persist_result=False)
async def progress_report(quarter: str | None = None) -> dict[str, str]:
    """The draft for `quarter` (YYYY-Qn; default: the last complete quarter)."""
    chosen = Quarter.parse(quarter) if quarter else Quarter.last_complete(london_today())
    return {"quarter": str(chosen), "report": await step(generate_report, str(chosen))}
