"""Rejected forms: a GOV.UK error summary linking to each field, the message beside the field,
in the page's language, and nothing kept from the rejected form."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import col, select

from checklists.loader import registry
from checklists.standards import standard_names
from checklists.yaml_files import read_yaml
from dfr import labels
from dfr.dates import long_date
from dfr.i18n import gettext
from dfr.labels import label
from dfr.web.forms import FormErrors
from dfr.web.routes.review import DecisionPage
from models.db import engine_for, session_scope
from models.draft import Draft
from models.review import ReviewTask
from models.submission import Submission
from services.decide import DecisionRequest, record_decision
from services.submit import submit
from tests.conftest import ROOT
from tests.factories import open_task
from tests.web_support import Browserless, Site

EXAMPLES = ROOT / "examples" / "submissions"


def drafts(site: Site) -> list[Draft]:
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        found = list(session.exec(select(Draft).order_by(col(Draft.id))).all())
        for draft in found:
            session.expunge(draft)
        return found


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_rejected_page_says_what_is_wrong_beside_each_field_and_keeps_nothing(
    site: Site, language: str
):
    client = Browserless(site)
    client.sign_in("iwan.parry", language)
    created = client.post("/submit", {"kind": "initiative", "dg": "EST"})
    draft_path = created.url.path  # /drafts/N/about
    saved = client.post(
        draft_path,
        {"title_en": "Kept", "title_cy": "Cadw", "summary_en": "S", "summary_cy": "C"},
    )
    assert "/questions/" in saved.url.path
    refused = client.post(draft_path, {"title_en": "Changed", "title_cy": ""})
    assert refused.status_code == 400
    page = refused.text
    assert f'lang="{language}"' in page
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    assert summary is not None
    assert 'href="#title_cy"' in summary.group(1) and 'href="#summary_en"' in summary.group(1)
    message = gettext("Enter the title in Welsh", language)
    assert message in summary.group(1)
    assert re.search(r'id="title_cy-error"[^>]*>.*?' + re.escape(message), page, re.S)
    assert "<title>" + gettext("Error:", language) in page
    draft = drafts(site)[-1]
    assert (draft.title_en, draft.title_cy) == ("Kept", "Cadw")  # the refused change is not kept
    client.close()


def started_draft(site: Site) -> tuple[Browserless, Draft]:
    """iwan.parry, signed in, with a new initiative's about page saved: the client and the
    draft."""
    client = Browserless(site)
    client.sign_in("iwan.parry")
    created = client.post("/submit", {"kind": "initiative", "dg": "EST"})
    client.post(
        created.url.path,
        {"title_en": "T", "title_cy": "T", "summary_en": "S", "summary_cy": "S"},
    )
    return client, drafts(site)[-1]


def page_asking(question_id: str) -> int:
    from dfr.web.questions import question_pages

    return next(
        number
        for number, questions in enumerate(question_pages(registry().get("digital_options")), 1)
        if any(q.id == question_id for q in questions)
    )


def test_a_wrong_answer_is_refused_and_the_draft_keeps_its_answers(site: Site):
    client, last = started_draft(site)
    refused = client.post(
        f"/drafts/{last.id}/questions/digital_options/{page_asking('estimated_cost')}",
        {"estimated_cost": "lots"},
    )
    assert refused.status_code == 400
    assert "is not an amount of money" in refused.text
    assert drafts(site)[-1].answers == last.answers
    client.close()


def test_the_about_page_refuses_what_the_document_refuses_in_its_own_words(site: Site):
    client = Browserless(site)
    client.sign_in("iwan.parry", "cy")
    created = client.post("/submit", {"kind": "initiative", "dg": "EST"})
    refused = client.post(
        created.url.path,
        {
            "title_en": "Title",
            "title_cy": "Teitl",
            "summary_en": "Fine\n\nsummary",
            "summary_cy": "Crynodeb\x1b[2J",
        },
    )
    assert refused.status_code == 400
    assert re.search(
        r'id="summary_cy-error"[^>]*>.*?Teipiwch hwn eto heb nodau rheoli', refused.text, re.S
    )
    assert 'id="summary_en-error"' not in refused.text
    client.close()


def test_a_number_outside_its_range_is_refused_on_the_questions_page(site: Site):
    page = page_asking("digital_take_up_target")
    client, last = started_draft(site)
    refused = client.post(
        f"/drafts/{last.id}/questions/digital_options/{page}",
        {"digital_take_up_target": "150", "common_components": ["none", "notify"]},
    )
    assert refused.status_code == 400
    assert "150 is outside the range allowed; give a number from 0 to 100" in refused.text
    assert html.escape("\u2018None\u2019 cannot be chosen with other answers") in refused.text
    assert drafts(site)[-1].answers == last.answers
    client.close()


# -- the decision form: each refusal beside the field it is about ----------------------------


@dataclass(frozen=True)
class OpenReview:
    path: str  # its decision form
    reviewer: str
    standards: tuple[str, ...]  # for an assessment


def _open_review(site: Site, example: str) -> OpenReview:
    """The example's submission with its digital-options review approved: the next stage open."""
    with session_scope(engine_for(site.database_url)) as session:
        sid = submit(session, read_yaml(EXAMPLES / example), registry()).submission_id
        first = open_task(session, sid)
        record_decision(
            session,
            DecisionRequest(sid, first.stage, "approve", "Fine.", first.assignee_id or ""),
            registry(),
        )
        task = open_task(session, sid)
        standards = tuple(registry().get(task.checklist_id).questions) if task.checklist_id else ()
        return OpenReview(f"/submissions/{sid}/review/{task.id}", task.assignee_id or "", standards)


@pytest.fixture(scope="module")
def category_review(site: Site) -> OpenReview:
    return _open_review(site, "03-procurement-below-threshold.yaml")


@pytest.fixture(scope="module")
def assessment(site: Site) -> OpenReview:
    return _open_review(site, "02-new-service-alpha-amber.yaml")


NEXT_YEAR = str(date.today().year + 1)


@dataclass(frozen=True)
class Outcome:
    """An outcome named in a message, as the page's language names it."""

    value: str


@dataclass(frozen=True)
class Day:
    """A date named in a message: in words, in the page's language."""

    value: str


@dataclass(frozen=True)
class Standard:
    """A Welsh standard named in a message: its number and title in the page's language."""

    value: str


Message = tuple[str, Mapping[str, object]]  # msgid and its parameters
# case: (form, the field the summary links to, the id of the field's error message, message)
CONDITION_CASES: dict[str, tuple[dict[str, str], str, str, Message]] = {
    "no decision chosen": (
        {"rationale": "Fine."},
        "outcome",
        "outcome",
        ("Choose your decision", {}),
    ),
    "no rationale": (
        {"outcome": "approve", "rationale": " "},
        "rationale",
        "rationale",
        ("Give a rationale: say why you decided this.", {}),
    ),
    "conditions outcome without a condition": (
        {"outcome": "approve_with_conditions", "rationale": "Fine."},
        "condition-1",
        "condition-1",
        ("Approve with conditions needs at least one condition with a due date.", {}),
    ),
    "a condition with another outcome": (
        {
            "outcome": "approve",
            "rationale": "Fine.",
            **{"condition-2": "Publish it", "condition-2-due-day": "1"},
            **{"condition-2-due-month": "6", "condition-2-due-year": NEXT_YEAR},
        },
        "condition-2",
        "condition-2",
        ("Conditions can only be set when approving with conditions.", {}),
    ),
    "a due date in the past": (
        {
            "outcome": "approve_with_conditions",
            "rationale": "Fine.",
            **{"condition-1": "Publish it", "condition-1-due-day": "1"},
            **{"condition-1-due-month": "6", "condition-1-due-year": NEXT_YEAR},
            **{"condition-3": "Too late", "condition-3-due-day": "1"},
            **{"condition-3-due-month": "1", "condition-3-due-year": "2020"},
        },
        "condition-3-due-day",
        "condition-3-due",
        (
            "The condition due date {due} is in the past; give a future date.",
            {"due": Day("2020-01-01")},
        ),
    ),
    "a condition with a date and no text": (
        {
            "outcome": "approve_with_conditions",
            "rationale": "Fine.",
            **{"condition-2-due-day": "1", "condition-2-due-month": "6"},
            "condition-2-due-year": NEXT_YEAR,
        },
        "condition-2",
        "condition-2",
        ("A condition needs some text saying what must be done.", {}),
    ),
    "a due date that is not a date": (
        {
            "outcome": "approve_with_conditions",
            "rationale": "Fine.",
            **{"condition-1": "Publish it", "condition-1-due-day": "31"},
            **{"condition-1-due-month": "2", "condition-1-due-year": NEXT_YEAR},
        },
        "condition-1-due-day",
        "condition-1-due",
        ("Enter a real due date for condition {n}, for example 31 3 2027", {"n": 1}),
    ),
}


def _ratings(review: OpenReview, **changed: str) -> dict[str, str]:
    ratings = {f"rating-{s}": "green" for s in review.standards}
    ratings.update({f"rating-{s}": r for s, r in changed.items()})
    return {k: v for k, v in ratings.items() if v}


ASSESSMENT_CASES: dict[str, tuple[Callable[[OpenReview], dict[str, str]], str, str, Message]] = {
    "a standard not rated": (
        lambda r: {**_ratings(r, w02=""), "outcome": "green", "rationale": "Fine."},
        "rating-w02",
        "rating-w02",
        ("Rate “{standard}”: red, amber or green", {"standard": Standard("w02")}),
    ),
    "an overall rating the ratings do not give": (
        lambda r: {**_ratings(r), "outcome": "amber", "rationale": "Fine."},
        "outcome",
        "outcome",
        (
            "The overall rating must be {expected} for these ratings (red if any standard is "
            "red, amber if any is amber, otherwise green), not {given}.",
            {"expected": Outcome("green"), "given": Outcome("amber")},
        ),
    ),
    "a rating that is not red, amber or green": (
        lambda r: {**_ratings(r, w03="purple"), "outcome": "green", "rationale": "Fine."},
        "rating-w03",
        "rating-w03",
        ("Ratings must be red, amber or green; check: {ids}.", {"ids": Standard("w03")}),
    ),
}


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _refused_beside(
    site: Site,
    review: OpenReview,
    form: dict[str, str],
    language: str,
    link: str,
    error_id: str,
    message: Message,
) -> None:
    """Post the form; the page says what is wrong in the summary (linking to the field) and
    beside the field, in the page's language, and the review is still open."""
    client = Browserless(site)
    client.sign_in(review.reviewer, language)
    refused = client.post(review.path, form)
    assert refused.status_code == 400
    page = refused.text
    msgid, params = message
    standards = standard_names([registry().get("service_standard_wales")], language)
    named = {
        k: label(labels.OUTCOMES, v.value, language)
        if isinstance(v, Outcome)
        else standards[v.value]
        if isinstance(v, Standard)
        else long_date(v.value, language)
        if isinstance(v, Day)
        else v
        for k, v in params.items()
    }
    expected = gettext(msgid, language).format(**named)
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    assert summary is not None
    links = [
        (target, _text(words))
        for target, words in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary.group(1), re.S)
    ]
    assert links == [(link, expected)]
    beside = re.search(
        rf'<p id="{error_id}-error" class="govuk-error-message">(.*?)</p>', page, re.S
    )
    assert beside is not None, error_id
    assert _text(beside.group(1)) == f"{gettext('Error:', language)} {expected}"
    assert f'lang="{language}"' in page
    if language == "cy":
        assert gettext(msgid, "cy") != msgid and msgid.format(**params) not in page
    assert client.get(review.path).status_code == 200  # nothing recorded: still open
    client.close()


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("case", CONDITION_CASES)
def test_a_refused_decision_says_why_beside_the_field(
    site: Site, category_review: OpenReview, case: str, language: str
):
    form, link, error_id, message = CONDITION_CASES[case]
    _refused_beside(site, category_review, form, language, link, error_id, message)


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("case", ASSESSMENT_CASES)
def test_a_refused_assessment_says_why_beside_the_standard_or_the_overall_rating(
    site: Site, assessment: OpenReview, case: str, language: str
):
    make_form, link, error_id, message = ASSESSMENT_CASES[case]
    _refused_beside(site, assessment, make_form(assessment), language, link, error_id, message)


def test_an_error_about_no_field_of_the_form_is_in_the_summary_linking_to_the_first_field():
    review = DecisionPage(Submission(), ReviewTask(stage="category_review"), None, [])
    assert review.field_id("stage", []) is None
    assert review.field_id(None, []) is None
    assert review.field_id("ratings.w01", []) is None  # no standards on this form
    assert review.field_id("conditions.2.due", [1, 3]) == "condition-3-due-day"
    errors = FormErrors()
    errors.add_to_summary("The stage is not open.", review.first_field)
    assert errors.summary() == [{"text": "The stage is not open.", "href": "#outcome"}]
    assert errors.get("outcome") is None  # nothing beside a field
