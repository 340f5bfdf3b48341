"""The team's response to an assessment report, and its feedback on the assessment.

A challenge names standards, each with the team's reason; the panel upholds or changes each
challenged rating with a rationale, and that answer is final. Each row keeps the rating the
report gave before the challenge, so the history shows what changed. After the report is final
the team may answer a short satisfaction survey once (GOV.UK's five-point scale). The rules are
in `services.report_responses` and `services.report_feedback`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import assessment_report, directory, submission  # noqa: F401
from models.submission import utcnow

ANSWERS = ("upheld", "changed")

# Five points, most satisfied first (GOV.UK's user satisfaction question).
SATISFACTION = {
    5: "very_satisfied",
    4: "satisfied",
    3: "neither",
    2: "dissatisfied",
    1: "very_dissatisfied",
}
SATISFIED = (4, 5)  # "satisfied" or "very satisfied" in the performance figures


class ReportChallenge(SQLModel, table=True):
    """One challenged standard of a report: the team's reason, and the panel's answer."""

    __tablename__ = "report_challenge"
    __table_args__ = (UniqueConstraint("report_id", "standard_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="assessment_report.id")
    standard_id: str = Field(max_length=32)
    original_rating: str = Field(max_length=8)  # the report's rating when challenged
    reason: str
    challenged_by_id: str = Field(foreign_key="person.id")
    challenged_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    answer: str | None = Field(default=None, max_length=8)  # upheld | changed (None: waiting)
    new_rating: str | None = Field(default=None, max_length=8)
    rationale: str | None = None
    answered_by_id: str | None = Field(default=None, foreign_key="person.id")
    answered_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class ReportFeedback(SQLModel, table=True):
    """The team's satisfaction with one assessment, given once per report."""

    __tablename__ = "report_feedback"
    __table_args__ = (UniqueConstraint("report_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="assessment_report.id")
    submission_id: int = Field(foreign_key="submission.id", index=True)
    dg_code: str = Field(foreign_key="directorate.code", max_length=16)
    person_id: str = Field(foreign_key="person.id")
    score: int  # 1 (very dissatisfied) to 5 (very satisfied)
    comment: str = ""
    given_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )
