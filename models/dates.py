"""Date arithmetic for due dates. Pure."""

from __future__ import annotations

import calendar
from datetime import date

from models.working_days import add_working_days


def add_months(start: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date_for(opened_on: date, working_days: int) -> date:
    """A stage's service level in working days (England and Wales) from the day it opens."""
    return add_working_days(opened_on, working_days)


AMBER_ACTION_MONTHS = 3  # GDS service assessments: close amber actions within 3 months
