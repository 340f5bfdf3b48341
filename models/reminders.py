"""Reminders (the table and the pure step rule) for chasing what is due: reminders before a
due date, a final reminder on it, escalations when overdue.

Each item gets at most one message per step and due date (a unique row); after downtime the
sweep sends only the step the item has reached — one message, not one per missed day.
Every reminder and escalation is written to the decision log. The sweep itself is
`services.reminders`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.working_days import working_days_between

STEPS = ("reminder", "final", "escalation", "second_escalation")


class Reminder(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("item_kind", "item_id", "step", "due_date"),)

    id: int | None = Field(default=None, primary_key=True)
    item_kind: str = Field(max_length=16)  # task | action
    item_id: int
    submission_id: int = Field(foreign_key="submission.id", index=True)
    step: str = Field(max_length=24)
    due_date: date
    sent_on: date
    log_seq: int


@dataclass(frozen=True)
class Policy:
    """When to chase, in working days (settings: DFR_REMIND_*)."""

    remind_before: int = 2
    second_escalation_after: int = 5


def step_for(today: date, due: date, policy: Policy) -> str | None:
    """The step an item has reached on `today`. Pure."""
    if today > due:
        late = working_days_between(due, today)
        return "second_escalation" if late >= policy.second_escalation_after else "escalation"
    if today == due:
        return "final"
    if working_days_between(today, due) <= policy.remind_before:
        return "reminder"
    return None
