"""Booking a Service Standard assessment: its date, each panel member's declaration of
interests, and the links to evidence the service team gives the panel.

The panel itself is `models.review.PanelMember` (the lead, assessors of each discipline,
observers); a booking belongs to one assessment review task (one attempt of the stage).
The rules are in `services.panels`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory, review, submission  # noqa: F401
from models.submission import utcnow

# A panel: a lead assessor plus assessors of user research, design and technology; a
# performance analyst joins at beta and live; observers are optional (GDS service assessments).
CORE_DISCIPLINES = ("user_research", "design", "technical")
ANALYST_PHASES = ("beta", "live")
EVIDENCE_KINDS = ("research", "design", "code", "performance", "other")


def disciplines_for(phase: str | None) -> tuple[str, ...]:
    """The assessor seats a panel needs at `phase`. Pure."""
    return CORE_DISCIPLINES + (("performance",) if phase in ANALYST_PHASES else ())


class AssessmentBooking(SQLModel, table=True):
    """The date of one assessment (one review task), and who booked it."""

    __tablename__ = "assessment_booking"
    __table_args__ = (UniqueConstraint("task_id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="review_task.id")
    submission_id: int = Field(foreign_key="submission.id", index=True)
    assessment_date: date
    booked_by_id: str = Field(foreign_key="person.id")
    booked_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class InterestDeclaration(SQLModel, table=True):
    """A panel member's declaration of interests for one assessment: none, or a conflict
    (what and why), which takes them off that panel. One per person per assessment."""

    __tablename__ = "interest_declaration"
    __table_args__ = (UniqueConstraint("task_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="review_task.id")
    person_id: str = Field(foreign_key="person.id")
    panel_role: str = Field(max_length=16)  # lead | assessor | observer, when they declared
    discipline: str | None = Field(default=None, max_length=32)
    conflicted: bool
    detail: str = ""  # what the conflict is and why (empty when none)
    declared_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    log_seq: int


class EvidenceLink(SQLModel, table=True):
    """A link the service team gives the panel: research, designs, code, the performance
    framework."""

    __tablename__ = "evidence_link"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="review_task.id", index=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    kind: str = Field(max_length=16)
    url: str = Field(max_length=2_000)
    description: str = Field(max_length=200)
    added_by_id: str = Field(foreign_key="person.id")
    added_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


def booking_of(session: Session, task_id: int) -> AssessmentBooking | None:
    """The assessment task's booking (date and panel), if it has been booked."""
    return session.exec(
        select(AssessmentBooking).where(AssessmentBooking.task_id == task_id)
    ).one_or_none()
