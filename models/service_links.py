"""What links a submission to the register of services: the service it changes, or that it
creates a new one (Digital Action Plan action 12: "submissions and assessments link to the
service they create or change"). Rules are in `services.service_links`.

A submission that builds a new service and is approved without a link is a *proposal* for a
register entry: the CoE accepts it (the entry is made, linked) or dismisses it with a reason
(`ProposalDismissal`). A late monthly return is chased once per service, month and step
(`LateReturnReminder`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from dfr.labels import N_

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory, service_register, submission  # noqa: F401

CHANGES, CREATES = "changes", "creates"
LINK_KINDS = {
    CHANGES: N_("changes a service on the register"),
    CREATES: N_("creates a new service"),
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class ServiceLink(SQLModel, table=True):
    """A submission's link to the register: the service it changes, or (`service_id` None
    until the CoE adds the entry) a new service it creates."""

    __tablename__ = "service_link"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", unique=True)
    kind: str = Field(max_length=16)  # changes | creates
    service_id: int | None = Field(default=None, foreign_key="register_service.id", index=True)
    linked_by_id: str = Field(foreign_key="person.id")
    linked_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class ProposalDismissal(SQLModel, table=True):
    """The CoE decided an approved submission needs no register entry, and why."""

    __tablename__ = "register_proposal_dismissal"

    submission_id: int = Field(foreign_key="submission.id", primary_key=True)
    reason: str
    dismissed_by_id: str = Field(foreign_key="person.id")
    dismissed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class LateReturnReminder(SQLModel, table=True):
    """A late monthly return chased: `reminder` to the service owner, then `escalation` to
    the DG's Digital Leader; once each per service and month."""

    __tablename__ = "late_return_reminder"
    __table_args__ = (UniqueConstraint("service_id", "month", "step"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="register_service.id")
    month: date
    step: str = Field(max_length=16)  # reminder | escalation
    sent_on: date
    log_seq: int
