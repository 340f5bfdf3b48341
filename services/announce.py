"""Announcing what the decision log recorded: the notification rows each entry calls for, and
which entries are still to be published as Prefect events (published by `flows.events`).

Announcing happens one at a time across processes (a PostgreSQL advisory lock held until the
caller's transaction ends; SQLite writers are serial anyway): a bulk intake publishing its
events and a follow-up run catching up may reach the same entries, and each must be
announced once. An entry counts as announced once its emission is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import Session, col, func, select

from checklists.loader import Registry
from dfr.settings import Settings
from models.audit import EventEmission, LogEntry, Logged
from models.directory_lookup import DirectoryLookup
from models.review import Action
from models.row_writes import insert_into
from models.submission import Submission, SubmissionHeading
from notifications.facts import TemplateFacts
from notifications.queue import queue_entries, queue_for_submissions

_BATCH = 500  # ids per IN (...) list
_ANNOUNCE_LOCK = 0x0DF2_A770  # PostgreSQL advisory lock key


def lock_announcing(session: Session) -> None:
    """Take the announcing lock until the caller's transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ANNOUNCE_LOCK})


def queue_notifications(
    session: Session, submission_ids: Iterable[int], registry: Registry, settings: Settings
) -> int:
    """Under the lock, add the notification rows these submissions' log entries call for and
    that are missing; return how many."""
    lock_announcing(session)
    return queue_for_submissions(session, submission_ids, registry, settings)


def queue_step_notifications(
    session: Session,
    entries: Sequence[Logged],
    submissions: Sequence[SubmissionHeading],
    registry: Registry,
    settings: Settings,
    *,
    directory: DirectoryLookup | None = None,
    decision_at: dict[int, int] | None = None,
    flags: dict[int, list[tuple[str, str, int | None]]] | None = None,
    actions: dict[int, list[Action]] | None = None,
) -> int:
    """In the step's own transaction, add the notification rows the log entries it just
    appended about `submissions` call for (a decision's one submission; a creation's or a
    bulk intake's new ones, from the rows just written); return how many. Rows are persisted
    with their idempotency keys before anything is delivered, and if the step fails they go
    with it. No announcing lock and no look-up of existing keys: nobody else can see these
    entries before the step commits, and every key starts with its entry's (new) seq; the
    follow-up run that later reaches the same entries finds their keys and adds nothing.
    `directory`: the step's lookup (people and DGs it read are not read again);
    `decision_at`: the step's decision (log seq -> id); `flags`: the submissions' flags this
    round by submission id, when the step knows them ((flag, checklist, pinned version), in
    the order raised); `actions`: their conditions, amber actions and obligations by
    submission id, when the step knows them. What the step knows is not read again."""
    facts = TemplateFacts(
        session,
        {submission.id or 0: submission for submission in submissions},
        directory or DirectoryLookup(session),
        registry,
        settings,
    )
    if decision_at is not None:
        facts.knows_decisions(decision_at)
    if flags is not None:
        facts.knows_flags(flags)
    if actions is not None:
        facts.knows_actions(actions)
    return queue_entries(session, entries, facts, settings)


def unpublished_entries(
    session: Session, submission_ids: Iterable[int]
) -> list[tuple[LogEntry, Submission]]:
    """Under the lock, these submissions' log entries with no emission recorded yet, in log
    order, each with its submission. A few queries per 500 submissions, whatever their number."""
    lock_announcing(session)
    ids = sorted(set(submission_ids))
    submissions: dict[int, Submission] = {}
    entries: list[LogEntry] = []
    done = select(EventEmission.log_seq)
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        submissions.update(
            (s.id or 0, s)
            for s in session.exec(select(Submission).where(col(Submission.id).in_(batch)))
        )
        entries += session.exec(
            select(LogEntry).where(
                col(LogEntry.submission_id).in_(batch), col(LogEntry.seq).not_in(done)
            )
        ).all()
    return [
        (entry, submissions[entry.submission_id or 0])
        for entry in sorted(entries, key=lambda e: e.seq)
        if (entry.submission_id or 0) in submissions
    ]


def record_emissions(session: Session, emitted: Sequence[tuple[int, str]]) -> None:
    """Record (log seq, event name or "-" for an entry that makes no event) as published, with
    one executemany, in the caller's transaction."""
    if not emitted:
        return
    now = datetime.now(UTC)
    session.connection().execute(
        insert_into(EventEmission.__table__),  # type: ignore[attr-defined]
        [{"log_seq": seq, "event": name, "emitted_at": now} for seq, name in emitted],
    )


def unannounced_submissions(session: Session, limit: int) -> list[int]:
    """Under the lock, submissions with log entries not yet published (so not yet announced),
    oldest first."""
    lock_announcing(session)
    done = select(EventEmission.log_seq)
    rows = session.exec(
        select(LogEntry.submission_id)
        .where(col(LogEntry.submission_id).is_not(None), col(LogEntry.seq).not_in(done))
        .group_by(col(LogEntry.submission_id))
        .order_by(func.min(LogEntry.seq))
        .limit(limit)
    ).all()
    return [sid for sid in rows if sid is not None]
