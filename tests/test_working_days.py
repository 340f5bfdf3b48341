"""Deadlines in working days: weekends, Christmas/New Year, Easter and the other England and
Wales bank holidays excluded; 'today' is London's date across both clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from models.dates import add_months, due_date_for
from models.working_days import (
    add_working_days,
    bank_holidays,
    holiday_data_ends,
    is_working_day,
    london_today,
    working_days_between,
)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday → Monday
        (date(2026, 11, 27), 0, date(2026, 11, 27)),
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # from a Saturday
        # Christmas Day (Fri 25) and Boxing Day substitute (Mon 28), New Year's Day (Fri 1 Jan)
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 24), 5, date(2027, 1, 5)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        # Early May (3 May 2027) and Spring (31 May 2027) bank holidays
        (date(2027, 4, 30), 1, date(2027, 5, 4)),
        (date(2027, 5, 28), 1, date(2027, 6, 1)),
        # Summer bank holiday in England and Wales (30 Aug 2027), not Scotland's
        (date(2027, 8, 27), 1, date(2027, 8, 31)),
        (date(2026, 11, 27), 20, date(2026, 12, 29)),  # a category review opened today
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_scottish_only_holidays_are_working_days_in_wales():
    assert is_working_day(date(2027, 1, 4))  # 2 January substitute day in Scotland only
    assert is_working_day(date(2026, 8, 3))  # Scotland's summer holiday


def test_working_days_between_counts_both_ways():
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 5)) == 5
    assert working_days_between(date(2027, 1, 5), date(2026, 12, 24)) == -5
    assert working_days_between(date(2026, 12, 25), date(2026, 12, 28)) == 0


@pytest.mark.parametrize(
    ("utc", "london"),
    [
        # Spring forward: 29 March 2026 01:00 UTC → 02:00 BST
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28)),  # GMT: same day
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 30)),  # BST: next day
        # Fall back: 25 October 2026 01:00 UTC → 01:00 GMT
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),  # still BST
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25)),  # GMT again
    ],
)
def test_today_is_londons_date_across_clock_changes(utc, london):
    assert london_today(utc) == london


def test_stage_due_dates_and_amber_actions():
    assert due_date_for(date(2026, 12, 23), 10) == date(2027, 1, 11)  # 24, 29-31 Dec, 4-8, 11 Jan
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)  # leap year


def test_the_bank_holidays_are_those_the_package_gives_for_england_and_wales():
    from govuk_bank_holidays.bank_holidays import BankHolidays

    package = BankHolidays(use_cached_holidays=True)
    expected = {h["date"] for h in package.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)}
    assert bank_holidays() == expected
    assert date(2027, 8, 30) in expected and date(2027, 8, 2) not in expected  # not Scotland's


def test_bundled_bank_holiday_data_reaches_beyond_next_year():
    assert holiday_data_ends() >= date(2027, 12, 28)
