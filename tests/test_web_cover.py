"""Absence cover from the web: a reviewer arranges who takes their reviews while they are away
(administrators and the CoE arrange anyone's); open reviews move when the cover starts; a
mistake is shown beside its field and nothing is written; people with no reviews never see it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import select

from checklists.loader import registry
from checklists.yaml_files import read_yaml
from dfr.i18n import gettext, set_language
from dfr.web.templating import long_date
from models.db import engine_for, session_scope
from models.directory import Delegation
from models.review import ReviewTask
from models.working_days import london_today
from tests.conftest import ROOT
from tests.factories import submit_row
from tests.web_support import Browserless, Site, live_site

LEADER = "gareth.hughes"  # DfES's Digital Leader: the example's digital-options review is his


EXAMPLE = ROOT / "examples" / "submissions" / "01-policy-no-digital-service.yaml"


def submit_example(site: Site) -> tuple[int, int, str]:
    with session_scope(engine_for(site.database_url)) as session:
        submission = submit_row(session, read_yaml(EXAMPLE), registry())
        task = session.exec(
            select(ReviewTask).where(
                ReviewTask.submission_id == submission.id, ReviewTask.status == "open"
            )
        ).one()
        return submission.id or 0, task.id or 0, task.assignee_id or ""


def day_fields(prefix: str, day) -> dict[str, str]:
    return {
        f"{prefix}-day": str(day.day),
        f"{prefix}-month": str(day.month),
        f"{prefix}-year": str(day.year),
    }


@pytest.fixture
def site(tmp_path, sqlite_template) -> Iterator[Site]:
    """A site of its own for each test: cover arranged by one would change the next."""
    with live_site(tmp_path, sqlite_template) as running:
        yield running


def delegations(site: Site) -> list[Delegation]:
    with session_scope(engine_for(site.database_url)) as session:
        return list(session.exec(select(Delegation)).all())


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_reviewer_arranges_cover_and_their_open_review_moves(site: Site, language: str):
    submission_id, task_id, holder = submit_example(site)
    assert holder == LEADER
    client = Browserless(site)
    client.sign_in(LEADER, language)
    page = client.get("/cover")
    assert page.status_code == 200
    assert gettext("Cover for your own reviews while you are away.", language) in html.unescape(
        page.text
    )
    assert 'name="person"' in page.text and 'type="hidden" name="person"' in page.text

    today = london_today()
    done = client.post(
        "/cover",
        {
            "to": "nia.roberts",
            "reason": "Annual leave",
            **day_fields("starts", today),
            **day_fields("ends", today + timedelta(days=3)),
        },
    )
    assert done.status_code == 200 and done.url.path == "/cover"
    set_language("cy" if language == "cy" else "en")
    told = gettext("{covering} covers for {away}, {first} to {last}: {reason}", language).format(
        covering="Nia Roberts",
        away="Gareth Hughes",
        first=long_date(today),
        last=long_date(today + timedelta(days=3)),
        reason="Annual leave",
    )
    set_language("en")
    assert told in html.unescape(done.text)
    # The review moved: Nia Roberts now holds it, and may decide it.
    nia = Browserless(site)
    nia.sign_in("nia.roberts", language)
    assert nia.get(f"/submissions/{submission_id}/review/{task_id}").status_code == 200
    nia.close()
    client.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_mistake_is_shown_beside_its_field_and_nothing_is_written(site: Site, language: str):
    client = Browserless(site)
    client.sign_in(LEADER, language)
    client.get("/cover")
    before = len(delegations(site))
    today = london_today()
    cases = {
        "to": (
            {"reason": "Leave", **day_fields("starts", today), **day_fields("ends", today)},
            "Choose who will cover",
        ),
        "starts-day": (
            {
                "to": "nia.roberts",
                "reason": "Leave",
                "starts-day": "31",
                "starts-month": "2",
                "starts-year": "2027",
                **day_fields("ends", today),
            },
            "Enter the first day of the cover, for example 1 12 2026",
        ),
        "ends-day": (
            {
                "to": "nia.roberts",
                "reason": "Leave",
                **day_fields("starts", today),
                **day_fields("ends", today - timedelta(days=1)),
            },
            "The cover must end on or after the day it starts.",
        ),
        "reason": (
            {"to": "nia.roberts", **day_fields("starts", today), **day_fields("ends", today)},
            "Say why cover is needed",
        ),
    }
    for field, (form, message) in cases.items():
        refused = client.post("/cover", form)
        assert refused.status_code == 400, field
        beside = html.unescape(refused.text).split(f'id="{field.removesuffix("-day")}-error"', 1)
        assert len(beside) == 2 and gettext(message, language) in beside[1][:400], field
    assert len(delegations(site)) == before
    client.close()


def test_only_administrators_and_the_coe_arrange_someone_elses_cover(site: Site):
    today = london_today()
    form = {
        "person": "nia.roberts",
        "to": "james.oconnor",
        "reason": "Leave",
        **day_fields("starts", today),
        **day_fields("ends", today),
    }
    before = len(delegations(site))
    leader = Browserless(site)
    leader.sign_in(LEADER)
    refused = leader.post("/cover", form)
    assert refused.status_code == 400
    assert (
        "Only nia.roberts or an administrator can arrange cover for nia.roberts."
        in html.unescape(refused.text)
    )
    assert len(delegations(site)) == before
    leader.close()

    admin = Browserless(site)
    admin.sign_in("gwenllian.rees")
    page = admin.get("/cover")
    assert gettext("Who will be away?") in page.text
    assert admin.post("/cover", form).url.path == "/cover"
    assert len(delegations(site)) == before + 1
    admin.close()


def test_someone_with_no_reviews_finds_no_cover_page(site: Site):
    client = Browserless(site)
    client.sign_in("angharad.wyn")  # a policy officer
    assert 'href="/cover"' not in client.get("/work").text
    missing, nothing = client.get("/cover"), client.get("/no-such-page")
    assert missing.status_code == nothing.status_code == 404
    heading = re.compile(r"<main.*?</main>", re.S)
    shown, absent = heading.search(missing.text), heading.search(nothing.text)
    assert shown is not None and absent is not None and shown.group(0) == absent.group(0)
    client.close()
