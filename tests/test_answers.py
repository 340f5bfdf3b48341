"""Checking answers against a checklist: every problem is named, with how to fix it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from checklists.answers import normalise_answers, parse_money
from dfr.errors import ValidationError
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
