"""Turn decision-log entries into notification rows: who is told what, in which language and
through which channel. Each row's idempotency key is (log entry, message, recipient, channel),
so queueing the same entries again adds nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from sqlmodel import Session, col, select

from checklists.loader import Registry
from dfr import labels
from dfr.labels import label
from dfr.settings import Settings
from models.audit import LogEntry
from models.directory import Directorate, Person
from models.review import Action, Decision, ReviewTask
from models.submission import ChecklistAnswers, RaisedFlag, Submission
from notifications.records import Notification
from notifications.render import TEMPLATE_VERSIONS, languages_for, render

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


def _people(session: Session, person_ids: list[str | None], settings: Settings) -> list[Recipient]:
    recipients = []
    for person_id in dict.fromkeys(p for p in person_ids if p):
        person = session.get(Person, person_id)
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


class _Facts:
    """What the templates need about one submission, read once per queueing run."""

    def __init__(
        self, session: Session, submission: Submission, registry: Registry, settings: Settings
    ):
        self.session, self.submission, self.registry = session, submission, registry
        self.dg = session.get(Directorate, submission.dg_code)
        self.link = f"{settings.base_url.rstrip('/')}/submissions/{submission.id}"

    def base(self, language: str, recipient: Recipient) -> dict[str, Any]:
        s = self.submission
        return {
            "name": recipient.name,
            "reference": s.reference,
            "title": s.title(language),
            "dg_name": self.dg.name(language) if self.dg else s.dg_code,
            "link": self.link,
        }

    def flags(self, language: str) -> list[str]:
        s = self.submission
        pinned = {
            row.checklist_id: self.registry.get(row.checklist_id, row.checklist_version)
            for row in self.session.exec(
                select(ChecklistAnswers).where(
                    ChecklistAnswers.submission_id == s.id, ChecklistAnswers.round == s.round
                )
            ).all()
        }
        texts = []
        for flag in self.session.exec(
            select(RaisedFlag).where(RaisedFlag.submission_id == s.id, RaisedFlag.round == s.round)
        ).all():
            checklist = pinned.get(flag.checklist_id)
            found = (
                [f for f in checklist.definition.flags if f.id == flag.flag_id] if checklist else []
            )
            texts.append(found[0].text.get(language) if found else flag.flag_id)
        return texts

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
    s, session, payload = facts.submission, facts.session, entry.payload
    leader = facts.dg.digital_leader_id if facts.dg else None
    feed = _feed(facts.dg, settings) if facts.dg else []
    if entry.event == "submission.submitted":
        return [("submitted", _people(session, [s.submitter_id], settings) + feed, {})]
    if entry.event in {"task.opened", "task.reassigned"} and payload.get("assignee_id"):
        panel = [member["person_id"] for member in payload.get("panel") or []]
        told = [payload["assignee_id"], *panel]
        return [("task_assigned", _people(session, told, settings), {})]
    if entry.event == "decision.recorded":
        others = [p for p in [leader] if p not in (entry.actor_id, s.submitter_id)]
        if payload.get("outcome") == "request_changes":
            return [
                ("changes_requested", _people(session, [s.submitter_id], settings), {}),
                ("decision_recorded", _people(session, others, settings) + feed, {}),
            ]
        return [
            ("decision_recorded", _people(session, [s.submitter_id, *others], settings) + feed, {})
        ]
    if entry.event == "reminder.sent":
        message = "reminder" if payload["step"] in ("reminder", "final") else "escalation"
        return [(message, _people(session, payload.get("recipients") or [], settings), {})]
    if entry.event in {"submission.completed", "submission.withdrawn"}:
        told = [s.submitter_id, leader] if entry.event == "submission.completed" else [leader]
        return [("final_outcome", _people(session, told, settings) + feed, {})]
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
        context["rationale"] = payload.get("rationale", "")
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
    }


def queue_for_submission(
    session: Session, submission_id: int, registry: Registry, settings: Settings
) -> list[Notification]:
    """Add the notification rows this submission's log entries call for and that are missing."""
    submission = session.get(Submission, submission_id)
    if submission is None:
        return []
    existing = set(
        session.exec(
            select(Notification.idempotency_key).where(Notification.submission_id == submission_id)
        ).all()
    )
    facts = _Facts(session, submission, registry, settings)
    added = []
    entries = session.exec(
        select(LogEntry).where(LogEntry.submission_id == submission_id).order_by(col(LogEntry.seq))
    ).all()
    for entry in entries:
        for message, recipients, _extra in _plan(entry, facts, settings):
            for recipient in recipients:
                key = f"{entry.seq}:{message}:{recipient.key}:{recipient.channel}"
                if key in existing:
                    continue
                contexts: dict[str, dict[str, Any]] = {
                    lang: _context(message, entry, facts, recipient, lang)
                    for lang in languages_for(recipient.language)
                }
                rendered = render(message, recipient.language, contexts)
                row = Notification(
                    id=uuid.uuid4().hex,
                    idempotency_key=key,
                    message=message,
                    template_version=TEMPLATE_VERSIONS[message],
                    log_seq=entry.seq,
                    submission_id=submission_id,
                    recipient_id=recipient.person_id,
                    channel=recipient.channel,
                    address=recipient.address,
                    language=rendered.language,
                    subject=rendered.subject,
                    body_markdown=rendered.body_markdown,
                    body_html=rendered.body_html,
                )
                session.add(row)
                existing.add(key)
                added.append(row)
    session.flush()
    return added
