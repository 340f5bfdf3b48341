"""Turn decision-log entries into notification rows: who is told what, in which language and
through which channel. Each row's idempotency key is (log entry, message, recipient, channel),
so queueing the same entries again adds nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from babel.dates import format_date
from sqlalchemy import insert
from sqlmodel import Session, col, select

from checklists.loader import Registry
from dfr import labels
from dfr.labels import label
from dfr.settings import Settings
from models.audit import LogEntry
from models.directory import Directorate, Person
from models.directory_lookup import DirectoryLookup
from models.notification import PENDING, Notification
from models.review import Action, Decision, ReviewTask
from models.submission import ChecklistAnswers, RaisedFlag, Submission
from notifications.render import (
    TEMPLATE_VERSIONS,
    MarkdownText,
    Rendered,
    languages_for,
    render,
)

BABEL_LOCALE = {"cy": "cy", "en": "en_GB"}


@dataclass(frozen=True)
class Recipient:
    key: str  # person id, or "dg:EST" for a DG feed
    person_id: str | None
    name: str
    language: str  # cy | en | unknown
    channel: str
    address: str


def channels_for(person: Person, settings: Settings) -> list[tuple[str, str]]:
    """Slack DM and/or email when configured; the outbox when neither is."""
    found = []
    if settings.slack_enabled and person.slack_user_id:
        found.append(("slack_dm", person.slack_user_id))
    if settings.email_enabled and person.email:
        found.append(("email", person.email))
    if not settings.slack_enabled and not settings.email_enabled:
        found.append(("outbox", person.email))
    return found


def _people(
    directory: DirectoryLookup, person_ids: list[str | None], settings: Settings
) -> list[Recipient]:
    recipients = []
    for person_id in dict.fromkeys(p for p in person_ids if p):
        person = directory.person(person_id)
        if person is None:
            continue
        for channel, address in channels_for(person, settings):
            recipients.append(
                Recipient(person.id, person.id, person.name, person.language, channel, address)
            )
    return recipients


def _feed(dg: Directorate, settings: Settings) -> list[Recipient]:
    if not (settings.slack_enabled and dg.slack_channel):
        return []
    return [
        Recipient(f"dg:{dg.code}", None, dg.name_en, "unknown", "slack_channel", dg.slack_channel)
    ]


def _date(value: date | str, language: str) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return format_date(day, format="long", locale=BABEL_LOCALE[language])


class _Flags:
    """The flags each submission round raised, with the checklist versions that define their
    text: read for many submissions in two queries."""

    def __init__(self, session: Session, submission_ids: list[int], registry: Registry):
        self.registry = registry
        self.pins: dict[tuple[int, int], dict[str, int]] = {}
        self.raised: dict[tuple[int, int], list[RaisedFlag]] = {}
        for ids in _batches(submission_ids):
            for sid, round_, checklist_id, version in session.exec(
                select(
                    ChecklistAnswers.submission_id,
                    ChecklistAnswers.round,
                    ChecklistAnswers.checklist_id,
                    ChecklistAnswers.checklist_version,
                ).where(col(ChecklistAnswers.submission_id).in_(ids))
            ).all():
                self.pins.setdefault((sid, round_), {})[checklist_id] = version
            for flag in session.exec(
                select(RaisedFlag)
                .where(col(RaisedFlag.submission_id).in_(ids))
                .order_by(col(RaisedFlag.id))
            ).all():
                self.raised.setdefault((flag.submission_id, flag.round), []).append(flag)

    def texts(self, submission: Submission, language: str) -> list[str]:
        key = (submission.id or 0, submission.round)
        pinned = self.pins.get(key, {})
        texts = []
        for flag in self.raised.get(key, []):
            version = pinned.get(flag.checklist_id)
            checklist = (
                self.registry.get(flag.checklist_id, version) if version is not None else None
            )
            found = (
                [f for f in checklist.definition.flags if f.id == flag.flag_id] if checklist else []
            )
            texts.append(found[0].text.get(language) if found else flag.flag_id)
        return texts


class _Facts:
    """What the templates need about one submission, read once per queueing run."""

    def __init__(
        self,
        session: Session,
        submission: Submission,
        directory: DirectoryLookup,
        raised: _Flags,
        settings: Settings,
    ):
        self.session, self.submission, self.directory = session, submission, directory
        self.raised = raised
        self.dg = directory.directorate(submission.dg_code)
        self.link = f"{settings.base_url.rstrip('/')}/submissions/{submission.id}"

    def base(self, language: str, recipient: Recipient) -> dict[str, Any]:
        s = self.submission
        return {
            "name": recipient.name,
            "reference": s.reference,
            "title": s.title(language),
            "dg_name": self.dg.name(language) if self.dg else s.dg_code,
            "link": MarkdownText(self.link),
        }

    def flags(self, language: str) -> list[str]:
        return self.raised.texts(self.submission, language)

    def actions(self, language: str, decision_id: int | None = None) -> list[dict[str, str]]:
        query = select(Action).where(Action.submission_id == self.submission.id)
        query = (
            query.where(Action.decision_id == decision_id)
            if decision_id is not None
            else query.where(Action.status == "open", col(Action.kind) != "obligation")
        )
        rows = self.session.exec(query.order_by(col(Action.id))).all()
        return [
            {
                "text": a.text_in(language),
                "due": _date(a.due_date, language),
            }
            for a in rows
        ]


def _plan(
    entry: LogEntry, facts: _Facts, settings: Settings
) -> list[tuple[str, list[Recipient], dict[str, Any]]]:
    """(message, recipients, event-specific context builder input) for one log entry."""
    s, directory, payload = facts.submission, facts.directory, entry.payload
    leader = facts.dg.digital_leader_id if facts.dg else None
    feed = _feed(facts.dg, settings) if facts.dg else []
    if entry.event == "submission.submitted":
        return [("submitted", _people(directory, [s.submitter_id], settings) + feed, {})]
    if entry.event in {"task.opened", "task.reassigned"} and payload.get("assignee_id"):
        panel = [member["person_id"] for member in payload.get("panel") or []]
        told = [payload["assignee_id"], *panel]
        return [("task_assigned", _people(directory, told, settings), {})]
    if entry.event == "decision.recorded":
        others = [p for p in [leader] if p not in (entry.actor_id, s.submitter_id)]
        if payload.get("outcome") == "request_changes":
            return [
                ("changes_requested", _people(directory, [s.submitter_id], settings), {}),
                ("decision_recorded", _people(directory, others, settings) + feed, {}),
            ]
        return [
            (
                "decision_recorded",
                _people(directory, [s.submitter_id, *others], settings) + feed,
                {},
            )
        ]
    if entry.event == "reminder.sent":
        message = "reminder" if payload["step"] in ("reminder", "final") else "escalation"
        return [(message, _people(directory, payload.get("recipients") or [], settings), {})]
    if entry.event in {"submission.completed", "submission.withdrawn"}:
        told = [s.submitter_id, leader] if entry.event == "submission.completed" else [leader]
        return [("final_outcome", _people(directory, told, settings) + feed, {})]
    return []


def _context(
    message: str, entry: LogEntry, facts: _Facts, recipient: Recipient, language: str
) -> dict[str, Any]:
    context = facts.base(language, recipient)
    payload = entry.payload
    if message == "submitted":
        context["stages"] = [label(labels.STAGES, st, language) for st in payload.get("route", [])]
        context["flags"] = facts.flags(language)
    elif message == "task_assigned":
        context["stage"] = label(labels.STAGES, payload["stage"], language)
        context["due"] = _date(payload["due_date"], language)
        context["scope"] = payload.get("scope") or []
    elif message in {"decision_recorded", "changes_requested"}:
        actor = facts.session.get(Person, entry.actor_id or "")
        decision = facts.session.exec(select(Decision).where(Decision.log_seq == entry.seq)).first()
        context["stage"] = label(labels.STAGES, payload["stage"], language)
        context["outcome"] = label(labels.OUTCOMES, payload["outcome"], language)
        context["actor_name"] = actor.name if actor else entry.actor_id
        context["rationale"] = MarkdownText(payload.get("rationale", ""))
        context["conditions"] = facts.actions(language, decision.id if decision else -1)
    elif message in {"reminder", "escalation"}:
        context.update(_chased(entry, facts, language))
    elif message == "final_outcome":
        context["state"] = label(labels.STATES, payload.get("state", "withdrawn"), language)
        context["actions"] = facts.actions(language)
    return context


def _chased(entry: LogEntry, facts: _Facts, language: str) -> dict[str, Any]:
    """What a reminder or escalation is about, who holds it, and when it was due."""
    payload, session = entry.payload, facts.session
    owner_id: str | None = None
    if payload["item_kind"] == "task":
        what = label(labels.STAGES, payload["what"], language)
        task = session.get(ReviewTask, payload["item_id"])
        owner_id = task.assignee_id if task else None
    else:
        action = session.get(Action, payload["item_id"])
        text = action.text_in(language) if action is not None else ""
        kind = label(labels.ACTION_KINDS, payload["what"].split(":", 1)[0], language)
        what = f"{kind}: {text[:80]}" if text else kind
        owner_id = facts.submission.submitter_id
    owner = session.get(Person, owner_id) if owner_id else None
    return {
        "what": what,
        "due": _date(payload["due_date"], language),
        "final": payload["step"] == "final",
        "second": payload["step"] == "second_escalation",
        "owner": owner.name if owner else "",
        "escalated_to": label(labels.ROLES, _escalated_to(payload), language),
    }


def _escalated_to(payload: dict[str, Any]) -> str:
    """The level an escalation went to (entries logged before it was recorded: the leader
    first, then the Digital CoE)."""
    if "escalated_to" in payload:
        return str(payload["escalated_to"])
    return "coe" if payload["step"] == "second_escalation" else "digital_leader"


_BATCH = 500  # ids per IN (...) list: well inside every database's parameter limit


def _batches(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + _BATCH] for start in range(0, len(ids), _BATCH)]


class _Renderer:
    """`render`, once per distinct message, language and content (a person with several
    channels gets the same text on each)."""

    def __init__(self) -> None:
        self._done: dict[str, Rendered] = {}

    def __call__(
        self, message: str, preference: str, contexts: dict[str, dict[str, Any]]
    ) -> Rendered:
        key = json.dumps([message, preference, contexts], sort_keys=True, default=str)
        if key not in self._done:
            self._done[key] = render(message, preference, contexts)
        return self._done[key]


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
    for batch in _batches(ids):
        submissions.update(
            (s.id or 0, s)
            for s in session.exec(select(Submission).where(col(Submission.id).in_(batch))).all()
        )
        existing.update(
            session.exec(
                select(Notification.idempotency_key).where(
                    col(Notification.submission_id).in_(batch)
                )
            ).all()
        )
        entries += session.exec(
            select(LogEntry).where(col(LogEntry.submission_id).in_(batch))
        ).all()
    directory, raised, renderer = (
        DirectoryLookup(session),
        _Flags(session, ids, registry),
        _Renderer(),
    )
    facts: dict[int, _Facts] = {}
    now, rows = datetime.now(UTC), []
    for entry in sorted(entries, key=lambda e: e.seq):
        sid = entry.submission_id or 0
        if sid not in facts:
            facts[sid] = _Facts(session, submissions[sid], directory, raised, settings)
        for message, recipients, _extra in _plan(entry, facts[sid], settings):
            for recipient in recipients:
                key = f"{entry.seq}:{message}:{recipient.key}:{recipient.channel}"
                if key in existing:
                    continue
                contexts: dict[str, dict[str, Any]] = {
                    lang: _context(message, entry, facts[sid], recipient, lang)
                    for lang in languages_for(recipient.language)
                }
                rendered = renderer(message, recipient.language, contexts)
                rows.append(
                    {
                        "id": uuid.uuid4().hex,
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
        session.connection().execute(insert(Notification.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def queue_for_submission(
    session: Session, submission_id: int, registry: Registry, settings: Settings
) -> int:
    """Add the notification rows this submission's log entries call for and that are missing;
    return how many."""
    return queue_for_submissions(session, [submission_id], registry, settings)
