"""How many submissions each DG has in each state, kept by the database itself.

The DG overview shows a count for every state, finished ones included; counting them from
`submission` would read the DG's whole history on every page view. Triggers on `submission`
(created by migration 0007, for SQLite and PostgreSQL) keep this table right for every
writer — the services, a bulk intake, an import, a bench's bulk insert — so reading a DG's
counts touches one row per state, however long its history. Nothing writes to it but them.

It is derived data: an export leaves it out and an import rebuilds it as the submissions go
in (`services.backup`).
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class SubmissionCount(SQLModel, table=True):
    __tablename__ = "submission_count"

    dg_code: str = Field(primary_key=True)
    state: str = Field(primary_key=True, max_length=32)
    submissions: int = Field(default=0)
