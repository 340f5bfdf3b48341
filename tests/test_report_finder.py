"""The finder's rules on SQLite and PostgreSQL: each facet narrows, words match in either
language (a % or _ is a character, not a wildcard), newest first a page at a time, bad values
refused naming the field; the open data reads every report a batch at a time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dfr.errors import ValidationError
from harness.published_reports import write_published_reports
from models.db import session_scope
from services import report_finder
from services.report_finder import find_reports, finder_filters, rating_records, report_records

FIRST = date(2026, 1, 1)
COUNT = 30


@pytest.fixture
def published(people):
    write_published_reports(people, COUNT, ("EST", "HSS"), "coe.one", first=FIRST)
    return people


def found(engine, **query: list[str]) -> list[int]:
    with session_scope(engine, read_only=True) as session:
        page = find_reports(session, finder_filters(session, query))
    return [int(r.slug.split("-")[1]) for r in page.reports]


def test_facets_words_and_dates_narrow_the_reports_newest_first(published):
    assert found(published)[:3] == [30, 29, 28] and len(found(published)) == 20
    assert found(published, page=["2"]) == list(range(10, 0, -1))
    assert found(published, dg=["HSS"], phase=["beta"]) == [n for n in range(30, 0, -1)
                                                            if n % 2 and n % 3 == 1]  # fmt: skip
    assert found(published, result=["red"]) == [n for n in range(30, 0, -1) if (n // 3) % 3 == 2]
    assert found(published, phase=["reassessment"]) == [28, 21, 14, 7]
    assert found(published, phase=["reassessment", "live"]) == [
        n for n in range(30, 0, -1) if n % 7 == 0 or n % 3 == 2
    ]
    assert found(published, words=["PYSGOTA"]) == [26, 21, 16, 11, 6, 1]  # Welsh, any case
    assert found(published, words=["fishing DFR-00011"]) == [11]
    assert found(published, words=["%"]) == [] and found(published, words=["_"]) == []
    day = lambda n: (FIRST + timedelta(days=n)).isoformat()  # noqa: E731
    assert found(published, **{"from": [day(5)], "to": [day(8)]}) == [8, 7, 6, 5]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"dg": ["XX"]}, "dg", "There is no directorate-general “XX”"),
        ({"phase": ["discovery"]}, "phase", "“discovery” is not a phase"),
        ({"result": ["met"]}, "result", "“met” is not a result"),
        ({"from": ["30/2/2026"]}, "assessed_from", "must be a real date"),
        ({"to": ["tomorrow"]}, "assessed_to", "must be a real date"),
        ({"from": ["2026-03-01"], "to": ["2026-02-01"]}, "assessed_from", "on or before"),
        ({"page": ["-1"]}, "page", "whole number"),
        ({"words": ["x" * 201]}, "words", "at most 200 characters"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(people, query, field, words):
    with (
        pytest.raises(ValidationError, match=words) as refused,
        session_scope(people, read_only=True) as session,
    ):
        finder_filters(session, query)
    assert refused.value.field == field


def test_the_open_data_reads_every_report_a_batch_at_a_time(published, monkeypatch):
    monkeypatch.setattr(report_finder, "BATCH", 7)
    records = list(report_records())
    assert [r["reference"] for r in records] == [f"DFR-{n:05d}" for n in range(1, COUNT + 1)]
    assert records[0]["panel_roles"] == "lead;design;technical;user_research"
    ratings = list(rating_records())
    assert len(ratings) == COUNT * 14 and ratings[13]["standard_number"] == 14
