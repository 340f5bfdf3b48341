"""What cannot be undone is confirmed first (the GOV.UK pattern): withdrawing a submission and
deleting a draft each ask "are you sure?" on a page of their own, and nothing changes until the
person says yes. Drafts are listed by their title."""

from __future__ import annotations

import html

import pytest

from checklists.loader import registry
from checklists.yaml_files import read_yaml
from dfr.i18n import gettext
from models.db import engine_for, session_scope
from models.draft import Draft
from models.submission import Submission
from tests.conftest import ROOT
from tests.factories import submit_row
from tests.web_support import Browserless, Site

EXAMPLE = ROOT / "examples" / "submissions" / "01-policy-no-digital-service.yaml"
SUBMITTER = "angharad.wyn"  # the example's submitter, a DfES policy officer


def new_submission(site: Site) -> int:
    with session_scope(engine_for(site.database_url)) as session:
        return submit_row(session, read_yaml(EXAMPLE), registry()).id or 0


def state_of(site: Site, submission_id: int) -> str:
    with session_scope(engine_for(site.database_url)) as session:
        found = session.get(Submission, submission_id)
        assert found is not None
        return found.state


def visible(page) -> str:
    return html.unescape(page.text)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_withdrawing_asks_first_and_changes_nothing_until_yes(site: Site, language: str):
    sid = new_submission(site)
    client = Browserless(site)
    client.sign_in(SUBMITTER, language)
    page = client.get(f"/submissions/{sid}")
    link = f'href="/submissions/{sid}/withdraw">{gettext("Withdraw this submission", language)}'
    assert link in visible(page)

    asked = client.get(f"/submissions/{sid}/withdraw")
    assert asked.status_code == 200
    assert gettext("Withdraw this submission?", language) in visible(asked)
    assert gettext("Yes, withdraw it", language) in visible(asked)
    assert f'href="/submissions/{sid}">{gettext("No, keep it", language)}' in visible(asked)
    assert state_of(site, sid) == "in_review"  # asking changed nothing

    too_long = client.post(f"/submissions/{sid}/withdraw", {"reason": "x" * 1001})
    assert too_long.status_code == 400
    assert "1001" in too_long.text and state_of(site, sid) == "in_review"

    done = client.post(f"/submissions/{sid}/withdraw", {"reason": "No longer needed"})
    assert done.url.path == f"/submissions/{sid}"
    assert state_of(site, sid) == "withdrawn"
    again = client.get(f"/submissions/{sid}/withdraw")  # nothing left to withdraw
    assert again.status_code == 400
    assert gettext("Yes, withdraw it", language) not in visible(again)
    client.close()


def test_only_the_submitter_is_asked_to_withdraw(site: Site):
    sid = new_submission(site)
    client = Browserless(site)
    client.sign_in("carys.llewelyn")  # the CoE: sees the submission, may not withdraw it
    assert client.get(f"/submissions/{sid}").status_code == 200
    refused = client.get(f"/submissions/{sid}/withdraw")
    assert refused.status_code == 403
    assert "Only the person who made the submission can" in visible(refused)
    assert "Withdraw this submission?" not in visible(refused)
    client.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_deleting_a_draft_asks_first_and_drafts_are_named_by_their_title(site: Site, language: str):
    client = Browserless(site)
    client.sign_in(SUBMITTER, language)
    started = client.post("/submit", {"kind": "initiative", "dg": "DfES"})
    draft_id = int(started.url.path.split("/")[2])
    untitled = client.get("/submit")
    named = gettext("Untitled {kind} for {dg}", language).format(
        kind=gettext("policy initiative", language), dg="DfES"
    )
    assert named in visible(untitled)

    titles = {"title_en": "Bus pass renewals", "title_cy": "Adnewyddu tocynnau bws"}
    client.post(f"/drafts/{draft_id}/about", {**titles, "summary_en": "S", "summary_cy": "S"})
    title = titles["title_cy" if language == "cy" else "title_en"]
    listed = visible(client.get("/submit"))
    assert f'href="/drafts/{draft_id}/delete">{gettext("Delete", language)}' in listed
    assert title in listed

    asked = client.get(f"/drafts/{draft_id}/delete")
    assert asked.status_code == 200
    assert gettext("Delete this draft?", language) in visible(asked) and title in visible(asked)
    with session_scope(engine_for(site.database_url)) as session:
        assert session.get(Draft, draft_id) is not None  # asking changed nothing

    client.post(f"/drafts/{draft_id}/delete")
    with session_scope(engine_for(site.database_url)) as session:
        assert session.get(Draft, draft_id) is None
    assert title not in visible(client.get("/submit"))
    client.close()
