"""A submission document: what a policy team submits (a YAML file, a web form, a JSON body, a
line of a bulk file), checked for shape before anything is read from the database. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from dfr.errors import ValidationError
from dfr.i18n import _
from models import text_limits

# The same limits for every front door (a web form, a file, the JSON API, a bulk import).
TITLE_MAX = text_limits.TITLE
SUMMARY_MAX = text_limits.SUMMARY


def checked_text(value: str, *, limit: int, one_line: bool) -> str:
    """`value` without surrounding spaces, or a PydanticCustomError saying what is wrong."""
    value = value.strip()
    if not value:
        raise PydanticCustomError("blank", _("must not be blank"))
    if one_line and not value.isprintable():
        raise PydanticCustomError(
            "not_one_line",
            _("must be one line of text, without line breaks or control characters"),
        )
    if text_limits.has_control_characters(value):
        raise PydanticCustomError(
            "control_characters",
            _("must not contain control characters; type the text again"),
        )
    if len(value) > limit:
        raise PydanticCustomError(
            "too_long",
            _(
                "is {length} characters long; shorten it to {limit} at most",
                length=len(value),
                limit=limit,
            ),
        )
    return value


class TextPair(BaseModel):
    """A text in Welsh and in English (a summary: up to SUMMARY_MAX characters each)."""

    model_config = ConfigDict(extra="forbid")
    cy: str
    en: str

    @field_validator("cy", "en")
    @classmethod
    def _checked(cls, value: str) -> str:
        return checked_text(value, limit=SUMMARY_MAX, one_line=False)


class TitlePair(TextPair):
    """A title in Welsh and in English: one line of up to TITLE_MAX characters each."""

    @field_validator("cy", "en")
    @classmethod
    def _checked(cls, value: str) -> str:
        return checked_text(value, limit=TITLE_MAX, one_line=True)


class SubmissionFile(BaseModel):
    """What a policy team submits (a YAML file for the CLI, a form in the web UI)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["initiative", "procurement"]
    dg: str
    submitter: str
    title: TitlePair
    summary: TextPair
    answers: dict[str, dict[str, Any]]
    # The service on the register it creates or changes: a service's address (slug), or `new`
    # for a new service; left out, it is not linked (`services.service_links`).
    service: str | None = None

    @field_validator("service")
    @classmethod
    def _service(cls, value: str | None) -> str | None:
        return None if value is None else checked_text(value, limit=80, one_line=True)


class Description(BaseModel):
    """A new title or summary (or both) given with a resubmission, in both languages."""

    model_config = ConfigDict(extra="forbid")
    title: TitlePair | None = None
    summary: TextPair | None = None


def parse_submission(data: Any) -> SubmissionFile:
    """Validate the file's shape; the error names each field that is wrong."""
    if isinstance(data, Mapping) and "submission" in data:
        data = data["submission"]
    try:
        return SubmissionFile.model_validate(data)
    except PydanticValidationError as err:
        raise _refusal(err, _("The submission has problems:")) from None


def parse_description(data: Any) -> Description:
    """A resubmission's new title and summary, checked as a submission's are."""
    try:
        return Description.model_validate(data)
    except PydanticValidationError as err:
        raise _refusal(err, _("The new title or summary has problems:")) from None


def _refusal(err: PydanticValidationError, heading: str) -> ValidationError:
    places = [".".join(str(p) for p in e["loc"]) for e in err.errors()]
    top_level = _("(top level)")
    problems = [
        f"{place or top_level}: {e['msg']}" for place, e in zip(places, err.errors(), strict=True)
    ]
    return ValidationError(heading + "\n  - " + "\n  - ".join(problems), field=places[0] or None)
