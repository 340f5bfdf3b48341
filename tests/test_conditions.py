"""The safe condition language: parsing errors are clear, evaluation never runs code."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from checklists import conditions as c


def ctx(answers=None, facts=None, thresholds=None):
    table = thresholds or {}
    return c.Context(
        answers=answers or {},
        facts=facts or {},
        on=date(2026, 6, 1),
        threshold=lambda name, on: table[name],
    )


def test_all_any_not_combine():
    cond = c.parse(
        {
            "all": [
                {"q": "a", "eq": True},
                {"not": {"any": [{"q": "b", "eq": 1}, {"q": "b", "eq": 2}]}},
            ]
        }
    )
    assert c.evaluate(cond, ctx({"a": True, "b": 3}))
    assert not c.evaluate(cond, ctx({"a": True, "b": 2}))
    assert not c.evaluate(cond, ctx({"a": False, "b": 3}))


@pytest.mark.parametrize(
    ("raw", "answers", "expected"),
    [
        ({"q": "x", "in": ["a", "b"]}, {"x": "a"}, True),
        ({"q": "x", "not_in": ["a", "b"]}, {"x": "a"}, False),
        ({"q": "x", "contains": "notify"}, {"x": ["pay", "notify"]}, True),
        ({"q": "x", "answered": True}, {}, False),
        ({"q": "x", "answered": False}, {}, True),
        ({"q": "x", "gt": 10}, {"x": Decimal("10.01")}, True),
        ({"q": "x", "lte": 10}, {"x": Decimal("10")}, True),
        ({"q": "x", "eq": True}, {}, False),  # a missing answer never satisfies a comparison
        ({"q": "x", "eq": 0.1}, {"x": Decimal("0.10")}, True),  # YAML float vs typed Decimal
        ({"q": "x", "in": [1, 2]}, {"x": Decimal("2.00")}, True),
    ],
)
def test_comparisons(raw, answers, expected):
    assert c.evaluate(c.parse(raw), ctx(answers)) is expected


def test_threshold_reference_resolves_on_the_evaluation_date():
    cond = c.parse({"fact": "value", "gte": {"threshold": "t"}})
    assert c.evaluate(
        cond, ctx(facts={"value": Decimal("135018")}, thresholds={"t": Decimal("135018")})
    )
    assert not c.evaluate(
        cond, ctx(facts={"value": Decimal("135017.99")}, thresholds={"t": Decimal("135018")})
    )


def test_risk_ratings_compare_in_order():
    cond = c.parse({"fact": "risk", "gte": "medium"})
    assert c.evaluate(cond, ctx(facts={"risk": "high"}))
    assert not c.evaluate(cond, ctx(facts={"risk": "low"}))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "non-empty mapping"),
        ({"all": []}, "non-empty list"),
        ({"q": "a"}, "exactly one of q/fact and one operator"),
        ({"q": "a", "eq": 1, "gt": 2}, "exactly one"),
        ({"fact": "colour", "eq": 1}, "unknown fact"),
        ({"q": "a", "in": "x"}, "needs a list"),
        ({"q": "a", "eval": "__import__('os')"}, "unknown key"),
        ({"q": "a", "eq": {"python": "x"}}, "threshold"),
    ],
)
def test_malformed_conditions_are_refused(raw, message):
    with pytest.raises(c.ConditionSyntaxError, match=message):
        c.parse(raw, "rule x")


def test_an_int_too_long_to_write_out_is_refused_or_compares_false():
    """Python will not write out an int of more than 4,300 digits; the condition language
    neither shows one in a message nor fails comparing one."""
    huge = 10**5000
    with pytest.raises(c.ConditionSyntaxError, match="got a number too long to show"):
        c.parse(huge)
    with pytest.raises(c.ConditionSyntaxError, match="'q' needs a name"):
        c.parse({"q": huge, "eq": 1})
    assert c.evaluate(c.parse({"q": "x", "gt": 1}), ctx({"x": huge})) is False
    assert c.evaluate(c.parse({"q": "x", "eq": 1}), ctx({"x": huge})) is False


def test_answers_that_do_not_compare_never_satisfy_a_comparison():
    """A rule never fails on someone's answer: text ordered against a number, a date against
    text, or a number that is not a number simply does not hold."""
    from datetime import date as day

    for raw, answers in [
        ({"q": "x", "gt": 1}, {"x": "text"}),
        ({"q": "x", "gt": "text"}, {"x": Decimal("1")}),
        ({"q": "x", "lt": "text"}, {"x": day(2027, 1, 1)}),
        ({"q": "x", "gte": 1}, {"x": Decimal("NaN")}),
        ({"q": "x", "eq": 1}, {"x": Decimal("sNaN")}),
        ({"q": "x", "gt": [1]}, {"x": "low"}),
    ]:
        assert c.evaluate(c.parse(raw), ctx(answers)) is False, raw
