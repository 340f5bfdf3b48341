"""The reminder sweep: find what is due or overdue and record (and log) each reminder or
escalation owed today, once per item, step and due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert
from sqlmodel import Session, col, select

from models import audit
from models.directory import Directorate, RoleAssignment
from models.lifecycle import Role
from models.reminders import Policy, Reminder, step_for
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


def _recipients(chase: Chase, leaders: dict[str, str | None], coe: list[str]) -> list[str]:
    leader = leaders.get(chase.submission.dg_code)
    if chase.step in ("reminder", "final"):
        return [p for p in [chase.owner_id or leader] if p]
    if chase.step == "escalation":
        return [p for p in dict.fromkeys([leader, chase.owner_id]) if p]
    return [p for p in dict.fromkeys([*coe, leader]) if p]


def due_items(session: Session, today: date, policy: Policy) -> list[Chase]:
    """Open tasks and actions that have reached a step not yet sent. A fixed number of queries,
    whatever the number of open items: only those due within the reminder window are read."""
    horizon = add_working_days(today, policy.remind_before)
    chases: list[Chase] = []
    tasks = session.exec(
        select(ReviewTask, Submission)
        .join(Submission, col(Submission.id) == col(ReviewTask.submission_id))
        .where(ReviewTask.status == "open", col(ReviewTask.due_date) <= horizon)
    ).all()
    for task, submission in tasks:
        if task.due_date is None:
            continue
        step = step_for(today, task.due_date, policy)
        if step:
            chases.append(
                Chase(
                    "task",
                    task.id or 0,
                    submission,
                    task.stage,
                    task.due_date,
                    step,
                    task.assignee_id,
                )
            )
    actions = session.exec(
        select(Action, Submission)
        .join(Submission, col(Submission.id) == col(Action.submission_id))
        .where(Action.status == "open", col(Action.due_date) <= horizon)
    ).all()
    for action, submission in actions:
        step = step_for(today, action.due_date, policy)
        if step:
            chases.append(
                Chase(
                    "action",
                    action.id or 0,
                    submission,
                    f"{action.kind}:{action.reference}",
                    action.due_date,
                    step,
                    submission.submitter_id,
                )
            )
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
    leaders = {d.code: d.digital_leader_id for d in session.exec(select(Directorate)).all()}
    coe = sorted(
        set(
            session.exec(
                select(RoleAssignment.person_id).where(RoleAssignment.role == Role.COE.value)
            ).all()
        )
    )
    ordered = sorted(chases, key=lambda c: (c.submission.id or 0, c.item_kind, c.item_id))
    entries = audit.append_many(
        session,
        [
            audit.NewEntry(
                event="reminder.sent",
                actor_id=None,
                submission_id=chase.submission.id,
                payload={
                    "item_kind": chase.item_kind,
                    "item_id": chase.item_id,
                    "what": chase.what,
                    "step": chase.step,
                    "due_date": chase.due.isoformat(),
                    "recipients": _recipients(chase, leaders, coe),
                },
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
