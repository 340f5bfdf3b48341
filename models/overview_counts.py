"""The DG overview's counts, kept by the database itself: submissions per DG and state, and
open review tasks per DG, stage and due date.

Counting them from `submission` and `review_task` on every page view would read a DG's whole
history (every state, finished ones included) and all its open work. Triggers on those two
tables (created by migration 0007, for SQLite and PostgreSQL) keep these tables right for
every writer — the services, a bulk intake, an import, a bench's bulk insert — so the
overview reads one row per state, and one per stage and due date of open work (how many are
overdue is a sum over the dates before today). Nothing writes to them but the triggers; a
due date that no open task has any more loses its row.

They are derived data: an export leaves them out and an import rebuilds them as the rows go
in (`services.backup`).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

# Where an open task has no due date (none has, today), it is counted as due on this day:
# open, never overdue.
NO_DUE_DATE = date(9999, 12, 31)


class SubmissionCount(SQLModel, table=True):
    __tablename__ = "submission_count"

    dg_code: str = Field(primary_key=True)
    state: str = Field(primary_key=True, max_length=32)
    submissions: int = Field(default=0)


class OpenTaskCount(SQLModel, table=True):
    __tablename__ = "open_task_count"

    dg_code: str = Field(primary_key=True)
    stage: str = Field(primary_key=True, max_length=32)
    due_date: date = Field(primary_key=True)
    tasks: int = Field(default=0)
