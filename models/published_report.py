"""Published assessment reports: what the public sees of an accepted report (GOV.UK publishes
service standard reports once the team accepts them; DfE the same).

A publication is a series of immutable versions: each version is a snapshot of the public text
in Welsh and English, with its content hash (also in the decision log). A correction adds a
version with its reason; withdrawing keeps every version but shows only a notice. The columns
on `PublishedReport` repeat what the public finder filters and sorts on, so the finder reads
one table through its indexes.

Redaction is pure: the lead names phrases to withhold (junior staff's names, security
detail); each place a phrase appears, in either language, is replaced by a placeholder.
Panel members other than the lead are named by role only, never by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from checklists.canonical import sha256_hex
from dfr.i18n import gettext
from dfr.labels import N_

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import assessment_report, directory, submission  # noqa: F401

LANGUAGES = ("cy", "en")
PHASES = ("alpha", "beta", "live")
RESULTS = ("red", "amber", "green")
WITHHELD = N_("[withheld]")
SHORTEST_REDACTION = 3  # a shorter phrase would blank out parts of ordinary words


class PublishedReport(SQLModel, table=True):
    """One published report at its stable address `/reports/<slug>`."""

    __tablename__ = "published_report"
    __table_args__ = (
        UniqueConstraint("report_id"),
        UniqueConstraint("slug"),
        # The finder: published reports, newest assessment first.
        Index("ix_published_report_finder", "status", "assessed_on", "id"),
        # A faceted search counts what it keeps from the facets' rows, not from every report.
        Index("ix_published_report_facets", "status", "dg_code", "result", "phase", "assessed_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="assessment_report.id")
    submission_id: int = Field(foreign_key="submission.id", index=True)
    slug: str = Field(max_length=64)
    status: str = Field(default="published", max_length=16)  # published | withdrawn
    version: int = 1  # the version the public sees
    dg_code: str = Field(max_length=16)
    phase: str = Field(max_length=16)
    reassessment: bool = False
    result: str = Field(max_length=8)
    assessed_on: date
    title_cy: str = ""
    title_en: str = ""
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    first_published_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    withdrawn_reason_cy: str = ""
    withdrawn_reason_en: str = ""

    def title(self, language: str) -> str:
        return self.title_cy if language == "cy" else self.title_en

    def withdrawn_reason(self, language: str) -> str:
        return self.withdrawn_reason_cy if language == "cy" else self.withdrawn_reason_en


class PublishedReportVersion(SQLModel, table=True):
    """One version of a published report: never changed once written."""

    __tablename__ = "published_report_version"
    __table_args__ = (UniqueConstraint("published_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    published_id: int = Field(foreign_key="published_report.id")
    version: int
    snapshot: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64)
    published_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    published_by_id: str = Field(foreign_key="person.id")
    reason_cy: str = ""  # why this correction was made (empty for the first version)
    reason_en: str = ""
    log_seq: int

    def reason(self, language: str) -> str:
        return self.reason_cy if language == "cy" else self.reason_en


def content_hash(snapshot: dict[str, Any]) -> str:
    """The SHA-256 of the snapshot's canonical JSON. Pure."""
    return sha256_hex(snapshot)


def slug_for(reference: str, phase: str, assessed_on: date) -> str:
    """The stable address of a report: `dfr-00012-beta-2027-02-08`. Pure."""
    return f"{reference.lower()}-{phase}-{assessed_on.isoformat()}"


# -- redaction ---------------------------------------------------------------------------------


def redaction_phrases(lines: Iterable[str]) -> list[str]:
    """The phrases to withhold, from what the lead typed (one a line): trimmed, without
    blanks or repeats, longest first (so a full name goes before a part of it). Pure."""
    seen: dict[str, str] = {}
    for line in lines:
        phrase = " ".join(line.split())
        if phrase and phrase.casefold() not in seen:
            seen[phrase.casefold()] = phrase
    return sorted(seen.values(), key=lambda p: (-len(p), p.casefold()))


def _pattern(phrases: list[str]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    # Any run of white space in the text matches the single space of a phrase.
    parts = [r"\s+".join(re.escape(word) for word in p.split()) for p in phrases]
    return re.compile("|".join(parts), re.IGNORECASE)


def marked(text: str, phrases: list[str]) -> Iterator[tuple[str, bool]]:
    """The text in pieces, each with whether it is withheld (for the preview). Pure."""
    pattern = _pattern(phrases)
    start = 0
    if pattern is not None:
        for found in pattern.finditer(text):
            if found.start() > start:
                yield text[start : found.start()], False
            yield found.group(0), True
            start = found.end()
    if start < len(text) or not text:
        yield text[start:], False


def redacted(text: str, phrases: list[str], language: str) -> str:
    """The text with each phrase replaced by "[withheld]" in `language`. Pure."""
    pattern = _pattern(phrases)
    if pattern is None:
        return text
    return pattern.sub(gettext(WITHHELD, language), text)


def appears_in(phrase: str, texts: Iterable[str]) -> bool:
    pattern = _pattern([phrase])
    return pattern is not None and any(pattern.search(text) for text in texts)


def public_texts(snapshot: dict[str, Any]) -> Iterator[str]:
    """Every free text of a snapshot, in both languages (what redaction applies to)."""
    for key in ("service_name", "description", "summary"):
        yield from snapshot[key].values()
    for standard in snapshot["standards"]:
        yield from standard["done_well"].values()
        yield from standard["to_explore"].values()


def with_redactions(snapshot: dict[str, Any], phrases: list[str]) -> dict[str, Any]:
    """A copy of the snapshot with the phrases withheld from every free text. Pure."""

    def both(texts: dict[str, str]) -> dict[str, str]:
        return {language: redacted(texts[language], phrases, language) for language in texts}

    copy = dict(snapshot)
    for key in ("service_name", "description", "summary"):
        copy[key] = both(snapshot[key])
    copy["standards"] = [
        standard
        | {"done_well": both(standard["done_well"]), "to_explore": both(standard["to_explore"])}
        for standard in snapshot["standards"]
    ]
    return copy


def search_text(snapshot: dict[str, Any], slug: str) -> str:
    """What the finder's words are matched against: every public text, lower case. Pure."""
    parts = [slug, snapshot["reference"], snapshot["lead_assessor"], *public_texts(snapshot)]
    parts += [name for s in snapshot["standards"] for name in s["name"].values()]
    parts += list(snapshot["dg_name"].values())
    # Each distinct word once: the finder matches each searched word anywhere in this text, so
    # repeats (the same note under 14 standards) would only make every search read more.
    return " ".join(dict.fromkeys(" ".join(parts).lower().split()))
