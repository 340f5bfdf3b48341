"""GOV.UK-style form errors (a summary at the top linking to each field, a message beside it),
and reading what a request names: form fields, row ids in paths, where to go next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from fastapi import Path
from starlette.datastructures import FormData, QueryParams

from dfr.i18n import _
from models.db import LARGEST_ID

# A row's id in a path. One that cannot name a row (`1e3`, 0, past LARGEST_ID) is answered as
# the missing id it is (dfr.web.errors), never sent to the database.
RowId = Annotated[int, Path(ge=1, le=LARGEST_ID)]


@dataclass
class FormErrors:
    messages: dict[str, str] = field(default_factory=dict)  # field id → message beside it
    # About no one field: (message, the field the summary links to), shown in the summary only.
    general: list[tuple[str, str]] = field(default_factory=list)

    def add(self, field_id: str, message: str) -> None:
        self.messages.setdefault(field_id, message)

    def add_to_summary(self, message: str, link_to: str) -> None:
        self.general.append((message, link_to))

    def get(self, field_id: str) -> dict[str, str] | None:
        """The `errorMessage` parameter for a GOV.UK macro, or None."""
        message = self.messages.get(field_id)
        # The hidden "Error:" a screen reader says first, in the page's language too.
        return {"text": message, "visuallyHiddenText": _("Error")} if message else None

    def summary(self) -> list[dict[str, str]]:
        return [
            *({"text": m, "href": f"#{f}"} for m, f in self.general),
            *({"text": m, "href": f"#{f}"} for f, m in self.messages.items()),
        ]

    def __bool__(self) -> bool:
        return bool(self.messages or self.general)


def text(form: FormData | QueryParams, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def date_parts(form: FormData | QueryParams, name: str) -> dict[str, str]:
    """What a GOV.UK date input (`name-day`, `name-month`, `name-year`) holds, as typed."""
    return {part: text(form, f"{name}-{part}") for part in ("day", "month", "year")}


def typed_date(parts: dict[str, str]) -> date | None:
    """The date a GOV.UK date input holds; None when it is empty. ValueError when what is
    typed is not a real date (31 2 2027, a year of two digits, words)."""
    if not any(parts.values()):
        return None
    if len(parts["year"]) != 4:
        raise ValueError("the year must have four digits")
    return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))


def safe_next(target: str | None, default: str = "/work") -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
