"""The safe condition language used by checklist rules. Pure: no I/O, never `eval`.

A condition is YAML data:

    {all: [c, ...]}  {any: [c, ...]}  {not: c}
    {q: question_id, <op>: value}     # compare an answer
    {fact: kind|value|risk|dg, <op>: value}   # compare a submission fact

Operators: eq, ne, in, not_in, gt, gte, lt, lte, contains (multi-choice answer holds
a value), answered (true/false). A comparison value may be a literal or
`{threshold: id}`, which resolves to the threshold amount in force on the evaluation date.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Union

from dfr.errors import ChecklistDefinitionError

FACTS = frozenset({"kind", "value", "risk", "dg", "transactions"})
OPERATORS = frozenset(
    {"eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "answered"}
)
RISK_ORDER = {"low": 0, "medium": 1, "high": 2}


class ConditionSyntaxError(ChecklistDefinitionError, ValueError):
    """The condition is not well formed; the message says where and why. A ValueError too, so
    that pydantic reports it as a problem with the checklist field it is in."""


@dataclass(frozen=True)
class ThresholdRef:
    threshold: str


Test = Callable[["Context"], bool]


@dataclass(frozen=True)
class Compare:
    source: str  # "q" or "fact"
    name: str
    op: str
    value: Any
    # The condition as a function of a Context, made once when the condition is made (see
    # `evaluate`); a condition is frozen, so the function never goes stale.
    test: Test = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", _compare_test(self))


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]
    test: Test = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", _all_test(tuple(part.test for part in self.parts)))


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]
    test: Test = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", _any_test(tuple(part.test for part in self.parts)))


@dataclass(frozen=True)
class Not:
    part: Condition
    test: Test = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", _not_test(self.part.test))


Condition = Union[Compare, AllOf, AnyOf, Not]  # noqa: UP007 - recursive alias needs Union


MAX_DEPTH = 32  # all/any/not nested deeper than any rule needs


def _shown(value: Any) -> str:
    """`value` as a message can show it: its repr, cut short."""
    try:
        text = repr(value)
    except ValueError:  # Python will not write out an int of more than 4,300 digits
        text = "a number too long to show"
    return text if len(text) <= 60 else text[:60] + "…"


def parse(raw: Any, where: str = "condition") -> Condition:
    """Turn YAML data into a condition tree, or raise ConditionSyntaxError naming `where`."""
    return _parse(raw, where, 1)


def _parse(raw: Any, where: str, depth: int) -> Condition:
    if not isinstance(raw, Mapping) or not raw:
        raise ConditionSyntaxError(
            f"{where}: a condition must be a non-empty mapping, got {_shown(raw)}"
        )
    if depth > MAX_DEPTH:
        raise ConditionSyntaxError(f"{where}: conditions nested more than {MAX_DEPTH} deep")
    keys = set(raw)
    if keys == {"all"} or keys == {"any"}:
        key = next(iter(keys))
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise ConditionSyntaxError(f"{where}: '{key}' needs a non-empty list of conditions")
        parts = tuple(
            _parse(item, f"{where}.{key}[{i}]", depth + 1) for i, item in enumerate(items)
        )
        return AllOf(parts) if key == "all" else AnyOf(parts)
    if keys == {"not"}:
        return Not(_parse(raw["not"], f"{where}.not", depth + 1))
    sources = keys & {"q", "fact"}
    ops = keys & OPERATORS
    unknown = keys - {"q", "fact"} - OPERATORS
    if unknown:
        raise ConditionSyntaxError(f"{where}: unknown key(s) {sorted(map(_shown, unknown))}")
    if len(sources) != 1 or len(ops) != 1:
        raise ConditionSyntaxError(
            f"{where}: a comparison needs exactly one of q/fact and one operator "
            f"({', '.join(sorted(OPERATORS))}), got {sorted(map(_shown, keys))}"
        )
    source, op = sources.pop(), ops.pop()
    name = raw[source]
    if not isinstance(name, str):
        raise ConditionSyntaxError(f"{where}: '{source}' needs a name, got {_shown(name)}")
    if source == "fact" and name not in FACTS:
        raise ConditionSyntaxError(f"{where}: unknown fact {name!r}; known: {sorted(FACTS)}")
    value = raw[op]
    if op in {"in", "not_in"} and not isinstance(value, list):
        raise ConditionSyntaxError(f"{where}: '{op}' needs a list")
    if op == "answered" and not isinstance(value, bool):
        raise ConditionSyntaxError(f"{where}: 'answered' needs true or false")
    if isinstance(value, Mapping):
        if set(value) != {"threshold"} or not isinstance(value["threshold"], str):
            raise ConditionSyntaxError(f"{where}: a mapping value must be {{threshold: id}}")
        value = ThresholdRef(value["threshold"])
    return Compare(source, name, op, value)


def references(cond: Condition) -> list[tuple[str, str]]:
    """Every (source, name) the condition reads, for load-time reference checks."""
    if isinstance(cond, Compare):
        return [(cond.source, cond.name)]
    if isinstance(cond, Not):
        return references(cond.part)
    return [ref for part in cond.parts for ref in references(part)]


def thresholds_used(cond: Condition) -> list[str]:
    if isinstance(cond, Compare):
        return [cond.value.threshold] if isinstance(cond.value, ThresholdRef) else []
    if isinstance(cond, Not):
        return thresholds_used(cond.part)
    return [t for part in cond.parts for t in thresholds_used(part)]


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated against."""

    answers: Mapping[str, Any]
    facts: Mapping[str, Any]
    on: date
    threshold: Callable[[str, date], Decimal] = field(default=lambda name, on: Decimal(0))


def _ordered(left: Any, right: Any) -> tuple[Any, Any] | None:
    """The two sides as values that order, or None when they cannot be (text against a number,
    a number that is not a number)."""
    if isinstance(left, str) and isinstance(right, str) and {left, right} <= RISK_ORDER.keys():
        return RISK_ORDER[left], RISK_ORDER[right]
    if _is_number(left):
        try:
            pair = Decimal(str(left)), Decimal(str(right))
        except (InvalidOperation, ValueError):  # ValueError: an int too long to write out
            return None
        return None if any(side.is_nan() for side in pair) else pair
    return left, right


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _same(left: Any, right: Any) -> bool:
    """Equality where 0.1 (YAML float) equals Decimal("0.10") (a typed answer)."""
    if _is_number(left) and _is_number(right):
        try:
            pair = Decimal(str(left)), Decimal(str(right))
        except ValueError:  # an int too long to write out is no answer's equal
            return False
        return not any(side.is_nan() for side in pair) and pair[0] == pair[1]
    return bool(left == right)


def evaluate(cond: Condition, ctx: Context) -> bool:
    """True when the condition holds. A missing answer never satisfies a comparison, nor does
    one that cannot be compared with the value (text ordered against a number): a checklist's
    rules never fail on someone's answers.

    Runs the function the condition was compiled into when it was made: the tree's kinds and
    operators are dispatched on once per condition, not at every evaluation (a creation
    evaluates some 70 conditions)."""
    return cond.test(ctx)


def _all_test(tests: tuple[Test, ...]) -> Test:
    def test(ctx: Context) -> bool:
        for part in tests:  # noqa: SIM110 - a loop makes no generator per evaluation
            if not part(ctx):
                return False
        return True

    return test


def _any_test(tests: tuple[Test, ...]) -> Test:
    def test(ctx: Context) -> bool:
        for part in tests:  # noqa: SIM110 - a loop makes no generator per evaluation
            if part(ctx):
                return True
        return False

    return test


def _not_test(inner: Test) -> Test:
    return lambda ctx: not inner(ctx)


def _compare_test(cond: Compare) -> Test:
    """`cond` as a function of a Context: what `evaluate` did at every call for a comparison,
    with the choices that depend on the condition alone made here once."""
    name, op, value = cond.name, cond.op, cond.value
    from_answers = cond.source == "q"

    if op == "answered":
        wanted = value

        def answered(ctx: Context) -> bool:
            present = ctx.answers if from_answers else ctx.facts
            return (present.get(name) is not None) is wanted

        return answered

    compare = _COMPARISONS.get(op)
    if compare is None:  # pragma: no cover - parse() guards
        raise ConditionSyntaxError(f"unknown operator {op!r}")
    threshold = value.threshold if isinstance(value, ThresholdRef) else None

    def compared(ctx: Context) -> bool:
        actual = (ctx.answers if from_answers else ctx.facts).get(name)
        if actual is None:
            return False
        expected = value if threshold is None else ctx.threshold(threshold, ctx.on)
        return compare(actual, expected)

    return compared


def _ordered_by(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], bool]:
    def compare(actual: Any, expected: Any) -> bool:
        ordered = _ordered(actual, expected)
        if ordered is None:
            return False
        try:
            return bool(op(*ordered))
        except TypeError:  # kinds that do not order, such as a date and text
            return False

    return compare


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": _same,
    "ne": lambda actual, expected: not _same(actual, expected),
    "in": lambda actual, expected: any(_same(actual, item) for item in expected),
    "not_in": lambda actual, expected: not any(_same(actual, item) for item in expected),
    "contains": lambda actual, expected: isinstance(actual, (list, tuple)) and expected in actual,
    "gt": _ordered_by(operator.gt),
    "gte": _ordered_by(operator.ge),
    "lt": _ordered_by(operator.lt),
    "lte": _ordered_by(operator.le),
}
