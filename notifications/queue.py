"""Turn decision-log entries into notification rows, in the caller's transaction: who is told
(`notifications.recipients`), what the templates say (`notifications.facts`), rendered per
person's language. Each row's idempotency key is (log entry, message, recipient, channel), so
queueing the same entries again adds nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from checklists.loader import Registry
from dfr.settings import Settings
from models import driver_sql
from models.audit import LogEntry, Logged
from models.directory_lookup import DirectoryLookup
from models.notification import PENDING, Notification, new_notification_id
from models.row_writes import insert_into
from models.submission import Submission, SubmissionHeading
from notifications.facts import TemplateFacts, batches
from notifications.recipients import messages_for
from notifications.render import TEMPLATE_VERSIONS, Rendered, languages_for, render


def queue_for_submissions(
    session: Session, submission_ids: Iterable[int], registry: Registry, settings: Settings
) -> int:
    """Add the notification rows these submissions' log entries call for and that are
    missing; return how many. The number of queries does not grow with the number of
    submissions: their rows are read in batches and written with one executemany."""
    ids = sorted(set(submission_ids))
    submissions: dict[int, Submission] = {}
    existing: set[str] = set()
    entries: list[LogEntry] = []
    for batch in batches(ids):
        submissions.update(
            (s.id or 0, s)
            for s in session.exec(select(Submission).where(col(Submission.id).in_(batch))).all()
        )
        # The entries before the keys: a step queues its own notifications as it commits
        # its entries, so keys read after the entries include those of every entry read
        # (on PostgreSQL each statement sees what has committed by then).
        entries += session.exec(
            select(LogEntry).where(col(LogEntry.submission_id).in_(batch))
        ).all()
        existing.update(
            session.exec(
                select(Notification.idempotency_key).where(
                    col(Notification.submission_id).in_(batch)
                )
            ).all()
        )
    facts = TemplateFacts(session, submissions, DirectoryLookup(session), registry, settings)
    return queue_entries(session, entries, facts, settings, existing)


def queue_entries(
    session: Session,
    entries: Sequence[Logged],
    facts: TemplateFacts,
    settings: Settings,
    existing: set[str] | None = None,
) -> int:
    """Add the notification rows `entries` call for (those of `facts.submissions`), but for
    the idempotency keys in `existing`, with one executemany; return how many. Entries
    appended in the caller's own transaction need no `existing`: their seqs are new, and
    every key starts with its entry's seq."""
    existing = set() if existing is None else existing
    directory, submissions = facts.directory, facts.submissions
    # Rendered once per entry, message, recipient and language, whatever their channels: a
    # person on Slack and email gets the same text on each.
    done: dict[tuple[int, str, str, str], Rendered] = {}
    directory.people([p for e in entries for p in _named_in(e, submissions[e.submission_id or 0])])
    now, rows = datetime.now(UTC), []
    for entry in sorted(entries, key=lambda e: e.seq):
        sid = entry.submission_id or 0
        submission = submissions[sid]
        dg = directory.directorate(submission.dg_code)
        for message, recipients in messages_for(entry, submission, dg, directory, settings):
            for recipient in recipients:
                key = f"{entry.seq}:{message}:{recipient.key}:{recipient.channel}"
                if key in existing:
                    continue
                once = (entry.seq, message, recipient.key, recipient.language)
                rendered = done.get(once)
                if rendered is None:
                    contexts: dict[str, dict[str, Any]] = {
                        lang: facts.context(message, entry, recipient, lang)
                        for lang in languages_for(recipient.language)
                    }
                    rendered = done[once] = render(message, recipient.language, contexts)
                rows.append(
                    {
                        "id": new_notification_id(),
                        "idempotency_key": key,
                        "message": message,
                        "template_version": TEMPLATE_VERSIONS[message],
                        "log_seq": entry.seq,
                        "submission_id": sid,
                        "recipient_id": recipient.person_id,
                        "channel": recipient.channel,
                        "address": recipient.address,
                        "language": rendered.language,
                        "subject": rendered.subject,
                        "body_markdown": rendered.body_markdown,
                        "body_html": rendered.body_html if recipient.channel == "email" else "",
                        "status": PENDING,
                        "attempts": 0,
                        "last_error": None,
                        "provider_ref": None,
                        "next_attempt_at": None,
                        "created_at": now,
                        "sent_at": None,
                    }
                )
                existing.add(key)
    if rows:
        session.flush()
        driver_sql.run(session, insert_into(Notification.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def _named_in(entry: Logged, submission: SubmissionHeading) -> list[str]:
    """The people an entry is likely to tell or name (read together, not one by one)."""
    named = [submission.submitter_id, entry.actor_id, entry.payload.get("assignee_id")]
    return [p for p in named if isinstance(p, str)]


def queue_for_submission(
    session: Session, submission_id: int, registry: Registry, settings: Settings
) -> int:
    """Add the notification rows this submission's log entries call for and that are missing;
    return how many."""
    return queue_for_submissions(session, [submission_id], registry, settings)
