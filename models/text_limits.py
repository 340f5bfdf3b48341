"""How long each text a person writes may be, and which characters it may hold: the same rules
for every front door (a web form, a file, the JSON API, a bulk import), checked in the domain.
Pure.

A title is one line of printable text (`models.submission_file`); every other text may have
line breaks and tabs but no other control characters, which would reach a terminal (`dfr show`)
as commands to it rather than as text.
"""

from __future__ import annotations

from checklists import answers
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
ANSWER = answers.TEXT_MAX  # a free-text answer to a checklist question (checked there)

has_control_characters = answers.has_control_characters


def within(value: str, limit: int, field: str) -> str:
    """`value` if it is at most `limit` characters and has no control characters (line breaks
    and tabs aside); otherwise a ValidationError naming the field and saying what to change."""
    if has_control_characters(value):
        raise ValidationError(
            _(
                "This text contains control characters (invisible characters that are not "
                "letters, spaces or line breaks); type it again without them."
            ),
            field=field,
        )
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
