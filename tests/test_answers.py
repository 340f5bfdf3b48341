"""Checking answers against a checklist: every problem is named, with how to fix it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from checklists.answers import normalise_answers, parse_money
from dfr.errors import ValidationError
from dfr.i18n import set_language
from tests.factories import DIGITAL_OPTIONS, SERVICE


@pytest.mark.parametrize(
    ("raw", "pounds"),
    [
        (250000, "250000.00"),
        ("£250,000", "250000.00"),
        ("250000.5", "250000.50"),
        ("£ 1,234.56", "1234.56"),
        (0, "0.00"),
    ],
)
def test_money_accepts_the_ways_people_write_pounds(raw, pounds):
    assert parse_money(raw) == Decimal(pounds)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (-5, "negative"),
        ("-£5", "negative"),
        ("£-5", "negative"),
        ("ten pounds", "not an amount"),
        ("1,00", "not an amount"),
        (True, "not yes/no"),
        ("12.345", "not an amount"),
    ],
)
def test_money_refuses_negative_and_non_numeric(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_money(raw)


def test_valid_answers_are_typed(checklist_registry):
    checklist = checklist_registry.get("digital_options")
    typed = normalise_answers(
        checklist,
        {
            **DIGITAL_OPTIONS,
            **SERVICE,
            "service_phase": "discovery",
            "expected_alpha_end": "2027-05-01",
            "estimated_cost": "£1,000",
        },
        on=date(2027, 3, 1),
    )
    assert typed["estimated_cost"] == Decimal("1000.00")
    assert typed["expected_alpha_end"] == date(2027, 5, 1)
    assert typed["builds_service"] is True


def test_every_problem_is_reported_at_once(checklist_registry):
    checklist = checklist_registry.get("digital_options")
    answers = {
        **DIGITAL_OPTIONS,
        "colour_of_form": "blue",
        "wet_ink_signature": "perhaps",
        "estimated_cost": -10,
        "dpia_completed": "maybe",
    }
    del answers["user_needs_evidence"]
    with pytest.raises(ValidationError) as err:
        normalise_answers(checklist, answers)
    message = err.value.message
    assert "unknown question id colour_of_form" in message
    assert "wet_ink_signature: expected yes or no" in message
    assert "estimated_cost: money cannot be negative" in message
    assert "dpia_completed: 'maybe' is not one of" in message
    assert "question user_needs_evidence: this question needs an answer" in message


def test_questions_that_do_not_apply_are_refused(checklist_registry):
    checklist = checklist_registry.get("digital_options")
    with pytest.raises(ValidationError, match="service_phase: this question does not apply"):
        normalise_answers(checklist, {**DIGITAL_OPTIONS, "service_phase": "alpha"})


def test_conditional_questions_become_required_when_asked(checklist_registry):
    checklist = checklist_registry.get("digital_options")
    with pytest.raises(
        ValidationError, match="question service_phase: this question needs an answer"
    ):
        normalise_answers(
            checklist,
            {
                **DIGITAL_OPTIONS,
                "builds_service": True,
                "public_facing": True,
                "service_standard": "wales",
            },
        )


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        ("estimated_cost", "lots", "not an amount"),
        ("common_components", ["fax"], "expected a list of"),
        ("digital_take_up_target", "high", "not a number"),
        ("builds_service", 7, "expected yes or no"),
    ],
)
def test_wrong_answer_types(checklist_registry, question, value, message):
    checklist = checklist_registry.get("digital_options")
    with pytest.raises(ValidationError, match=message):
        normalise_answers(checklist, {**DIGITAL_OPTIONS, question: value})


def test_welsh_yes_no_is_understood(checklist_registry):
    checklist = checklist_registry.get("digital_options")
    typed = normalise_answers(
        checklist, {**DIGITAL_OPTIONS, "wet_ink_signature": "ie", "simple_rules": "na"}
    )
    assert typed["wet_ink_signature"] is True and typed["simple_rules"] is False


DISCOVERY = {**DIGITAL_OPTIONS, **SERVICE, "service_phase": "discovery"}
ON = date(2027, 3, 1)


def refusal(checklist, answers, language="en") -> str:
    set_language(language)
    with pytest.raises(ValidationError) as err:
        normalise_answers(checklist, answers, on=ON)
    return err.value.message


@pytest.mark.parametrize(
    ("change", "english", "welsh"),
    [
        (
            {"digital_take_up_target": 150},
            "digital_take_up_target: 150 is outside the range allowed; give a number from 0 to 100",
            "digital_take_up_target: mae 150 y tu allan i'r ystod a ganiateir; rhowch rif o 0 "
            "i 100",
        ),
        (
            {"estimated_cost": "£٦٠٠٠٠٠"},
            "estimated_cost: '£٦٠٠٠٠٠' uses digits other than 0 to 9; write it with the digits "
            "0 to 9",
            "estimated_cost: mae '£٦٠٠٠٠٠' yn defnyddio digidau heblaw 0 i 9",
        ),
        (
            {"digital_take_up_target": "٩٠"},
            "digital_take_up_target: '٩٠' uses digits other than 0 to 9",
            "digital_take_up_target: mae '٩٠' yn defnyddio digidau heblaw 0 i 9",
        ),
        (
            {"common_components": ["none", "notify"]},
            "common_components: \u2018None\u2019 cannot be chosen with other answers; choose it "
            "alone, or remove it",
            "common_components: ni ellir dewis \u2018Dim un\u2019 gydag atebion eraill",
        ),
        (
            {"expected_alpha_end": "2020-01-01"},
            "expected_alpha_end: 1 January 2020 is in the past; give a date from 1 March 2027 "
            "onwards",
            "expected_alpha_end: mae 1 Ionawr 2020 yn y gorffennol; rhowch ddyddiad o 1 Mawrth "
            "2027 ymlaen",
        ),
        (
            {"expected_alpha_end": datetime(2027, 5, 1, 10, 30)},
            "expected_alpha_end: 2027-05-01 10:30:00 is a date and a time; give the date alone, "
            "as YYYY-MM-DD",
            "expected_alpha_end: mae 2027-05-01 10:30:00 yn ddyddiad ac amser; rhowch y dyddiad "
            "yn unig",
        ),
        (
            {"expected_alpha_end": "2027-W18-6"},
            "expected_alpha_end: '2027-W18-6' is not a date; write YYYY-MM-DD",
            "expected_alpha_end: nid yw '2027-W18-6' yn ddyddiad",
        ),
    ],
    ids=[
        "take-up 150%",
        "arabic-indic money",
        "arabic-indic number",
        "none with another",
        "alpha ends in the past",
        "a datetime",
        "an ISO week date",
    ],
)
def test_answers_outside_what_the_question_allows_are_refused_saying_what_is_allowed(
    checklist_registry, change, english, welsh
):
    checklist = checklist_registry.get("digital_options")
    answers = {**DISCOVERY, "expected_alpha_end": "2027-05-01", **change}
    assert english in refusal(checklist, answers)
    assert welsh in refusal(checklist, answers, "cy")


def test_answers_within_the_stated_range_are_accepted(checklist_registry):
    checklist = checklist_registry.get("digital_options")
    typed = normalise_answers(
        checklist,
        {
            **DISCOVERY,
            "digital_take_up_target": 100,
            "common_components": ["none"],
            "expected_alpha_end": "2027-03-01",  # the day it is given
        },
        on=ON,
    )
    assert typed["digital_take_up_target"] == 100
    assert typed["common_components"] == ["none"]


def test_an_earlier_checklist_version_keeps_its_own_rules(checklist_registry):
    """Version 1 was published without the ranges: a submission pinned to it reads back."""
    version_1 = checklist_registry.get("digital_options", 1)
    typed = normalise_answers(version_1, {**DIGITAL_OPTIONS, "digital_take_up_target": 150}, on=ON)
    assert typed["digital_take_up_target"] == 150
