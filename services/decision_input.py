"""A reviewer's decision as data (a scenario file, a ratings file) turned into what
`record_decision` takes: each standard's rating and each condition's due date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from dfr.errors import ValidationError
from dfr.i18n import _
from services.decide import Condition, StandardAssessment


def parse_ratings(raw: Mapping[str, Any] | None) -> dict[str, StandardAssessment]:
    """`{standard: colour}` or `{standard: {rating, done_well, to_explore}}` → assessments."""
    ratings: dict[str, StandardAssessment] = {}
    for standard, value in (raw or {}).items():
        if isinstance(value, str):
            ratings[str(standard)] = StandardAssessment(value)
        elif isinstance(value, Mapping):
            ratings[str(standard)] = StandardAssessment(
                str(value.get("rating", "")),
                str(value.get("done_well", "")),
                str(value.get("to_explore", "")),
            )
        else:
            raise ValidationError(
                _("Rating for {id} must be red, amber or green.", id=standard),
                field=f"ratings.{standard}",
            )
    return ratings


def parse_conditions(raw: list[Mapping[str, Any]] | None) -> list[Condition]:
    """`[{due: YYYY-MM-DD, text}]` → conditions with their due dates."""
    conditions = []
    for item in raw or []:
        due = item.get("due")
        try:
            due_date = due if isinstance(due, date) else date.fromisoformat(str(due))
        except ValueError:
            raise ValidationError(
                _("Condition due date {value!r} is not a date; write YYYY-MM-DD.", value=due),
                field="conditions",
            ) from None
        conditions.append(Condition(str(item.get("text", "")), due_date))
    return conditions
