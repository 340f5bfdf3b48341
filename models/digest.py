"""The weekly digest for each DG's Digital Leader: what came in, what was decided, what is due
this week, what is overdue, and the flags the digital-options checklist raised."""

from __future__ import annotations

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory  # noqa: F401


class Digest(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("dg_code", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    dg_code: str = Field(foreign_key="directorate.code")
    week_start: date
    log_seq: int
