"""The reminder sweep: chase what is due or overdue, then tell people. Safe to run any number
of times a day; after downtime it catches up with one message per item."""

from __future__ import annotations

from datetime import date

from prefect import flow

from dfr.settings import get_settings
from flows.follow_up import announce_everything_pending
from flows.prefect_tasks import announce_many, deliver_notifications
from flows.steps import blocking_task, step
from models.db import session_scope
from models.reminders import Policy
from models.submission import utcnow
from models.working_days import london_today
from services.acknowledgements import acknowledge_due
from services.drafts import discard_stale_drafts
from services.register_late_returns import chase_late_returns
from services.reminders import sweep
from services.report_responses import accept_by_silence


@blocking_task("sweep-reminders")
def sweep_reminders(today: str | None = None) -> list[int]:
    """Record the assessment reports accepted by the team's silence, then the reminders and
    escalations owed on `today` (London date), and chase the register's late returns; return
    the submissions they concern."""
    settings = get_settings()
    policy = Policy(
        remind_before=settings.remind_before_working_days,
        second_escalation_after=settings.second_escalation_after_working_days,
    )
    day = date.fromisoformat(today) if today else london_today()
    with session_scope() as session:
        accepted = accept_by_silence(session, day)
        made = sweep(session, day, policy)
        chase_late_returns(session, day, settings)  # the register's late monthly returns
        return sorted({r.submission_id for r in made} | {r.submission_id for r in accepted})


@blocking_task("acknowledge-submissions")
def acknowledge_submissions(today: str | None = None) -> list[int]:
    """Acknowledge every new submission nobody has opened within 2 working days (once each);
    return those acknowledged now."""
    day = date.fromisoformat(today) if today else london_today()
    with session_scope() as session:
        return acknowledge_due(session, day)


@blocking_task("discard-stale-drafts")
def discard_drafts() -> int:
    """Delete web drafts nobody has changed for `draft_retention_days` (the submit page says
    so); return how many. By the real clock, even when the sweep replays another day: a
    replay must not delete anyone's work."""
    with session_scope() as session:
        return discard_stale_drafts(session, utcnow(), get_settings().draft_retention_days)


@flow(name="remind", persist_result=False)
async def remind(today: str | None = None) -> dict[str, int]:
    """The daily sweep: what a failed follow-up left unannounced (a change committed while the
    workers or the Prefect API were down), acknowledgements nobody sent, reminders and
    escalations, then the drafts left too long."""
    caught_up = await announce_everything_pending()
    acknowledged = await step(acknowledge_submissions, today)
    chased = await step(sweep_reminders, today)
    submission_ids = sorted({*acknowledged, *chased})
    queued = await step(announce_many, submission_ids) if submission_ids else 0
    report = await step(deliver_notifications, None)
    discarded = await step(discard_drafts)
    return {
        "caught_up": caught_up,
        "acknowledged": len(acknowledged),
        "submissions": len(submission_ids),
        "queued": queued,
        **report,
        "drafts_discarded": discarded,
    }
