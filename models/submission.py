"""Submissions, their answers and the checklist versions they were answered against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, Column, DateTime, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory  # noqa: F401


def utcnow() -> datetime:
    return datetime.now(UTC)


def reference_for(submission_id: int) -> str:
    """The reference people quote: `DFR-00012`."""
    return f"DFR-{submission_id:05d}"


class Submission(SQLModel, table=True):
    __table_args__ = (
        Index("ix_submission_dg_state", "dg_code", "state"),  # the DG overview
        # The finder's newest (or oldest) first, a page at a time, without sorting every
        # submission for each page (`services.search`).
        Index("ix_submission_submitted", "submitted_on", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # initiative | procurement
    title_cy: str
    title_en: str
    summary_cy: str
    summary_en: str
    dg_code: str = Field(foreign_key="directorate.code")
    submitter_id: str = Field(foreign_key="person.id", index=True)
    state: str = Field(max_length=32)  # looked up with its DG: ix_submission_dg_state
    value: Any = Field(default=None, sa_column=Column(Numeric(16, 2), nullable=True))
    phase: str | None = Field(default=None, max_length=16)
    risk: str | None = Field(default=None, max_length=8)
    scrutiny: str | None = Field(default=None, max_length=8)
    submitted_on: date
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    intake_key: str | None = Field(default=None, max_length=64, unique=True)  # idempotent intake
    intake_digest: str | None = Field(default=None, max_length=64)  # the document sent with it
    round: int = 1  # increases with each resubmission
    version: int = 1  # optimistic concurrency: bumped on every state change

    @property
    def reference(self) -> str:
        return reference_for(self.id or 0)

    def title(self, language: str) -> str:
        return self.title_cy if language == "cy" else self.title_en

    def summary(self, language: str) -> str:
        return self.summary_cy if language == "cy" else self.summary_en


class SubmissionHeading(Protocol):
    """What telling people about a submission reads of it: a stored `Submission`, or the
    `NewSubmission` a step that has just written its row makes of it."""

    @property
    def id(self) -> int | None: ...
    @property
    def dg_code(self) -> str: ...
    @property
    def submitter_id(self) -> str: ...
    @property
    def round(self) -> int: ...
    @property
    def risk(self) -> str | None: ...
    @property
    def reference(self) -> str: ...
    def title(self, language: str) -> str: ...


@dataclass(frozen=True, slots=True)
class NewSubmission:
    """A submission's heading from the row just written for it: making a `Submission` object
    of the row (~40 us) costs more than the rest of telling people it was submitted."""

    id: int
    dg_code: str
    submitter_id: str
    round: int
    risk: str | None
    title_cy: str
    title_en: str

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> NewSubmission:
        return cls(
            row["id"],
            row["dg_code"],
            row["submitter_id"],
            row["round"],
            row["risk"],
            row["title_cy"],
            row["title_en"],
        )

    @property
    def reference(self) -> str:
        return reference_for(self.id)

    def title(self, language: str) -> str:
        return self.title_cy if language == "cy" else self.title_en


class ChecklistAnswers(SQLModel, table=True):
    """One round's answers to one checklist, pinned to the exact version and content hash they
    were given against, so changing a checklist never changes an in-flight or past decision."""

    __tablename__ = "checklist_answers"
    __table_args__ = (UniqueConstraint("submission_id", "round", "checklist_id"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id")
    round: int
    checklist_id: str = Field(max_length=64)
    checklist_version: int
    content_hash: str = Field(max_length=64)
    answers: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class RaisedFlag(SQLModel, table=True):
    """A flag the rules raised for a submission round, e.g. "wet-ink signature required"."""

    __tablename__ = "raised_flag"
    __table_args__ = (UniqueConstraint("submission_id", "round", "flag_id"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id")
    round: int
    flag_id: str = Field(max_length=64)
    severity: str = Field(max_length=16)
    checklist_id: str = Field(max_length=64)
    rule_id: str = Field(max_length=64)
