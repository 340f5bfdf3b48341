"""The quarterly progress report (Digital Action Plan action 20): a draft per quarter that the
Digital CoE reviews, writes lessons for and publishes; once published, its HTML and PDF in
each language are stored as bytes, their SHA-256 is in the decision log, and nothing about it
changes again.

`figures` is the snapshot of what the report counts, taken when the draft is generated (and
refreshed when it is generated again), so what the CoE reviews is what is published.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory  # noqa: F401

DRAFT = "draft"
PUBLISHED = "published"
FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def utcnow() -> datetime:
    return datetime.now(UTC)


class ProgressReport(SQLModel, table=True):
    """One quarter's report: at most one per quarter, draft or published."""

    __tablename__ = "progress_report"

    id: int | None = Field(default=None, primary_key=True)
    quarter: str = Field(max_length=8, unique=True)  # 2026-Q3
    status: str = Field(default=DRAFT, max_length=16)
    figures: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    lessons_cy: str = ""
    lessons_en: str = ""
    generated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    generated_by_id: str | None = Field(default=None, foreign_key="person.id")
    published_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    published_by_id: str | None = Field(default=None, foreign_key="person.id")
    version: int = 1  # bumped by every change to a draft

    def lessons(self, language: str) -> str:
        return self.lessons_cy if language == "cy" else self.lessons_en


class ProgressReportFile(SQLModel, table=True):
    """A published report's document in one language and format, exactly as published."""

    __tablename__ = "progress_report_file"
    __table_args__ = (UniqueConstraint("report_id", "language", "format"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="progress_report.id")
    language: str = Field(max_length=2)
    format: str = Field(max_length=8)  # html | pdf
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)
