"""The register of transactional services (Digital Action Plan action 12): what each service
is, who runs it and how people can use it. Its monthly figures are `models.service_returns`.

The vocabulary (customer types, channels, phases) is fixed here because the KPI formulas and
the open data depend on it; transaction types are data (`TransactionType`), as the UK's
Transactions Explorer kept them, so the CoE can add one without a release.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel

from dfr.labels import N_

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory  # noqa: F401

CUSTOMER_TYPES = {
    "citizens": N_("citizens"),
    "businesses": N_("businesses"),
    "public_sector": N_("public sector"),
}

# The channels a transaction can start and finish in; "online" is the digital one (FACTS.md,
# GDS's service data: online, phone, paper, face to face, other).
CHANNELS = {
    "online": N_("online"),
    "phone": N_("phone"),
    "paper": N_("paper"),
    "face_to_face": N_("face to face"),
    "other": N_("other"),
}
DIGITAL_CHANNEL = "online"

PHASES = {
    "not_yet_digital": N_("not yet digital"),
    "discovery": N_("discovery"),
    "alpha": N_("alpha"),
    "beta": N_("beta"),
    "live": N_("live"),
    "retired": N_("retired"),
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class TransactionType(SQLModel, table=True):
    """A kind of transaction (making a payment, applying for a licence…), named in both
    languages."""

    __tablename__ = "service_transaction_type"

    code: str = Field(primary_key=True, max_length=32)
    name_cy: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_cy if language == "cy" else self.name_en


class Service(SQLModel, table=True):
    """A transactional service on the register. `slug` is its stable public address
    (`/services/<slug>`) and its key in CSV files."""

    __tablename__ = "register_service"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name_cy: str
    name_en: str
    description_cy: str
    description_en: str
    dg_code: str = Field(foreign_key="directorate.code", index=True)
    transaction_type: str = Field(foreign_key="service_transaction_type.code", max_length=32)
    customer_type: str = Field(max_length=16)
    channels: list[str] = Field(sa_column=Column(JSON, nullable=False))
    assisted_digital: bool = False
    phase: str = Field(max_length=16)
    web_address: str | None = Field(default=None, max_length=2000)
    # Who answers for it: enters its monthly returns and is chased when one is late.
    owner_id: str | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    version: int = 1

    def name(self, language: str) -> str:
        return self.name_cy if language == "cy" else self.name_en

    def description(self, language: str) -> str:
        return self.description_cy if language == "cy" else self.description_en

    def facts(self) -> dict[str, Any]:
        """What the decision log records of the entry (everything a person can change)."""
        return {
            "slug": self.slug,
            "name": {"cy": self.name_cy, "en": self.name_en},
            "description": {"cy": self.description_cy, "en": self.description_en},
            "dg": self.dg_code,
            "transaction_type": self.transaction_type,
            "customer_type": self.customer_type,
            "channels": list(self.channels),
            "assisted_digital": self.assisted_digital,
            "phase": self.phase,
            "web_address": self.web_address,
        }
