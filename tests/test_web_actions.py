"""On the submission page the submitter marks a condition done (a note and a link to the
evidence), in Welsh or English; the reviewer who set it confirms it or sends it back; each
condition's state reads in words; nobody else is offered, or allowed, any of it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pytest
import yaml
from sqlmodel import col, select

from checklists.loader import registry
from models.db import engine_for, session_scope
from models.review import Action
from services.scenarios import run_scenario
from tests.conftest import ROOT
from tests.web_support import Browserless, Site

EXAMPLE = ROOT / "examples" / "submissions" / "04-procurement-framework-conditions.yaml"
SUBMITTER, REVIEWER, LEADER = "lucy.green", "emma.clarke", "rhian.evans"
EVIDENCE = "https://data.gov.wales/bus-timetables"


def seen(response: httpx.Response) -> str:
    """The page's visible text, one space between words."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.text, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def card(response: httpx.Response, action_id: int) -> str:
    """The visible text of one condition's card."""
    found = re.search(
        rf'<div class="govuk-summary-card" id="action-{action_id}">(.*?)'
        r'(?=<div class="govuk-summary-card" id=|<h2)',
        response.text,
        re.S,
    )
    assert found, f"no card for action {action_id}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


@pytest.fixture
def conditions(site: Site, tmp_path: Path) -> tuple[int, list[int]]:
    """Example 04 (approved with two conditions by emma.clarke), new for each test: its id
    and the conditions'."""
    scenario = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    scenario["submission"]["title"]["en"] += f" ({tmp_path.name})"  # another submission
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    engine = engine_for(site.database_url)
    sid = run_scenario(engine, registry(), path).submission_id
    with session_scope(engine) as session:
        ids = session.exec(
            select(Action.id).where(Action.submission_id == sid).order_by(col(Action.id))
        ).all()
    return sid, [i or 0 for i in ids]


def signed_in(site: Site, person: str, language: str = "en") -> Browserless:
    client = Browserless(site)
    client.sign_in(person, language)
    return client


def test_the_submitter_marks_a_condition_done_and_reads_its_state(site: Site, conditions):
    sid, (first, _second) = conditions
    submitter = signed_in(site, SUBMITTER)
    page = submitter.get(f"/submissions/{sid}")
    assert "Status Open" in card(page, first)
    assert "Mark as done" in card(page, first) and "Confirm it is done" not in seen(page)

    refused = submitter.post(
        f"/submissions/{sid}/actions/{first}/done", {"note": "", "evidence": "javascript:x"}
    )
    assert refused.status_code == 400
    text = seen(refused)
    assert "There is a problem" in text and "Say what was done, in a short note." in text
    assert 'href="#note-' in refused.text
    assert "Status Open" in card(refused, first)

    refused = submitter.post(
        f"/submissions/{sid}/actions/{first}/done",
        {"note": "Published as GTFS.", "evidence": "javascript:alert(1)"},
    )
    assert refused.status_code == 400
    assert "The link to the evidence must be a web address starting with https://" in seen(refused)
    assert "Published as GTFS." in refused.text  # what was typed is kept

    done = submitter.post(
        f"/submissions/{sid}/actions/{first}/done",
        {"note": "Published as GTFS.", "evidence": EVIDENCE},
    )
    assert done.status_code == 200 and done.url.path == f"/submissions/{sid}"
    shown = card(done, first)
    assert "Status Reported done, waiting for the reviewer to confirm" in shown
    assert "What was done Published as GTFS." in shown and f"Evidence {EVIDENCE}" in shown
    assert "Mark as done" not in shown
    assert f'href="{EVIDENCE}" rel="noopener noreferrer nofollow"' in done.text
    submitter.close()


def test_in_welsh_the_submitter_marks_it_done_and_reads_the_page_in_welsh(site: Site, conditions):
    sid, (_first, second) = conditions
    submitter = signed_in(site, SUBMITTER, "cy")
    page = submitter.get(f"/submissions/{sid}")
    assert "Statws Ar agor" in card(page, second)
    assert "Nodi ei fod wedi'i wneud" in card(page, second)
    refused = submitter.post(
        f"/submissions/{sid}/actions/{second}/done", {"note": "Adroddiad", "evidence": "ftp://x"}
    )
    assert refused.status_code == 400
    assert "Mae problem wedi codi" in seen(refused)
    assert "fod yn gyfeiriad gwe sy'n dechrau gyda https://" in seen(refused)
    done = submitter.post(
        f"/submissions/{sid}/actions/{second}/done",
        {"note": "Adroddiad i'r rheolwr categori.", "evidence": EVIDENCE},
    )
    shown = card(done, second)
    assert "Wedi'i nodi fel wedi'i wneud, yn aros i'r adolygydd gadarnhau" in shown
    assert "Beth a wnaed Adroddiad i'r rheolwr categori." in shown
    submitter.close()


def test_the_reviewer_who_set_it_confirms_one_and_sends_another_back(site: Site, conditions):
    sid, (first, second) = conditions
    submitter = signed_in(site, SUBMITTER)
    for action in (first, second):
        submitter.post(
            f"/submissions/{sid}/actions/{action}/done", {"note": "Done.", "evidence": EVIDENCE}
        )
    reviewer = signed_in(site, REVIEWER)
    page = reviewer.get(f"/submissions/{sid}")
    assert "Confirm it is done" in card(page, first) and "Send back" in card(page, first)
    assert "Mark as done" not in seen(page)
    confirmed = reviewer.post(f"/submissions/{sid}/actions/{first}/confirm", {})
    assert "Status Done" in card(confirmed, first)
    assert "Confirmed by Emma Clarke" in card(confirmed, first)
    empty = reviewer.post(f"/submissions/{sid}/actions/{second}/send-back", {"reason": ""})
    assert empty.status_code == 400
    assert "Say why it is not done yet, so the submitter knows what is missing." in seen(empty)
    back = reviewer.post(
        f"/submissions/{sid}/actions/{second}/send-back",
        {"reason": "The cost figures are missing."},
    )
    assert "Status Sent back by the reviewer" in card(back, second)
    assert "Why it was sent back The cost figures are missing." in card(back, second)
    again = submitter.get(f"/submissions/{sid}")
    assert "Mark as done" in card(again, second)  # the submitter's to do again
    reviewer.close()
    submitter.close()


def test_nobody_else_is_offered_or_allowed_a_step(site: Site, conditions):
    sid, (first, _second) = conditions
    submitter = signed_in(site, SUBMITTER)
    submitter.post(
        f"/submissions/{sid}/actions/{first}/done", {"note": "Done.", "evidence": EVIDENCE}
    )
    leader = signed_in(site, LEADER, "en")  # sees the submission: the DG's Digital Leader
    page = leader.get(f"/submissions/{sid}")
    assert "Status Reported done, waiting for the reviewer to confirm" in card(page, first)
    assert "Confirm it is done" not in seen(page) and "Mark as done" not in seen(page)
    refused = leader.post(f"/submissions/{sid}/actions/{first}/confirm", {})
    assert refused.status_code == 403
    assert (
        "Only the reviewer who set it (or someone covering for them) can confirm it is done."
        in seen(refused)
    )
    stranger = signed_in(site, "david.patel")  # a policy officer of another DG
    hidden = stranger.post(f"/submissions/{sid}/actions/{first}/confirm", {})
    missing = stranger.post(f"/submissions/{sid + 999}/actions/{first}/confirm", {})
    assert hidden.status_code == missing.status_code == 404
    assert f"No submission {sid}. Check the reference." in seen(hidden)
    wrong = submitter.post(f"/submissions/{sid}/actions/{first + 999}/done", {"note": "x"})
    assert wrong.status_code == 404
    assert f"No condition or amber action {first + 999}. Check the number." in seen(wrong)
    for client in (submitter, leader, stranger):
        client.close()
