"""A calendar quarter (2026-Q3: 1 July to 30 September 2026), the period a progress report
covers (Digital Action Plan action 20). Pure: no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dfr.errors import ValidationError
from dfr.i18n import _

_FORM = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    """One of the four quarters of a calendar year."""

    year: int
    number: int  # 1 to 4

    @classmethod
    def parse(cls, text: str, field: str = "quarter") -> Quarter:
        """`2026-Q3` (or `2026Q3`, `2026-q3`) as a quarter; anything else is refused with
        what to write instead."""
        found = _FORM.match(text or "")
        if not found or not 1900 < int(found.group(1)) < 3000:
            raise ValidationError(
                _(
                    "“{text}” is not a quarter. Write the year and the quarter's number, "
                    "for example 2026-Q3 for July to September 2026.",
                    text=(text or "")[:20],
                ),
                field=field,
            )
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_complete(cls, today: date) -> Quarter:
        """The newest quarter that has ended before `today`."""
        return cls.containing(today).previous

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """Its last day."""
        return self.next.start - timedelta(days=1)

    @property
    def months(self) -> tuple[date, date, date]:
        """The first days of its three months."""
        first = 3 * self.number - 2
        return (
            date(self.year, first, 1),
            date(self.year, first + 1, 1),
            date(self.year, first + 2, 1),
        )

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year, self.number + 1) if self.number < 4 else Quarter(self.year + 1, 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def slug(self) -> str:
        """Its part of a public address: `2026-q3`."""
        return f"{self.year}-q{self.number}"
