"""Reminders (the table and the pure step rule) for chasing what is due: reminders before a
due date, a final reminder on it, escalations when overdue.

Each item gets at most one message per step and due date (a unique row); after downtime the
sweep sends only the step the item has reached — one message, not one per missed day.
Every reminder and escalation is written to the decision log. The sweep itself is
`services.reminders`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import submission  # noqa: F401
from models.lifecycle import Role, escalation_chain
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


def escalation_for(
    step: str, first: Role, holders: Mapping[Role, Sequence[str]], excluded: Collection[str]
) -> tuple[Role | None, list[str]]:
    """The level an escalation goes to and the people there. Pure.

    The first escalation goes to the lowest level of `escalation_chain(first)` held by
    someone not `excluded` (the item's owner and their absence cover: escalating to them
    would chase the person who is already late). A second escalation goes one such level
    above that; when there is none above, to the same level again. (None, []) when nobody
    anywhere on the chain may be told.
    """
    levels = [
        (role, sorted({p for p in holders.get(role, ()) if p not in excluded}))
        for role in escalation_chain(first)
    ]
    held = [(role, people) for role, people in levels if people]
    if not held:
        return None, []
    if step == "second_escalation" and len(held) > 1:
        return held[1]
    return held[0]
