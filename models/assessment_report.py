"""The report of a Service Standard assessment: drafted from the settled ratings, written in
Welsh and English before it can be sent, due 7 working days after the assessment (GDS
service assessments). Once sent, the team has 10 working days to accept it or challenge named
standards; silence for 10 working days counts as acceptance. The rules are in
`services.assessment_reports` and `services.report_responses`.

Status: draft → sent → accepted, or sent → challenged → accepted (the panel's answer to a
challenge is final). `accepted_how` says how: "accepted", "silence" or "after_challenge"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

# Loaded with it: the tables its foreign keys name (see models/__init__.py).
from models import directory, review, submission  # noqa: F401
from models.working_days import add_working_days

REPORT_DUE_WORKING_DAYS = 7
RESPONSE_WORKING_DAYS = 10  # the team accepts or challenges within this
CHALLENGE_ANSWER_WORKING_DAYS = 10  # the panel answers a challenge within this
LANGUAGES = ("cy", "en")
STATUSES = ("draft", "sent", "challenged", "accepted")
ACCEPTED_HOW = ("accepted", "silence", "after_challenge")


def report_due(assessed_on: date) -> date:
    """When the report is due: 7 working days after the assessment. Pure."""
    return add_working_days(assessed_on, REPORT_DUE_WORKING_DAYS)


def response_due(sent_on: date) -> date:
    """The last day the team may accept or challenge a report sent on `sent_on`. Pure."""
    return add_working_days(sent_on, RESPONSE_WORKING_DAYS)


def challenge_due(challenged_on: date) -> date:
    """The last day for the panel's answer to a challenge made on `challenged_on`. Pure."""
    return add_working_days(challenged_on, CHALLENGE_ANSWER_WORKING_DAYS)


def overall_result(ratings: Iterable[str]) -> str:
    """The overall result of these standard ratings: red if any is red, amber if any is amber,
    otherwise green (GDS service assessments; the rule `services.decide` checks a settled
    decision against). Pure."""
    given = set(ratings)
    return "red" if "red" in given else "amber" if "amber" in given else "green"


class AssessmentReport(SQLModel, table=True):
    """One assessment's report: a draft until the lead sends it to the team."""

    __tablename__ = "assessment_report"
    __table_args__ = (UniqueConstraint("task_id"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    task_id: int = Field(foreign_key="review_task.id")
    decision_id: int = Field(foreign_key="decision.id")
    lead_id: str = Field(foreign_key="person.id")
    assessed_on: date
    due_date: date
    result: str = Field(max_length=8)  # the overall rating: red | amber | green
    summary_cy: str = ""  # what the panel found, in a few paragraphs
    summary_en: str = ""
    status: str = Field(default="draft", max_length=16)  # draft | sent | challenged | accepted
    sent_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    response_due: date | None = None  # the last day the team may accept or challenge
    challenged_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    challenge_due: date | None = None  # the last day for the panel's answer to a challenge
    accepted_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    accepted_how: str | None = Field(default=None, max_length=16)  # see ACCEPTED_HOW

    def summary(self, language: str) -> str:
        return self.summary_cy if language == "cy" else self.summary_en


class ReportSection(SQLModel, table=True):
    """One standard in a report: its settled rating, and the notes in each language."""

    __tablename__ = "report_section"
    __table_args__ = (UniqueConstraint("report_id", "standard_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="assessment_report.id")
    standard_id: str = Field(max_length=32)
    rating: str = Field(max_length=8)
    done_well_cy: str = ""
    done_well_en: str = ""
    to_explore_cy: str = ""
    to_explore_en: str = ""

    def text(self, part: str, language: str) -> str:
        return str(getattr(self, f"{part}_{language}"))


def missing_in(report: AssessmentReport, sections: list[ReportSection], language: str) -> list[str]:
    """What the `language` version still lacks: `summary`, or `STANDARD.done_well` where the
    other language has the text and this one does not. Pure."""
    other = "en" if language == "cy" else "cy"
    missing = [] if report.summary(language).strip() else ["summary"]
    for section in sections:
        for part in ("done_well", "to_explore"):
            if section.text(part, other).strip() and not section.text(part, language).strip():
                missing.append(f"{section.standard_id}.{part}")
    return missing
