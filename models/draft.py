"""A submission being written in the web UI, page by page, before it is submitted.

A draft is the policy officer's scratch space: nothing in it is routed or reviewed. Submitting
it runs the same intake as a file from the CLI; the draft then points at the submission, and
its id is the intake key, so submitting twice stores one submission.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory, service_register, submission  # noqa: F401
from models.submission import utcnow


class Draft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=16)  # initiative | procurement
    dg_code: str = Field(foreign_key="directorate.code")
    title_cy: str = ""
    title_en: str = ""
    summary_cy: str = ""
    summary_en: str = ""
    # Answers as the form gave them (strings and lists), per checklist id; typed at submission.
    answers: dict[str, dict[str, Any]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    # Set when the draft answers "changes requested" on an existing submission.
    resubmission_of: int | None = Field(default=None, foreign_key="submission.id")
    submission_id: int | None = Field(default=None, foreign_key="submission.id")  # once sent
    # The register service it changes, or that it creates one (`models.service_links`).
    service_link: str | None = Field(default=None, max_length=16)  # changes | creates
    service_id: int | None = Field(default=None, foreign_key="register_service.id")
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )

    @property
    def intake_key(self) -> str:
        return f"web-draft-{self.id}"

    def as_submission(self) -> dict[str, Any]:
        """The draft in the shape intake takes (the same as a CLI submission file)."""
        return {
            "kind": self.kind,
            "dg": self.dg_code,
            "submitter": self.person_id,
            "title": {"cy": self.title_cy, "en": self.title_en},
            "summary": {"cy": self.summary_cy, "en": self.summary_en},
            "answers": self.answers,
        }
