"""Render and queue the weekly digest for a DG's Digital Leader, in their language."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from checklists.loader import Registry
from dfr import labels
from dfr.dates import long_date
from dfr.labels import label
from dfr.settings import Settings
from models.audit import LogEntry
from models.digest import Digest
from models.directory import Directorate, Person
from models.notification import Notification, new_notification_id
from models.review import Action, Decision, ReviewTask
from models.submission import Submission
from notifications.recipients import channels_for
from notifications.render import TEMPLATE_VERSIONS, MarkdownText, languages_for, render


def _flag_texts(registry: Registry) -> dict[str, Any]:
    return {f.id: f.text for cid in registry.ids() for f in registry.get(cid).definition.flags}


def _by_id(session: Session, model: Any, ids: list[int]) -> dict[int, Any]:
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(ids))).all()}


def _context(
    session: Session,
    entry: LogEntry,
    person: Person,
    registry: Registry,
    settings: Settings,
    language: str,
) -> dict[str, Any]:
    payload = entry.payload
    week_start = date.fromisoformat(payload["week_start"])
    dg = session.get(Directorate, payload["dg"])
    base = settings.base_url.rstrip("/")
    ids = set(payload["new"]) | {sid for sid, _f in payload["flags"]}
    decisions = {
        d.id: d
        for d in session.exec(
            select(Decision).where(col(Decision.id).in_(payload["decided"]))
        ).all()
    }
    chased = payload["due"] + payload["overdue"]
    tasks = _by_id(session, ReviewTask, [i for k, i in chased if k == "task"])
    actions = _by_id(session, Action, [i for k, i in chased if k == "action"])
    ids |= {d.submission_id for d in decisions.values()}
    ids |= {t.submission_id for t in tasks.values()} | {a.submission_id for a in actions.values()}
    subs = {
        s.id: s for s in session.exec(select(Submission).where(col(Submission.id).in_(ids))).all()
    }
    flags = _flag_texts(registry)

    def ref(sid: int) -> str:
        return subs[sid].reference if sid in subs else str(sid)

    def item(kind: str, item_id: int) -> dict[str, str]:
        if kind == "task" and item_id in tasks:
            t = tasks[item_id]
            return {
                "reference": ref(t.submission_id),
                "what": label(labels.STAGES, t.stage, language),
                "due": long_date(t.due_date, language) if t.due_date else "",
            }
        a = actions[item_id]
        text = a.text_in(language)
        return {
            "reference": ref(a.submission_id),
            "what": text[:80],
            "due": long_date(a.due_date, language),
        }

    return {
        "name": person.name,
        "dg_name": dg.name(language) if dg else payload["dg"],
        # The week whose submissions and decisions it lists (the seven days before it was
        # made), and the week ahead whose due dates it lists.
        "covered_from": long_date(week_start - timedelta(days=7), language),
        "covered_to": long_date(week_start - timedelta(days=1), language),
        "ahead_from": long_date(week_start, language),
        "ahead_to": long_date(week_start + timedelta(days=6), language),
        "new": [
            {
                "reference": ref(s),
                "title": subs[s].title(language),
                "link": MarkdownText(f"{base}/submissions/{s}"),
            }
            for s in payload["new"]
            if s in subs
        ],
        "decided": [
            {
                "reference": ref(d.submission_id),
                "stage": label(labels.STAGES, d.stage, language),
                "outcome": label(labels.OUTCOMES, d.outcome, language),
            }
            for d in decisions.values()
        ],
        "due": [item(k, i) for k, i in payload["due"] if i in tasks or i in actions],
        "overdue": [item(k, i) for k, i in payload["overdue"] if i in tasks or i in actions],
        "flags": [
            {"reference": ref(sid), "text": flags[f].get(language) if f in flags else f}
            for sid, f in payload["flags"]
        ],
    }


def queue_digests(
    session: Session, week_start: date, registry: Registry, settings: Settings
) -> list[Notification]:
    """Notification rows for the week's digests that have none yet."""
    rows = session.exec(select(Digest).where(Digest.week_start == week_start)).all()
    added = []
    for digest in rows:
        entry = session.get(LogEntry, digest.log_seq)
        if entry is None:
            continue
        person = session.get(Person, entry.payload["recipient"])
        if person is None:
            continue
        for channel, address in channels_for(person, settings):
            key = f"{entry.seq}:digest:{person.id}:{channel}"
            if session.exec(
                select(Notification.id).where(Notification.idempotency_key == key)
            ).first():
                continue
            contexts: dict[str, dict[str, Any]] = {
                lang: _context(session, entry, person, registry, settings, lang)
                for lang in languages_for(person.language)
            }
            rendered = render("digest", person.language, contexts)
            row = Notification(
                id=new_notification_id(),
                idempotency_key=key,
                message="digest",
                template_version=TEMPLATE_VERSIONS["digest"],
                log_seq=entry.seq,
                submission_id=None,
                recipient_id=person.id,
                channel=channel,
                address=address,
                language=rendered.language,
                subject=rendered.subject,
                body_markdown=rendered.body_markdown,
                body_html=rendered.body_html if channel == "email" else "",
            )
            session.add(row)
            added.append(row)
    session.flush()
    return added
