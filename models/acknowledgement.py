"""Acknowledging a new submission to its submitter: within 2 working days of its arrival (the
old spend-control service level: "acknowledge in 2 working days"), when a reviewer first opens
it or, if nobody has, automatically. Once per submission, ever: the row's key is the
submission. The rules are in `services.acknowledgements`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory, submission  # noqa: F401
from models.submission import utcnow
from models.working_days import add_working_days

ACKNOWLEDGE_WITHIN_WORKING_DAYS = 2


def acknowledgement_due(submitted_on: date) -> date:
    """The last day a submission may wait for its acknowledgement. Pure."""
    return add_working_days(submitted_on, ACKNOWLEDGE_WITHIN_WORKING_DAYS)


class Acknowledgement(SQLModel, table=True):
    """A submission acknowledged: when, and who opened it (None: the reminder sweep did it,
    nobody having opened it in time)."""

    __tablename__ = "submission_acknowledgement"

    submission_id: int = Field(foreign_key="submission.id", primary_key=True)
    acknowledged_on: date
    acknowledged_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    opened_by_id: str | None = Field(default=None, foreign_key="person.id")
    log_seq: int
