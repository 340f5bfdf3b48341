"""An administrator, the Digital CoE or the DG's Digital Leader gives an open review to
someone else who may decide it, from the submission page, saying why (logged)."""

from __future__ import annotations

import html
import re

import pytest

from dfr.i18n import gettext
from models.db import engine_for, session_scope
from models.directory import Person
from models.review import ReviewTask
from tests.conftest import ROOT
from tests.web_support import Browserless, Site, submit_example

EXAMPLE = ROOT / "examples" / "submissions" / "01-policy-no-digital-service.yaml"
COE = ("carys.llewelyn", "james.oconnor", "nia.roberts")


def open_review(site: Site) -> tuple[int, int, str]:
    """A new EST submission: its id, its open digital-options review and that review's holder."""
    submission, task = submit_example(site, EXAMPLE)
    return submission.id or 0, task.id or 0, task.assignee_id or ""


NOT_YOURS = (
    "This review is assigned to {person}. Only they, or someone covering for them, may "
    "decide it: reassign it to yourself first, with a reason, if you are to decide it."
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
def test_a_review_is_reassigned_from_the_submission_page(site: Site, language: str):
    sid, task_id, assignee = open_review(site)
    coe = next(p for p in COE if p != assignee)
    client = Browserless(site)
    client.sign_in(coe, language)

    page = client.get(f"/submissions/{sid}")
    link = f"/submissions/{sid}/reassign/{task_id}"
    assert link in page.text and gettext("Reassign", language) in page.text
    review = f"/submissions/{sid}/review/{task_id}"
    assert review not in page.text  # not theirs to decide: no decision form is offered
    refused = client.get(review)
    assert refused.status_code == 403
    assert name_of(site, assignee) in refused.text
    told = gettext(NOT_YOURS, language).format(person=name_of(site, assignee))
    assert told in html.unescape(refused.text)
    assert f'href="{link}"' in refused.text  # the way on: take the review over

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
    assert review in done.text  # now theirs: the decision form is offered
    assert client.get(review).status_code == 200
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
