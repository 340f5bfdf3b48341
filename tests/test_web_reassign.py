"""Only a review's assignee (or someone covering for them) decides it; anyone else with the
right reassigns it first, from the submission page, saying why."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select

from checklists.loader import read_yaml, registry
from dfr.i18n import gettext
from models.db import engine_for, session_scope
from models.directory import Person
from models.review import ReviewTask
from tests.conftest import ROOT
from tests.factories import submit_row
from tests.web_support import Browserless, Site

EXAMPLE = ROOT / "examples" / "submissions" / "01-policy-no-digital-service.yaml"
COE = ("carys.llewelyn", "james.oconnor", "nia.roberts")


def open_review(site: Site) -> tuple[int, int, str]:
    """A new EST submission: its id, its open digital-options review and that review's holder."""
    with session_scope(engine_for(site.database_url)) as session:
        submission = submit_row(session, read_yaml(EXAMPLE), registry())
        task = session.exec(
            select(ReviewTask).where(
                ReviewTask.submission_id == submission.id, ReviewTask.status == "open"
            )
        ).one()
        return submission.id or 0, task.id or 0, task.assignee_id or ""


ONLY_THE_ASSIGNEE = (
    "This review is assigned to {person}; only they, or someone covering for them, can "
    "decide it. If you should decide it, reassign it to yourself first, with a reason."
)


def name_of(site: Site, person_id: str) -> str:
    with session_scope(engine_for(site.database_url)) as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person.name


def holder(site: Site, task_id: int) -> str:
    with session_scope(engine_for(site.database_url)) as session:
        task = session.get(ReviewTask, task_id)
        assert task is not None
        return task.assignee_id or ""


@pytest.mark.parametrize("language", ["en", "cy"])
def test_someone_else_must_reassign_a_review_before_deciding_it(site: Site, language: str):
    sid, task_id, assignee = open_review(site)
    coe = next(p for p in COE if p != assignee)
    client = Browserless(site)
    client.sign_in(coe, language)

    refused = client.get(f"/submissions/{sid}/review/{task_id}")
    assert refused.status_code == 403
    expected = gettext(ONLY_THE_ASSIGNEE, language).format(person=name_of(site, assignee))
    assert expected in html.unescape(refused.text)

    page = client.get(f"/submissions/{sid}")
    link = f"/submissions/{sid}/reassign/{task_id}"
    assert link in page.text and gettext("Reassign", language) in page.text

    form = client.get(link)
    assert form.status_code == 200
    assert gettext("Who should decide it?", language) in form.text

    missing_reason = client.post(link, {"to": coe})
    assert missing_reason.status_code == 400
    beside = re.search(
        r'<p id="reason-error" class="govuk-error-message">(.*?)</p>', missing_reason.text, re.S
    )
    assert beside is not None and gettext(
        "Say why you are reassigning it", language
    ) in beside.group(1)
    assert holder(site, task_id) == assignee  # nothing changed

    done = client.post(link, {"to": coe, "reason": "The Digital Leader is on a panel for it."})
    assert done.status_code == 200 and done.url.path == f"/submissions/{sid}"
    assert holder(site, task_id) == coe
    assert client.get(f"/submissions/{sid}/review/{task_id}").status_code == 200
    client.close()


def test_a_policy_officer_cannot_reassign(site: Site):
    sid, task_id, _assignee = open_review(site)
    client = Browserless(site)
    client.sign_in("angharad.wyn")  # the submitter: sees the submission, may not reassign
    page = client.get(f"/submissions/{sid}")
    assert page.status_code == 200
    assert f"/submissions/{sid}/reassign/{task_id}" not in page.text
    refused = client.post(
        f"/submissions/{sid}/reassign/{task_id}", {"to": "nia.roberts", "reason": "x"}
    )
    assert refused.status_code == 403
    client.close()
