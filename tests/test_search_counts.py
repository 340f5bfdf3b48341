"""The finder's figures, pages and export at any size: the number of submissions found is the
number that match (read from the counts the database keeps when only DG and status narrow the
list, counted otherwise); a page nearer the end is read back from the end and still holds the
next matches; the pagination names a few pages, not every one; and an export holds every match
once, in the list's order, however many share a day, read a chunk at a time from where the
last chunk ended."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from dfr.web.templating import page_items
from models.db import session_scope
from models.submission import Submission
from services import search as search_module
from services.access import load_actor
from services.search import Filters, every_match, search
from tests.factories import decide, make_submission

TODAY = date.today()


def _world(engine, registry) -> list[int]:
    """Seven submissions in two DGs over three days, one sent back for changes; several share
    a day, so an order by day alone would not say which comes first."""
    ids = [make_submission(engine, registry) for _ in range(5)]
    ids += [make_submission(engine, registry, dg="HSS", submitter="policy.hss") for _ in range(2)]
    days = [0, 0, 1, 1, 1, 2, 0]
    with session_scope(engine) as session:
        for sid, back in zip(ids, days, strict=True):
            session.exec(
                update(Submission)
                .where(col(Submission.id) == sid)
                .values(submitted_on=TODAY - timedelta(days=back))
            )
    return ids


def _matching(engine, **where) -> list[Submission]:
    with session_scope(engine) as session:
        rows = session.exec(select(Submission)).all()
        return [s for s in rows if all(getattr(s, k) == v for k, v in where.items())]


def test_the_number_found_is_the_number_that_match(people, checklist_registry):
    _world(people, checklist_registry)
    with session_scope(people) as session:
        first = session.exec(select(Submission).order_by(col(Submission.id))).first()
        assert first is not None
    decide(
        people,
        checklist_registry,
        first.id or 0,
        "digital_options_review",
        "request_changes",
        "dl.est",
    )
    assert len(_matching(people, state="changes_requested")) == 1
    with session_scope(people, read_only=True) as session:
        coe = load_actor(session, "coe.one")
        cases = [
            (Filters(), {}),
            (Filters(dg="EST"), {"dg_code": "EST"}),
            (Filters(dg="HSS"), {"dg_code": "HSS"}),
            (Filters(state="in_review"), {"state": "in_review"}),
            (Filters(dg="EST", state="in_review"), {"dg_code": "EST", "state": "in_review"}),
            (Filters(kind="initiative"), {"kind": "initiative"}),  # counted, not kept
            (Filters(state="changes_requested"), {"state": "changes_requested"}),
            (Filters(dg="HSS", state="changes_requested"), {"dg_code": "HSS", "state": "x"}),
        ]
        for filters, where in cases:
            results = search(session, coe, filters, 1, TODAY)
            assert results.total == len(_matching(people, **where)), filters
            assert len(results.rows) == results.total, filters  # one page holds them all


@pytest.mark.parametrize("sort", ["newest", "oldest", "reference"])
def test_an_export_holds_every_match_once_in_the_lists_order(people, checklist_registry, sort):
    ids = _world(people, checklist_registry)
    with session_scope(people, read_only=True) as session:
        coe = load_actor(session, "coe.one")
        listed = [f.submission.id for f in search(session, coe, Filters(sort=sort), 1, TODAY).rows]
        exported = [
            f.submission.id for f in every_match(session, coe, Filters(sort=sort), TODAY, chunk=2)
        ]
        est = [
            f.submission.id
            for f in every_match(session, coe, Filters(sort=sort, dg="EST"), TODAY, chunk=2)
        ]
    assert sorted(exported) == sorted(ids)
    assert exported == listed  # the same order as the page, chunk by chunk
    assert est == [sid for sid in listed if sid in ids[:5]]
    if sort == "newest":
        days = [TODAY - timedelta(days=d) for d in (0, 0, 1, 1, 1, 2, 0)]
        on = dict(zip(ids, days, strict=True))
        assert [on[sid] for sid in exported] == sorted(days, reverse=True)
        # within a day, the later reference first
        assert exported[:3] == sorted([ids[0], ids[1], ids[6]], reverse=True)


@pytest.mark.parametrize("sort", ["newest", "oldest", "reference"])
def test_every_page_from_either_end_shows_the_next_matches(
    people, checklist_registry, sort, monkeypatch: pytest.MonkeyPatch
):
    """Pages nearer the end are read back from it: page by page, they still hold the list in
    order, the last one the remainder."""
    monkeypatch.setattr(search_module, "PAGE_SIZE", 2)
    _world(people, checklist_registry)
    with session_scope(people, read_only=True) as session:
        coe = load_actor(session, "coe.one")
        assert coe is not None
        whole = [f.submission.id for f in every_match(session, coe, Filters(sort=sort), TODAY)]
        pages = [search(session, coe, Filters(sort=sort), n, TODAY) for n in (1, 2, 3, 4)]
    assert [p.pages for p in pages] == [4, 4, 4, 4]
    assert [[f.submission.id for f in p.rows] for p in pages] == [
        whole[0:2],
        whole[2:4],
        whole[4:6],
        whole[6:7],
    ]


def test_the_pagination_names_a_few_pages_however_many_there_are():
    def href(n: int) -> str:
        return f"?page={n}"

    def shown(page: int, pages: int) -> list[object]:
        return [i.get("number", "…") for i in page_items(page, pages, href)]

    assert shown(1, 1) == [1]
    assert shown(1, 20_000) == [1, 2, 3, "…", 20_000]
    assert shown(10_000, 20_000) == [1, "…", 9_998, 9_999, 10_000, 10_001, 10_002, "…", 20_000]
    assert shown(5, 9) == [1, "…", 3, 4, 5, 6, 7, "…", 9]
    assert shown(4, 9) == [1, 2, 3, 4, 5, 6, "…", 9]
    current = [i for i in page_items(7, 9, href) if i.get("current")]
    assert current == [{"number": 7, "href": "?page=7", "current": True}]
