"""Every text a person writes has a length limit in the domain, the same for every front door:
a longer one is refused naming its field, and nothing is written."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest

from checklists.answers import coerce_answer
from checklists.schema import Question
from dfr.errors import ValidationError
from dfr.i18n import set_language
from models import text_limits
from models.db import session_scope
from models.submission_file import parse_submission
from models.working_days import london_today
from services.decide import Condition, DecisionRequest, record_decision
from services.intake import withdraw
from services.reassign import delegate, reassign
from tests.factories import decide, log_count, make_submission, submission_data


def refused(people, attempt) -> ValidationError:
    before = log_count(people)
    with pytest.raises(ValidationError) as caught, session_scope(people) as session:
        attempt(session)
    assert log_count(people) == before  # nothing written
    assert "characters long; shorten it to" in caught.value.message
    return caught.value


def test_a_rationale_too_long_is_refused(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    request = DecisionRequest(
        sid, "digital_options_review", "approve", "x" * (text_limits.RATIONALE + 1), "dl.est"
    )
    error = refused(people, lambda s: record_decision(s, request, checklist_registry))
    assert error.field == "rationale"


def test_a_condition_too_long_is_refused(people, checklist_registry):
    sid = make_submission(people, checklist_registry, kind="procurement", buys_digital=True)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    due = london_today() + timedelta(days=30)
    request = DecisionRequest(
        sid,
        "category_review",
        "approve_with_conditions",
        "Fine.",
        "cm.est",
        conditions=[Condition("Short", due), Condition("y" * (text_limits.CONDITION + 1), due)],
    )
    error = refused(people, lambda s: record_decision(s, request, checklist_registry))
    assert error.field == "conditions.2"


def test_reasons_too_long_are_refused(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    long = "z" * (text_limits.REASON + 1)
    assert refused(people, lambda s: withdraw(s, sid, "policy.est", long)).field == "reason"
    error = refused(
        people,
        lambda s: reassign(s, sid, "digital_options_review", "coe.one", long, "admin.one"),
    )
    assert error.field == "reason"
    today = london_today()
    error = refused(
        people,
        lambda s: delegate(s, "dl.est", "coe.one", today, today, long, "dl.est"),
    )
    assert error.field == "reason"


def test_a_rationale_with_a_control_character_is_refused_in_words(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    request = DecisionRequest(
        sid, "digital_options_review", "approve", "Fine.\x1b[2J\x07", "dl.est"
    )
    before = log_count(people)
    with pytest.raises(ValidationError) as caught, session_scope(people) as session:
        record_decision(session, request, checklist_registry)
    assert log_count(people) == before
    assert caught.value.field == "rationale"
    assert caught.value.message == (
        "This text contains control characters (invisible characters that are not letters, "
        "spaces or line breaks); type it again without them."
    )


def test_a_summary_may_have_line_breaks_but_no_control_characters():
    data = submission_data()
    data["summary"]["en"] = "First paragraph.\n\n\tSecond paragraph."
    assert parse_submission(data).summary.en.startswith("First paragraph.\n")
    data["summary"]["cy"] = "Crynodeb\x1b]0;teitl\x07"
    set_language("cy")
    with pytest.raises(ValidationError) as caught:
        parse_submission(data)
    assert (
        "summary.cy: rhaid iddo beidio â chynnwys nodau rheoli; teipiwch y testun eto"
        in caught.value.message
    )


def test_every_control_character_but_line_breaks_and_tabs_is_refused_and_nothing_else():
    """Every code point against Unicode's own category: control characters (Cc) but line
    breaks and the tab are refused; letters, spaces, marks and emoji of every script pass."""
    allowed = set("\n\r\t")
    for point in range(0x110000):
        char = chr(point)
        refused = unicodedata.category(char) == "Cc" and char not in allowed
        assert text_limits.has_control_characters(f"a{char}b") is refused, hex(point)


def text_question() -> Question:
    words = {"cy": "Nodiadau", "en": "Notes"}
    return Question(id="notes", type="text", text=words, guidance=words)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("n" * (text_limits.ANSWER + 1), "is 2001 characters long; shorten it to 2000 at most"),
        ("Bell\x07", "must not contain control characters; type the text again"),
    ],
    ids=["too long", "a control character"],
)
def test_a_free_text_answer_has_a_limit_and_no_control_characters(raw, problem):
    with pytest.raises(ValueError, match=problem):
        coerce_answer(text_question(), raw)
    assert coerce_answer(text_question(), "  Two\nlines  ") == "Two\nlines"
