"""How long each text a person writes may be: the same limits for every front door (a web
form, a file, the JSON API, a bulk import), checked in the domain. Pure."""

from __future__ import annotations

from dfr.errors import ValidationError
from dfr.i18n import _

TITLE = 200
SUMMARY = 5_000
RATIONALE = 10_000  # a reviewer's Markdown rationale
CONDITION = 1_000  # a condition or an amber action
ASSESSMENT_NOTE = 5_000  # "done well" / "needs to explore" for one standard
REASON = 1_000  # why something was withdrawn, reassigned, covered or sent back
DONE_NOTE = 5_000  # what the submitter says was done for a condition or an amber action
EVIDENCE_LINK = 2_000  # a link to the evidence (a URL longer than this is not shared)


def within(value: str, limit: int, field: str) -> str:
    """`value` if it is at most `limit` characters; otherwise a ValidationError naming the
    field, saying how long it is and how long it may be."""
    if len(value) > limit:
        raise ValidationError(
            _(
                "This text is {length} characters long; shorten it to {limit} at most.",
                length=len(value),
                limit=limit,
            ),
            field=field,
        )
    return value
