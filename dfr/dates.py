"""Dates as people read them, in Welsh or English: `30 Tachwedd 2026` / `30 November 2026`, and
a moment with its time in London (`30 Tachwedd 2026, 14:05`). Pages, messages and commands all
write dates here. Core: it imports no other layer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
BABEL_LOCALE = {"cy": "cy", "en": "en_GB"}
DAY = "d MMMM y"
# The months as Babel's en_GB and cy write them in DAY: days are written here without loading
# Babel and its locale data, which cost an everyday command (`dfr show`, `dfr tasks`) more
# than the rest of its output, and a process's first Welsh message ~25 ms.
# tests/test_dates.py holds the two to the same text, every day of a year.
WELSH_MONTHS = (
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(value: date | datetime | str | None, language: str) -> str:
    """A day (or a moment, with its London time) in words; an ISO text is read as either."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        in_london = moment.astimezone(LONDON)
        return f"{_day(in_london.date(), language)}, {in_london:%H:%M}"
    return _day(value, language)


def _day(value: date, language: str) -> str:
    months = WELSH_MONTHS if language == "cy" else ENGLISH_MONTHS
    return f"{value.day} {months[value.month - 1]} {value.year}"


@lru_cache(maxsize=512)
def long_month(value: date, language: str) -> str:
    """A month in words: `Ebrill 2026` / `April 2026` (the register's monthly figures)."""
    from babel.dates import format_date

    return format_date(value, "LLLL y", locale=BABEL_LOCALE.get(language, "en_GB"))


@lru_cache(maxsize=512)
def short_month(value: date, language: str) -> str:
    """A month as a chart's axis names it: `Ebr 26` / `Apr 26`."""
    from babel.dates import format_date

    return format_date(value, "LLL yy", locale=BABEL_LOCALE.get(language, "en_GB"))
