"""A submission document: what a policy team submits (a YAML file, a web form, a JSON body, a
line of a bulk file), checked for shape before anything is read from the database. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import ValidationError as PydanticValidationError

from dfr.errors import ValidationError
from dfr.i18n import _


class TextPair(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cy: str
    en: str

    @field_validator("cy", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class SubmissionFile(BaseModel):
    """What a policy team submits (a YAML file for the CLI, a form in the web UI)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["initiative", "procurement"]
    dg: str
    submitter: str
    title: TextPair
    summary: TextPair
    answers: dict[str, dict[str, Any]]


def parse_submission(data: Any) -> SubmissionFile:
    """Validate the file's shape; the error names each field that is wrong."""
    if isinstance(data, Mapping) and "submission" in data:
        data = data["submission"]
    try:
        return SubmissionFile.model_validate(data)
    except PydanticValidationError as err:
        places = [".".join(str(p) for p in e["loc"]) for e in err.errors()]
        top_level = _("(top level)")
        problems = [
            f"{place or top_level}: {e['msg']}"
            for place, e in zip(places, err.errors(), strict=True)
        ]
        raise ValidationError(
            _("The submission has problems:") + "\n  - " + "\n  - ".join(problems),
            field=places[0] or None,
        ) from None
