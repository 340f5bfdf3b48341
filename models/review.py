"""Review tasks (human steps with an assignee and a due date), decisions and follow-up actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory, submission  # noqa: F401
from models.submission import utcnow


class ReviewTask(SQLModel, table=True):
    """One stage of one submission. Pending until its turn, then open until decided."""

    __tablename__ = "review_task"
    __table_args__ = (
        UniqueConstraint("submission_id", "stage", "round", "attempt"),
        # "Your work" reads a person's open tasks by due date; the DG overview a DG's, by stage
        # and due date (and counts them from this index alone). Both end with the id, the
        # queues' tie-break (ORDER BY due_date, id), so a page's first rows are the index's
        # first entries: without it PostgreSQL reads every task due on the first date before it
        # sorts (SQLite's index entries end with the row id anyway).
        Index("ix_review_task_assignee_status", "assignee_id", "status", "due_date", "id"),
        Index("ix_review_task_dg_open", "dg_code", "status", "stage", "due_date", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id")
    # The submission's DG, copied here (a submission never changes DG) so a DG's queue is read
    # from this table's index alone.
    dg_code: str = Field(foreign_key="directorate.code", max_length=16)
    stage: str = Field(max_length=32)
    position: int  # order on the route
    round: int  # the submission round it belongs to
    attempt: int = 1  # a red assessment opens a new attempt for the red points
    checklist_id: str | None = Field(default=None, max_length=64)  # the standard set assessed
    checklist_version: int | None = None  # pinned when routed, so later versions change nothing
    scope: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    status: str = Field(max_length=16, index=True)  # pending | open | decided | cancelled
    assignee_id: str | None = Field(default=None, foreign_key="person.id")
    due_date: date | None = None
    opened_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    closed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class Decision(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("task_id"),)  # one decision per task, ever

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="review_task.id")
    submission_id: int = Field(foreign_key="submission.id", index=True)
    stage: str = Field(max_length=32)
    outcome: str = Field(max_length=32)
    rationale: str  # Markdown, sanitised when displayed
    actor_id: str = Field(foreign_key="person.id", index=True)
    decided_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    log_seq: int  # the decision-log entry that records it


class StandardRating(SQLModel, table=True):
    """Red/amber/green for one standard in one assessment decision."""

    __tablename__ = "standard_rating"
    __table_args__ = (UniqueConstraint("decision_id", "standard_id"),)

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id")
    checklist_id: str = Field(max_length=64)
    standard_id: str = Field(max_length=32)
    rating: str = Field(max_length=8)
    done_well: str = ""
    to_explore: str = ""


class Action(SQLModel, table=True):
    """Something owed after a decision: a condition, an amber action, or a recorded obligation."""

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    # indexed: a decision's conditions and amber actions are read with it (its report, the
    # submission's page), not by reading every action ever owed
    decision_id: int | None = Field(default=None, foreign_key="decision.id", index=True)
    kind: str = Field(max_length=16)  # condition | amber_action | obligation
    reference: str = Field(max_length=64)  # standard id, obligation id, or condition number
    text: str
    extra: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    due_date: date
    # open | reported_done | done | sent_back | cancelled (models/action_lifecycle.py)
    status: str = Field(default="open", max_length=16)
    # The submitter's report that it is done, and the reviewer's answer to it (the latest of
    # each; every one is in the decision log).
    note: str | None = None
    evidence_url: str | None = Field(default=None, max_length=2_000)
    reported_by_id: str | None = Field(default=None, foreign_key="person.id")
    reported_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    reviewed_by_id: str | None = Field(default=None, foreign_key="person.id")
    reviewed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    sent_back_reason: str | None = None

    def text_in(self, language: str) -> str:
        """The text in `language`: obligations carry a Welsh text; people write the rest."""
        return str((self.extra or {}).get("text_cy", self.text)) if language == "cy" else self.text


class PanelMember(SQLModel, table=True):
    """A member of a Service Standard assessment panel: a lead assessor plus assessors of
    different disciplines (GDS service assessments)."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("task_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="review_task.id")
    person_id: str = Field(foreign_key="person.id", index=True)
    panel_role: str = Field(max_length=16)  # lead | assessor
    discipline: str | None = Field(default=None, max_length=32)
