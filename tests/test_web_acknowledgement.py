"""The submission page says when the submission was acknowledged to its submitter: not yet
while nobody has opened it; then the day its reviewer first opened it, and who they are."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select

from checklists.loader import registry
from checklists.yaml_files import read_yaml
from dfr.i18n import gettext
from models.db import engine_for, session_scope
from models.directory import Person
from models.review import ReviewTask
from models.submission import Submission
from services.submit import submit
from tests.conftest import ROOT
from tests.web_support import Browserless, Site

EXAMPLE = ROOT / "examples" / "submissions" / "01-policy-no-digital-service.yaml"


def acknowledged_row(page: str, language: str) -> str:
    """The value beside "Acknowledged" in the summary, as a person reads it."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    key = gettext("Acknowledged", language)
    after = text.split(f"{key} ", 1)[1]
    return after.split(f" {gettext('Round', language)} ", 1)[0]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_page_shows_when_the_reviewer_opened_it(site: Site, language: str):
    engine = engine_for(site.database_url)
    with session_scope(engine) as session:
        data = read_yaml(EXAMPLE)
        sid = submit(session, data, registry()).submission_id
        task = session.exec(select(ReviewTask).where(ReviewTask.submission_id == sid)).one()
        reviewer = session.get(Person, task.assignee_id)
        made = session.get(Submission, sid)
        assert reviewer is not None and made is not None
    submitter = Browserless(site)
    submitter.sign_in(made.submitter_id, language)
    assert acknowledged_row(submitter.get(f"/submissions/{sid}").text, language) == gettext(
        "Not yet", language
    )
    client = Browserless(site)
    client.sign_in(reviewer.id, language)
    shown = acknowledged_row(client.get(f"/submissions/{sid}").text, language)
    words = gettext("{date}, when {person} opened it", language)
    assert shown.endswith(words.split("{person}")[1]) and reviewer.name in shown
    assert words.split("{person}")[0].split("}")[1] in shown  # "…, when " in that language
    other = "cy" if language == "en" else "en"
    assert gettext("Not yet", other) not in shown
    # The submitter sees the same, and the second look changed nothing.
    seen_by_submitter = acknowledged_row(submitter.get(f"/submissions/{sid}").text, language)
    assert seen_by_submitter == shown
    submitter.close()
    client.close()
