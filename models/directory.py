"""Directorates-General, people and their roles."""

from __future__ import annotations

from datetime import date
from typing import Literal

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

LanguagePreference = Literal["cy", "en", "unknown"]


class Directorate(SQLModel, table=True):
    """A Directorate-General (DG). Its Digital Leader is a role held by one person."""

    code: str = Field(primary_key=True, max_length=16)
    name_cy: str
    name_en: str
    digital_leader_id: str | None = Field(default=None, foreign_key="person.id")
    slack_channel: str | None = Field(default=None, max_length=64)  # the Digital Leader's feed

    def name(self, language: str) -> str:
        return self.name_cy if language == "cy" else self.name_en


class Person(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    name: str
    email: str
    slack_user_id: str | None = None
    # Welsh Language Standards: ask and record the language a person wants, and use it.
    language: str = Field(default="unknown", max_length=8)


class RoleAssignment(SQLModel, table=True):
    """A role held by a person, in one DG or (dg_code None) across all DGs."""

    __tablename__ = "role_assignment"
    # Who holds a role in a DG (assignment, panels, reminders): without it, every review
    # opened read the whole table.
    __table_args__ = (Index("ix_role_assignment_role", "role", "dg_code"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=32)
    dg_code: str | None = Field(default=None, foreign_key="directorate.code")
    discipline: str | None = Field(default=None, max_length=32)


class Delegation(SQLModel, table=True):
    """Absence cover: while it runs, `delegate_id` takes and may decide `person_id`'s reviews."""

    # Whom a person covers for today (every decision asks it of its decider), and the cover
    # page's list: the delegations that have not ended, not years of them.
    __table_args__ = (
        Index("ix_delegation_delegate_id", "delegate_id", "ends_on"),
        Index("ix_delegation_ends_on", "ends_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    delegate_id: str = Field(foreign_key="person.id")
    starts_on: date
    ends_on: date
    reason: str
