"""Who can open what: a submission is seen by its submitter, its reviewers (and a delegate
covering for one), its DG's Digital Leader, the Digital CoE and administrators. Anyone else gets
the very page a missing id gets, so nobody learns which submissions exist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import select

from checklists.loader import registry
from checklists.yaml_files import read_yaml
from models.db import engine_for, session_scope
from models.review import PanelMember, ReviewTask
from models.working_days import london_today
from services.decide import DecisionRequest, record_decision
from services.reassign import delegate, reassign
from services.submit import submit
from tests.conftest import ROOT
from tests.web_support import Browserless, Site, live_site

EXAMPLES = ROOT / "examples" / "submissions"
TITLE = "New online service for the Discretionary Assistance Fund"  # example 05's
MISSING = 987654


@dataclass(frozen=True)
class World:
    site: Site
    submission_id: int  # rhys.bevan's, LGC, at its Service Standard assessment
    task_id: int  # the open assessment
    people: dict[str, tuple[str, int]]  # who plays each part, and the submission they open


def _open_task(session, submission_id: int) -> ReviewTask:
    return session.exec(
        select(ReviewTask).where(
            ReviewTask.submission_id == submission_id, ReviewTask.status == "open"
        )
    ).one()


def _approve(session, submission_id: int) -> str:
    task = _open_task(session, submission_id)
    record_decision(
        session,
        DecisionRequest(
            submission_id=submission_id,
            stage=task.stage,
            outcome="approve",
            rationale="Fine.",
            actor_id=task.assignee_id or "",
        ),
        registry(),
    )
    return task.assignee_id or ""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template) -> Iterator[World]:
    """Example 05 (high risk, so the CoE does the digital-options review) taken to its
    assessment, which an administrator then gives to the other lead assessor; one panel member
    is on leave, covered by a policy officer; another's cover ended last month. And example 04,
    whose category review an administrator gives to the other category manager."""
    today = london_today()
    with live_site(tmp_path_factory.mktemp("web-access"), sqlite_template) as site:
        with session_scope(engine_for(site.database_url)) as session:
            sid = submit(
                session, read_yaml(EXAMPLES / "05-high-risk-red-then-green.yaml"), registry()
            ).submission_id
            coe_reviewer = _approve(session, sid)  # digital-options review, by the CoE
            category_manager = _approve(session, sid)  # category review
            task = _open_task(session, sid)
            first_lead = task.assignee_id or ""
            other_lead = "mark.wilson" if first_lead == "sian.davies" else "sian.davies"
            panel = set(
                session.exec(
                    select(PanelMember.person_id).where(PanelMember.task_id == task.id)
                ).all()
            )
            reassign(session, sid, task.stage, other_lead, "Workload", "gwenllian.rees")
            delegate(
                session,
                "lowri.price",
                "lucy.green",
                today - timedelta(days=1),
                today + timedelta(days=10),
                "Annual leave",
                "lowri.price",
            )
            delegate(
                session,
                "aled.griffiths",
                "angharad.wyn",
                today - timedelta(days=40),
                today - timedelta(days=30),
                "Training",
                "aled.griffiths",
            )
            task_id = task.id or 0
            other = submit(
                session,
                read_yaml(EXAMPLES / "04-procurement-framework-conditions.yaml"),
                registry(),
            ).submission_id
            _approve(session, other)  # EST's digital-options review
            moved = _open_task(session, other)
            before = moved.assignee_id or ""
            after = "huw.jenkins" if before == "emma.clarke" else "emma.clarke"
            reassign(session, other, moved.stage, after, "Conflict", "gwenllian.rees")
            other_id = other
        assert {"lowri.price", "aled.griffiths"} <= panel and "hannah.lewis" not in panel
        assert coe_reviewer in ("carys.llewelyn", "james.oconnor", "nia.roberts")
        coe = next(
            p for p in ("carys.llewelyn", "james.oconnor", "nia.roberts") if p != coe_reviewer
        )
        people = {
            "the submitter": ("rhys.bevan", sid),
            "the assignee": (other_lead, sid),
            "a lead assessor the assessment was taken from": (first_lead, sid),
            "a category manager the review was taken from": (before, other_id),
            "a panel member": ("lowri.price", sid),
            "the reviewer who decided a stage": (category_manager, sid),
            "a delegate covering a panel member": ("lucy.green", sid),
            "the DG's Digital Leader": ("sarah.mitchell", sid),
            "the CoE": (coe, sid),
            "an administrator": ("gwenllian.rees", sid),
        }
        yield World(site, sid, task_id, people)


ALLOWED = [
    "the submitter",
    "the assignee",
    "a lead assessor the assessment was taken from",
    "a category manager the review was taken from",
    "a panel member",
    "the reviewer who decided a stage",
    "a delegate covering a panel member",
    "the DG's Digital Leader",
    "the CoE",
    "an administrator",
]

REFUSED = {
    "another DG's Digital Leader": "gareth.hughes",
    "an assessor not on the panel": "hannah.lewis",
    "a category manager of another DG": "owain.thomas",
    "a category manager of a third DG": "emma.clarke",
    "a delegate whose cover has ended": "angharad.wyn",
    "another DG's policy officer": "iwan.parry",
}


def main_content(page: str, number: int) -> str:
    """What a person reads in the page's main part, with a submission number made neutral."""
    found = re.search(r"<main\b.*?</main>", page, re.S)
    assert found is not None
    return re.sub(rf"\b{number}\b", "N", found.group(0))


@pytest.mark.parametrize("part", ALLOWED)
def test_the_people_involved_open_the_submission(world: World, part: str):
    person, submission_id = world.people[part]
    client = Browserless(world.site)
    client.sign_in(person)
    page = client.get(f"/submissions/{submission_id}")
    assert page.status_code == 200, part
    assert f"DFR-{submission_id:05d}" in page.text and "Page not found" not in page.text
    client.close()


@pytest.mark.parametrize("part", REFUSED)
def test_anyone_else_is_told_it_does_not_exist_exactly_as_for_a_missing_id(world: World, part: str):
    client = Browserless(world.site)
    client.sign_in(REFUSED[part])
    missing = client.get(f"/submissions/{MISSING}")
    assert missing.status_code == 404
    expected = main_content(missing.text, MISSING)
    assert "Page not found" in expected and "No submission N. Check the reference." in expected

    paths = [
        f"/submissions/{world.submission_id}",
        f"/submissions/{world.submission_id}/review/{world.task_id}",
    ]
    for path in paths:
        refused = client.get(path)
        assert refused.status_code == 404, path
        assert main_content(refused.text, world.submission_id) == expected, path
        assert TITLE not in refused.text
    # Every state-changing route answers the same before any other check (no oracle).
    posts = {
        f"/submissions/{world.submission_id}/withdraw": {"reason": "x"},
        f"/submissions/{world.submission_id}/resubmit": {},
        f"/submissions/{world.submission_id}/review/{world.task_id}": {
            "outcome": "green",
            "rationale": "Fine.",
        },
    }
    for path, form in posts.items():
        refused = client.post(path, form)
        assert refused.status_code == 404, path
        assert main_content(refused.text, world.submission_id) == expected, path
    client.close()


def test_the_submitter_sees_the_submission_still_in_review(world: World):
    """The refused withdrawals above changed nothing."""
    client = Browserless(world.site)
    client.sign_in("rhys.bevan")
    page = client.get(f"/submissions/{world.submission_id}").text
    assert "in review" in page and "withdrawn" not in page
    client.close()


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("sarah.mitchell", 200),  # LGC's Digital Leader
        ("nia.roberts", 200),  # the CoE
        ("gwenllian.rees", 200),  # an administrator
        ("gareth.hughes", 404),  # DfES's Digital Leader
        ("huw.jenkins", 404),  # a category manager in every DG
    ],
)
def test_a_dg_overview_opens_for_its_leader_the_coe_and_administrators(
    world: World, person: str, status: int
):
    client = Browserless(world.site)
    client.sign_in(person)
    page = client.get("/dg/LGC")
    assert page.status_code == status
    if status == 404:
        missing = client.get("/dg/NOPE")
        assert missing.status_code == 404
        assert main_content(page.text.replace("LGC", "X"), 0) == main_content(
            missing.text.replace("NOPE", "X"), 0
        )
    else:
        assert "Overview of LGC" in page.text
    client.close()
