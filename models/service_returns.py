"""Monthly data returns: per service and month, transactions started and completed by channel,
the total cost of the service (all channels) and satisfaction responses on the five-point
scale.

A figure is a number, "not applicable" (the service has no such thing: no phone channel, no
survey) or "not provided" (it exists but nobody sent it). Both differ from zero and are never
shown or counted as one: a figure's column is NULL unless it is a number, and `not_applicable`
lists the NULL figures that are not applicable; any other NULL is not provided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final, Literal

from sqlalchemy import JSON, Column, DateTime, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from dfr.labels import N_

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory, service_register  # noqa: F401
from models.service_register import CHANNELS

# The five-point scale, from FACTS.md (very dissatisfied … very satisfied).
SATISFACTION_SCALE = {
    "very_dissatisfied": N_("very dissatisfied"),
    "dissatisfied": N_("dissatisfied"),
    "neither": N_("neither satisfied nor dissatisfied"),
    "satisfied": N_("satisfied"),
    "very_satisfied": N_("very satisfied"),
}
SATISFIED = ("satisfied", "very_satisfied")

STARTED = tuple(f"started_{channel}" for channel in CHANNELS)
COMPLETED = tuple(f"completed_{channel}" for channel in CHANNELS)
SATISFACTION = tuple(f"satisfaction_{point}" for point in SATISFACTION_SCALE)
COST = "total_cost"
# Every figure of a return, in the order of the CSV's columns.
FIGURES = (*STARTED, *COMPLETED, COST, *SATISFACTION)

NOT_APPLICABLE: Final = "not_applicable"
NOT_PROVIDED: Final = "not_provided"
Absence = Literal["not_applicable", "not_provided"]
Figure = int | Decimal | Absence


def utcnow() -> datetime:
    return datetime.now(UTC)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


class MonthlyReturn(SQLModel, table=True):
    """One service's return for one month (`month` is its first day)."""

    __tablename__ = "service_return"
    __table_args__ = (UniqueConstraint("service_id", "month", name="uq_service_return_month"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="register_service.id")
    month: date = Field(index=True)
    started_online: int | None = None
    started_phone: int | None = None
    started_paper: int | None = None
    started_face_to_face: int | None = None
    started_other: int | None = None
    completed_online: int | None = None
    completed_phone: int | None = None
    completed_paper: int | None = None
    completed_face_to_face: int | None = None
    completed_other: int | None = None
    total_cost: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(16, 2), nullable=True)
    )
    satisfaction_very_dissatisfied: int | None = None
    satisfaction_dissatisfied: int | None = None
    satisfaction_neither: int | None = None
    satisfaction_satisfied: int | None = None
    satisfaction_very_satisfied: int | None = None
    not_applicable: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recorded_by_id: str = Field(foreign_key="person.id")
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    version: int = 1  # 1 when first sent; each correction adds one

    def figure(self, name: str) -> Figure:
        """A figure as the KPIs read it: its number, or why there is none."""
        return self.figures()[name]

    def figures(self) -> dict[str, Figure]:
        columns = {name: getattr(self, name) for name in FIGURES}
        return figures_of(columns, self.not_applicable)

    def logged(self) -> dict[str, Any]:
        """The figures as the decision log records them (numbers as text, absences by name)."""
        return {
            name: str(value) if not isinstance(value, str) else value
            for name, value in self.figures().items()
        }


def figures_of(columns: Mapping[Any, Any], not_applicable: Sequence[str]) -> dict[str, Figure]:
    """A return's figures from its columns (a row or a `MonthlyReturn`): each number, or why
    there is none."""
    figures: dict[str, Figure] = {}
    for name in FIGURES:
        value = columns[name]
        if value is not None:
            figures[name] = value
        elif name in not_applicable:
            figures[name] = NOT_APPLICABLE
        else:
            figures[name] = NOT_PROVIDED
    return figures
