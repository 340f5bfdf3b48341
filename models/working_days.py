"""Working days in England and Wales: weekends and bank holidays excluded, in Europe/London.

Bank holidays come from the `govuk-bank-holidays` package's bundled data (no network at run
time). Past the end of that data only weekends are excluded; `holiday_data_ends` says when.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib.resources import files
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_HOLIDAYS = "bank-holidays.json"  # in the govuk-bank-holidays package
_ENGLAND_AND_WALES = "england-and-wales"


@lru_cache(maxsize=1)
def bank_holidays() -> frozenset[date]:
    # The file the package bundles, read as its `BankHolidays(use_cached_holidays=True)` reads
    # it, without importing the package's module: that brings `requests` with it (~50 ms,
    # paid by the first step of every process that counts working days).
    data = json.loads(files("govuk_bank_holidays").joinpath(_HOLIDAYS).read_text("utf-8"))
    return frozenset(date.fromisoformat(e["date"]) for e in data[_ENGLAND_AND_WALES]["events"])


def holiday_data_ends() -> date:
    return max(bank_holidays())


def london_today(now: datetime | None = None) -> date:
    """Today's date in Wales, whatever the server's time zone (BST and GMT alike)."""
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).date()


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start` (which itself is not counted)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(n)))
