"""Rating an assessment: each assessor's rating and notes on the standards their discipline
covers, and the lead assessor's draft of the settled ratings (saved before they decide).

The lead settles each standard's rating and the overall result with the decision itself
(`services.decide`, the existing rules); these rows are the notes that lead to it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory, review  # noqa: F401
from models.submission import utcnow

# Which panel seat rates which standard: user research, design, technology and performance
# analysis each take the standards of their discipline (GDS service assessments); the lead
# assessor takes the rest (the team, ways of working, the service owner) and may rate any.
# A performance standard falls to the lead where the panel has no analyst (alpha).
COVERS: dict[str, dict[str, tuple[str, ...]]] = {
    "service_standard_wales": {
        "w02": ("design",),  # promote the Welsh language
        "w03": ("user_research",),
        "w04": ("design",),
        "w05": ("design", "user_research"),
        "w09": ("technical",),  # work in the open
        "w10": ("technical",),
        "w11": ("technical",),
        "w12": ("performance",),  # use data to make decisions
    },
    "service_standard_uk": {
        "uk01": ("user_research",),
        "uk02": ("user_research", "design"),
        "uk03": ("design",),
        "uk04": ("design",),
        "uk05": ("design", "user_research"),
        "uk09": ("technical",),
        "uk10": ("performance",),
        "uk11": ("technical",),
        "uk12": ("technical",),
        "uk13": ("technical",),
        "uk14": ("technical",),
    },
}


def numbers(standards: list[str]) -> str:
    """Standards by their numbers, as people name them (`w03`, `uk10` → `3, 10`). Pure."""
    return ", ".join(str(int(digits)) if (digits := re.sub(r"\D", "", s)) else s for s in standards)


def covered_by(
    checklist_id: str, standards: list[str], discipline: str | None, seats: set[str]
) -> list[str]:
    """The standards (of `standards`, in order) that the `discipline` seat rates; None is the
    lead, who rates those no seat on this panel (`seats`) covers. Pure."""
    table = COVERS.get(checklist_id, {})
    if discipline is None:
        return [s for s in standards if not set(table.get(s, ())) & seats]
    return [s for s in standards if discipline in table.get(s, ())]


class AssessorRating(SQLModel, table=True):
    """One panel member's rating of one standard, with what the team did well and what it
    needs to explore. `final` once they have sent their ratings to the lead."""

    __tablename__ = "assessor_rating"
    __table_args__ = (UniqueConstraint("task_id", "person_id", "standard_id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="review_task.id")
    person_id: str = Field(foreign_key="person.id")
    standard_id: str = Field(max_length=32)
    rating: str = Field(default="", max_length=8)  # red | amber | green | "" (not yet)
    done_well: str = ""
    to_explore: str = ""
    final: bool = False
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class SettlementDraft(SQLModel, table=True):
    """The lead assessor's saved draft of the settled ratings, overall result and rationale."""

    __tablename__ = "settlement_draft"
    __table_args__ = (UniqueConstraint("task_id"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="review_task.id")
    saved_by_id: str = Field(foreign_key="person.id")
    ratings: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    outcome: str = Field(default="", max_length=8)
    rationale: str = ""
    saved_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
