"""Who is told what: for each decision-log entry, the messages it calls for and the people (and
DG Slack channels) who get each, through which channels. Reads the directory only."""

from __future__ import annotations

from dataclasses import dataclass

from dfr.settings import Settings
from models.audit import Logged
from models.directory_lookup import DirectoryLookup, KnownDirectorate, KnownPerson
from models.lifecycle import Role
from models.submission import SubmissionHeading


@dataclass(frozen=True)
class Recipient:
    key: str  # person id, or "dg:EST" for a DG feed
    person_id: str | None
    name: str
    language: str  # cy | en | unknown
    channel: str
    address: str


def channels_for(person: KnownPerson, settings: Settings) -> list[tuple[str, str]]:
    """Slack DM and/or email when configured; the outbox when neither is."""
    found = []
    if settings.slack_enabled and person.slack_user_id:
        found.append(("slack_dm", person.slack_user_id))
    if settings.email_enabled and person.email:
        found.append(("email", person.email))
    if not settings.slack_enabled and not settings.email_enabled:
        found.append(("outbox", person.email))
    return found


def people(
    directory: DirectoryLookup, person_ids: list[str | None], settings: Settings
) -> list[Recipient]:
    """Each known person once, on each of their channels."""
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


def dg_feed(dg: KnownDirectorate | None, settings: Settings) -> list[Recipient]:
    """The DG's Slack channel, when Slack is on and the DG has one."""
    if dg is None or not (settings.slack_enabled and dg.slack_channel):
        return []
    return [
        Recipient(f"dg:{dg.code}", None, dg.name_en, "unknown", "slack_channel", dg.slack_channel)
    ]


def messages_for(
    entry: Logged,
    submission: SubmissionHeading,
    dg: KnownDirectorate | None,
    directory: DirectoryLookup,
    settings: Settings,
) -> list[tuple[str, list[Recipient]]]:
    """(message, recipients) for each message one log entry calls for."""
    s, payload = submission, entry.payload
    leader = dg.digital_leader_id if dg else None
    feed = dg_feed(dg, settings)
    if entry.event == "submission.submitted":
        return [("submitted", people(directory, [s.submitter_id], settings) + feed)]
    if entry.event == "submission.acknowledged":
        return [("acknowledged", people(directory, [s.submitter_id], settings))]
    if entry.event in {"task.opened", "task.reassigned"} and payload.get("assignee_id"):
        panel = [member["person_id"] for member in payload.get("panel") or []]
        told = [payload["assignee_id"], *panel]
        return [("task_assigned", people(directory, told, settings))]
    if entry.event == "decision.recorded":
        others = [p for p in [leader] if p not in (entry.actor_id, s.submitter_id)]
        if payload.get("outcome") == "request_changes":
            return [
                ("changes_requested", people(directory, [s.submitter_id], settings)),
                ("decision_recorded", people(directory, others, settings) + feed),
            ]
        return [
            ("decision_recorded", people(directory, [s.submitter_id, *others], settings) + feed)
        ]
    if entry.event == "reminder.sent":
        message = "reminder" if payload["step"] in ("reminder", "final") else "escalation"
        return [(message, people(directory, payload.get("recipients") or [], settings))]
    if entry.event == "action.reported_done":
        return [("action_reported_done", people(directory, [payload.get("reviewer_id")], settings))]
    if entry.event in {"action.confirmed", "action.sent_back"}:
        message = "action_confirmed" if entry.event == "action.confirmed" else "action_sent_back"
        return [(message, people(directory, [s.submitter_id], settings))]
    if entry.event in {"assessment.booked", "panel.member_replaced"}:
        panel = [member["person_id"] for member in payload.get("panel") or []]
        told = [s.submitter_id, payload.get("lead_id"), *panel, *(payload.get("observers") or [])]
        told = [p for p in told if p != entry.actor_id]
        return [("assessment_booked", people(directory, told, settings))]
    if entry.event == "report.sent":
        told = [s.submitter_id, leader, *(payload.get("panel") or [])]
        return [("report_sent", people(directory, told, settings))]
    if entry.event in {"report.accepted", "report.accepted_by_silence"}:
        # The team is asked for its feedback; the panel and the DG's Digital Leader told.
        told = [s.submitter_id, leader, *(payload.get("panel") or [])]
        return [("report_accepted", people(directory, told, settings))]
    if entry.event == "report.challenged":
        told = [payload.get("lead_id"), *(payload.get("panel") or []), leader]
        return [("report_challenged", people(directory, told, settings))]
    if entry.event == "report.challenge_decided":
        told = [s.submitter_id, leader, *(payload.get("panel") or [])]
        told = [p for p in told if p != entry.actor_id]
        return [("challenge_decided", people(directory, told, settings))]
    if entry.event == "assessment.rated":
        return [("ratings_sent", people(directory, [payload.get("lead_id")], settings))]
    if entry.event == "panel.conflict_declared":
        # The Digital CoE replaces them (the DG's Digital Leader when it has nobody).
        coe: list[str | None] = [
            p for p in directory.role_holders(Role.COE, s.dg_code) if p != entry.actor_id
        ]
        return [("panel_conflict", people(directory, coe or [leader], settings))]
    if entry.event == "register.proposed":
        # The Digital CoE accepts or dismisses it (administrators may too, when there is no CoE).
        keepers = directory.role_holders(Role.COE, s.dg_code) or directory.role_holders(
            Role.ADMIN, s.dg_code
        )
        return [("register_proposal", people(directory, list(keepers), settings))]
    if entry.event in {"submission.completed", "submission.withdrawn"}:
        told = [s.submitter_id, leader] if entry.event == "submission.completed" else [leader]
        return [("final_outcome", people(directory, told, settings) + feed)]
    return []
