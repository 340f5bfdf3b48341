"""A resubmission may correct its title and summary (in both languages), checked as a
submission's are and recorded in the decision log; a refused one changes nothing."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select

from checklists.loader import registry
from checklists.yaml_files import read_yaml
from dfr.errors import ValidationError
from models.audit import LogEntry
from models.db import engine_for, session_scope
from models.review import ReviewTask
from models.submission import Submission
from services.decide import DecisionRequest, record_decision
from services.intake import resubmit
from services.submit import submit
from tests.conftest import ROOT
from tests.factories import decide, make_submission
from tests.web_support import Browserless, Site

NEW_TITLE = {"cy": "Teitl gwell", "en": "A better title"}


def changes_requested(engine, registry) -> int:
    sid = make_submission(engine, registry)
    decide(engine, registry, sid, "digital_options_review", "request_changes", "dl.est")
    return sid


def test_a_resubmission_changes_its_title_and_the_log_says_so(people, checklist_registry):
    sid = changes_requested(people, checklist_registry)
    with session_scope(people) as session:
        resubmit(
            session, sid, "policy.est", {}, checklist_registry, description={"title": NEW_TITLE}
        )
    with session_scope(people) as session:
        submission = session.get(Submission, sid)
        assert submission is not None
        assert (submission.title_cy, submission.title_en) == (NEW_TITLE["cy"], NEW_TITLE["en"])
        assert submission.summary_en == "Summary" and submission.round == 2
        entry = session.exec(
            select(LogEntry).where(LogEntry.event == "submission.resubmitted")
        ).one()
        assert entry.payload["description_changed"] == ["title_cy", "title_en"]
        assert len(entry.payload["description_hash"]) == 64


def test_a_title_on_two_lines_is_refused_and_nothing_changes(people, checklist_registry):
    sid = changes_requested(people, checklist_registry)
    with session_scope(people) as session, pytest.raises(ValidationError) as refused:
        resubmit(
            session,
            sid,
            "policy.est",
            {},
            checklist_registry,
            description={"title": {"cy": "Teitl", "en": "Two\nlines"}},
        )
    assert "title.en: must be one line of text" in refused.value.message
    with session_scope(people) as session:
        submission = session.get(Submission, sid)
        assert submission is not None
        assert submission.title_en == "Test title" and submission.round == 1
        assert submission.state == "changes_requested"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_resubmission_s_check_page_changes_the_texts_but_not_the_kind_or_dg(
    site: Site, language: str
):
    engine = engine_for(site.database_url)
    data = read_yaml(ROOT / "examples" / "submissions" / "01-policy-no-digital-service.yaml")
    with session_scope(engine) as session:
        sid = submit(session, data, registry()).submission_id
        task = session.exec(select(ReviewTask).where(ReviewTask.submission_id == sid)).one()
        record_decision(
            session,
            DecisionRequest(
                sid, task.stage, "request_changes", "Say more.", task.assignee_id or ""
            ),
            registry(),
        )
    client = Browserless(site)
    client.sign_in(data["submission"]["submitter"], language)
    check = client.post(f"/submissions/{sid}/resubmit", {})
    page = html.unescape(check.text)
    assert re.search(r'href="/drafts/\d+/about\?from=check"', page)
    assert "/start?from=check" not in page  # what it is and its DG stay as submitted
    about = re.search(r'href="(/drafts/\d+/about\?from=check)"', page)
    assert about is not None
    texts = {
        "title_en": "A better title",
        "title_cy": "Teitl gwell",
        "summary_en": "Fine summary",
        "summary_cy": "Crynodeb iawn",
    }
    back = client.post(about.group(1), texts)
    assert back.url.path == check.url.path
    sent = client.post(check.url.path, {})
    shown = html.unescape(client.get(f"/submissions/{sid}").text)
    assert sent.status_code == 200
    assert ("A better title" if language == "en" else "Teitl gwell") in shown
    client.close()
