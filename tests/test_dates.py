"""Dates read the same in Welsh and English whether Babel writes them or `dfr.dates` does
without it (as the everyday commands and messages do, to start sooner): every day of a year,
and moments either side of the clocks changing in London."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from babel.dates import format_date, format_datetime

from dfr.dates import LONDON, long_date


def test_every_english_day_reads_as_babel_writes_it():
    for offset in range(366):
        day = date(2028, 1, 1) + timedelta(days=offset)
        assert long_date(day, "en") == format_date(day, "d MMMM y", locale="en_GB")


def test_every_welsh_day_reads_as_babel_writes_it():
    for offset in range(366):
        day = date(2028, 1, 1) + timedelta(days=offset)
        assert long_date(day, "cy") == format_date(day, "d MMMM y", locale="cy")


def test_a_moment_is_given_in_london_time_as_babel_writes_it():
    moments = [
        datetime(2027, 3, 28, 0, 59, tzinfo=UTC),  # 00:59 GMT
        datetime(2027, 3, 28, 1, 0, tzinfo=UTC),  # 02:00 BST
        datetime(2027, 10, 30, 23, 30, tzinfo=UTC),  # the next day in London
        datetime(2027, 10, 31, 1, 5, tzinfo=UTC),  # 01:05 GMT again
        datetime(2026, 12, 31, 23, 59),  # naive: read as UTC
    ]
    for moment in moments:
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        for language, locale in (("en", "en_GB"), ("cy", "cy")):
            expected = format_datetime(aware, "d MMMM y, HH:mm", tzinfo=LONDON, locale=locale)
            assert long_date(moment, language) == expected
    assert long_date(datetime(2027, 10, 30, 23, 30, tzinfo=UTC), "en") == "31 October 2027, 00:30"


def test_welsh_days_keep_their_mutated_month_names():
    assert long_date(date(2026, 11, 30), "cy") == "30 Tachwedd 2026"
    assert long_date(date(2026, 11, 30), "en") == "30 November 2026"
    assert long_date("2027-03-28T01:00:00+00:00", "cy") == "28 Mawrth 2027, 02:00"
    assert long_date(None, "en") == "—"
