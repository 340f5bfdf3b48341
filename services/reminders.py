"""The reminder sweep: find what is due or overdue and record (and log) each reminder or
escalation owed today, once per item, step and due date.

Reminders go to whoever holds the item; escalations go to the stage's `escalate_to` role (the
DG's Digital Leader for the submitter's conditions, amber actions and obligations), then up
the ladder in models/lifecycle.py, never back to the holder or their absence cover.

A sent assessment report waits for the team's answer: the team is reminded before its last
day and on it, never escalated (silence counts as acceptance, recorded by
`services.report_responses.accept_by_silence`, which the same scheduled sweep runs first). A
challenged report waits for the panel: its lead is chased and escalated like a review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, insert, or_
from sqlmodel import Session, col, select

from models import audit
from models.action_lifecycle import SUBMITTER_HOLDS
from models.assessment_report import AssessmentReport
from models.directory import Delegation, Directorate, RoleAssignment
from models.lifecycle import ACTIONS_ESCALATE_TO, ESCALATION_LADDER, STAGES, Role, Stage
from models.reminders import Policy, Reminder, escalation_for, step_for
from models.review import Action, ReviewTask
from models.submission import Submission
from models.working_days import add_working_days


@dataclass(frozen=True)
class Chase:
    item_kind: str
    item_id: int
    submission: Submission
    what: str  # stage name, or condition / amber action / obligation reference
    due: date
    step: str
    owner_id: str | None  # the assignee (task) or the submitter (action)


@dataclass(frozen=True)
class Escalations:
    """Who holds each escalation level in each DG, and today's absence cover: read once per
    sweep (a fixed number of queries, whatever the number of items), then used in memory."""

    holders: dict[str, dict[Role, list[str]]]  # DG code → level → people
    cover: list[tuple[str, str]]  # (absent person, delegate) for delegations running today

    @classmethod
    def read(cls, session: Session, today: date) -> Escalations:
        levels = {*ESCALATION_LADDER, *(rule.escalate_to for rule in STAGES.values())}
        holders: dict[str, dict[Role, list[str]]] = {
            dg.code: {Role.DIGITAL_LEADER: [dg.digital_leader_id] if dg.digital_leader_id else []}
            for dg in session.exec(select(Directorate))
        }
        for held in session.exec(
            select(RoleAssignment).where(
                col(RoleAssignment.role).in_([r.value for r in levels if r != Role.DIGITAL_LEADER])
            )
        ):
            for dg_code, roles in holders.items():
                if held.dg_code in (None, dg_code):  # None: the role covers every DG
                    roles.setdefault(Role(held.role), []).append(held.person_id)
        cover = [
            (d.person_id, d.delegate_id)
            for d in session.exec(
                select(Delegation).where(
                    col(Delegation.starts_on) <= today, col(Delegation.ends_on) >= today
                )
            )
        ]
        return cls(holders, cover)

    def leader(self, dg_code: str) -> str | None:
        return next(iter(self.holders.get(dg_code, {}).get(Role.DIGITAL_LEADER, [])), None)

    def owner_and_cover(self, owner_id: str | None) -> set[str]:
        """The owner, whoever covers for them and whoever they cover for."""
        if owner_id is None:
            return set()
        return {
            owner_id,
            *(delegate for absent, delegate in self.cover if absent == owner_id),
            *(absent for absent, delegate in self.cover if delegate == owner_id),
        }


def _first_level(chase: Chase) -> Role:
    if chase.item_kind == "task":
        return STAGES[Stage(chase.what)].escalate_to
    if chase.item_kind in ("report", "challenge"):
        return STAGES[Stage.SERVICE_ASSESSMENT].escalate_to
    return ACTIONS_ESCALATE_TO


def _recipients(chase: Chase, escalations: Escalations) -> tuple[list[str], Role | None]:
    """Reminders go to the owner (the DG's Digital Leader when nobody holds the item yet);
    escalations up the ladder, never to the owner or their absence cover."""
    if chase.step in ("reminder", "final"):
        owner = chase.owner_id or escalations.leader(chase.submission.dg_code)
        return ([owner] if owner else []), None
    level, people = escalation_for(
        chase.step,
        _first_level(chase),
        escalations.holders.get(chase.submission.dg_code, {}),
        escalations.owner_and_cover(chase.owner_id),
    )
    return people, level


def _payload(chase: Chase, escalations: Escalations) -> dict[str, Any]:
    recipients, level = _recipients(chase, escalations)
    payload: dict[str, Any] = {
        "item_kind": chase.item_kind,
        "item_id": chase.item_id,
        "what": chase.what,
        "step": chase.step,
        "due_date": chase.due.isoformat(),
        "recipients": recipients,
    }
    if level is not None:
        payload["escalated_to"] = level.value
    return payload


Item = tuple[str, int, Submission, str, date, str | None]


def _awaited(report: AssessmentReport, submission: Submission) -> Item | None:
    """A report waiting for an answer: the team's (sent) or its lead's (challenged)."""
    if report.status == "sent" and report.response_due:
        return ("response", report.id or 0, submission, "response", report.response_due,
                submission.submitter_id)  # fmt: skip
    if report.status == "challenged" and report.challenge_due:
        return ("challenge", report.id or 0, submission, "challenge", report.challenge_due,
                report.lead_id)  # fmt: skip
    return None


def due_items(session: Session, today: date, policy: Policy) -> list[Chase]:
    """Open tasks and actions that have reached a step not yet sent. A fixed number of queries,
    whatever the number of open items: only those due within the reminder window are read."""
    horizon = add_working_days(today, policy.remind_before)
    tasks = session.exec(
        select(ReviewTask, Submission)
        .join(Submission, col(Submission.id) == col(ReviewTask.submission_id))
        .where(ReviewTask.status == "open", col(ReviewTask.due_date) <= horizon)
    ).all()
    actions = session.exec(
        select(Action, Submission)
        .join(Submission, col(Submission.id) == col(Action.submission_id))
        # A condition or action reported done waits on its reviewer: nobody chases the
        # submitter for it (sent back, it is theirs again).
        .where(col(Action.status).in_(SUBMITTER_HOLDS), col(Action.due_date) <= horizon)
    ).all()
    # An assessment report is chased like a review until it is sent: its lead holds it.
    reports = session.exec(
        select(AssessmentReport, Submission)
        .join(Submission, col(Submission.id) == col(AssessmentReport.submission_id))
        .where(AssessmentReport.status == "draft", col(AssessmentReport.due_date) <= horizon)
    ).all()
    # A sent report waits for the team's answer; a challenged one for its lead's.
    answers = session.exec(
        select(AssessmentReport, Submission)
        .join(Submission, col(Submission.id) == col(AssessmentReport.submission_id))
        .where(
            or_(
                and_(
                    col(AssessmentReport.status) == "sent",
                    col(AssessmentReport.response_due) <= horizon,
                    col(AssessmentReport.response_due) >= today,  # after it: silence accepts
                ),
                and_(
                    col(AssessmentReport.status) == "challenged",
                    col(AssessmentReport.challenge_due) <= horizon,
                ),
            )
        )
    ).all()
    # (kind, id, submission, what, due date, owner): a task's owner is its assignee, an
    # action's the submitter, a report's its lead; the team's answer to a report is its
    # submitter's, the answer to a challenge the lead's.
    items: list[Item] = (
        [
            ("task", task.id or 0, submission, task.stage, task.due_date, task.assignee_id)
            for task, submission in tasks
            if task.due_date is not None
        ]
        + [
            (
                "action",
                action.id or 0,
                submission,
                f"{action.kind}:{action.reference}",
                action.due_date,
                submission.submitter_id,
            )
            for action, submission in actions
        ]
        + [
            ("report", report.id or 0, submission, "report", report.due_date, report.lead_id)
            for report, submission in reports
        ]
        + [item for report, submission in answers if (item := _awaited(report, submission))]
    )
    chases = [
        Chase(kind, item_id, submission, what, due, step, owner)
        for kind, item_id, submission, what, due, owner in items
        if (step := step_for(today, due, policy))
    ]
    if not chases:
        return []
    sent = {
        (r.item_kind, r.item_id, r.step, r.due_date)
        for r in session.exec(
            select(Reminder).where(col(Reminder.item_id).in_({c.item_id for c in chases}))
        ).all()
    }
    return [c for c in chases if (c.item_kind, c.item_id, c.step, c.due) not in sent]


def sweep(session: Session, today: date, policy: Policy | None = None) -> list[Reminder]:
    """Record (and log) every reminder and escalation owed today; return the new rows."""
    policy = policy or Policy()
    chases = due_items(session, today, policy)
    if not chases:
        return []
    escalations = Escalations.read(session, today)
    ordered = sorted(chases, key=lambda c: (c.submission.id or 0, c.item_kind, c.item_id))
    entries = audit.append_many(
        session,
        [
            audit.NewEntry(
                event="reminder.sent",
                actor_id=None,
                submission_id=chase.submission.id,
                payload=_payload(chase, escalations),
            )
            for chase in ordered
        ],
    )
    made = [
        Reminder(
            item_kind=chase.item_kind,
            item_id=chase.item_id,
            submission_id=chase.submission.id or 0,
            step=chase.step,
            due_date=chase.due,
            sent_on=today,
            log_seq=entry.seq,
        )
        for chase, entry in zip(ordered, entries, strict=True)
    ]
    # One executemany, not one INSERT per reminder: the sweep's statement count stays fixed.
    session.execute(insert(Reminder), [r.model_dump(exclude={"id"}) for r in made])
    session.flush()
    return made
