"""Check and normalise a submission's answers against one checklist. Pure.

Every problem in the answers is reported at once, so a policy team can fix the file in one go.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from checklists import conditions
from checklists.loader import Checklist
from checklists.schema import Question
from dfr.errors import ValidationError
from dfr.i18n import _

RATINGS = ("red", "amber", "green")
MAX_MONEY = Decimal("1000000000000")  # fits the database's NUMERIC(16, 2) with room to spare
_TRUE = {"true", "yes", "ie", "y", "1"}
_FALSE = {"false", "no", "na", "n", "0"}
_MONEY = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")


def parse_money(raw: Any) -> Decimal:
    """Pounds as a Decimal with two places. Accepts 250000, "£250,000", "250000.50"."""
    if isinstance(raw, bool):
        raise ValueError(_("expected an amount in pounds, not yes/no"))
    text = str(raw).strip()
    if text.startswith("-") or text.startswith("£-"):
        raise ValueError(_("money cannot be negative"))
    if isinstance(raw, (int, float, Decimal)):
        text = f"{Decimal(str(raw)):f}"
    if not _MONEY.match(text):
        raise ValueError(
            _(
                "{value!r} is not an amount of money; write pounds like 250000 or £250,000",
                value=raw,
            )
        )
    amount = Decimal(text.lstrip("£").strip().replace(",", ""))
    if amount >= MAX_MONEY:
        raise ValueError(_("{value!r} is too large; amounts must be under £1 trillion", value=raw))
    return amount.quantize(Decimal("0.01"))


def coerce_answer(question: Question, raw: Any) -> Any:
    """One answer as its question's type, or ValueError saying what is wrong with it."""
    kind = question.type
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(_("expected yes or no (true/false)"))
    if kind in {"choice", "rating"}:
        allowed = [o.value for o in question.options] if kind == "choice" else list(RATINGS)
        if raw not in allowed:
            raise ValueError(
                _("{value!r} is not one of: {allowed}", value=raw, allowed=", ".join(allowed))
            )
        return raw
    if kind == "multi_choice":
        values = raw if isinstance(raw, list) else [raw]
        allowed = [o.value for o in question.options]
        wrong = [v for v in values if v not in allowed]
        if wrong or not values:
            raise ValueError(_("expected a list of: {allowed}", allowed=", ".join(allowed)))
        return sorted(set(values), key=allowed.index)
    if kind == "text":
        if not isinstance(raw, str) or not raw.strip():
            raise ValueError(_("expected some text"))
        return raw.strip()
    if kind == "number":
        if isinstance(raw, bool):
            raise ValueError(_("expected a number"))
        try:
            number = Decimal(str(raw).replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("{value!r} is not a number", value=raw)) from None
        if not number.is_finite() or number < 0:
            raise ValueError(_("expected a number of zero or more"))
        return number
    if kind == "money":
        return parse_money(raw)
    if kind == "date":
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            raise ValueError(_("{value!r} is not a date; write YYYY-MM-DD", value=raw)) from None
    raise ValueError(f"unsupported question type {kind}")  # pragma: no cover - schema guards


def qid_missing(qid: str, typed: Mapping[str, Any], raw: Mapping[str, Any]) -> bool:
    """Not answered at all (a wrongly typed answer is reported as such, not as missing)."""
    return qid not in typed and raw.get(qid) is None


def is_asked(checklist: Checklist, question_id: str, answers: Mapping[str, Any]) -> bool:
    cond = checklist.parsed_ask_when.get(question_id)
    if cond is None:
        return True
    return conditions.evaluate(cond, conditions.Context(answers=answers, facts={}, on=date.today()))


def answer_problems(
    checklist: Checklist,
    raw: Mapping[str, Any] | None,
    *,
    carried_over: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed answers and, per question id, what is wrong with its answer (empty when none).

    The web form shows each problem beside its question; `normalise_answers` lists them all.
    `carried_over` names answers kept from an earlier round: when the new answers make such a
    question no longer apply, its old answer is dropped instead of refused.
    """
    raw = dict(raw or {})
    problems: dict[str, str] = {}
    typed: dict[str, Any] = {}
    for qid, value in raw.items():
        question = checklist.questions.get(str(qid))
        if question is None:
            problems[str(qid)] = _(
                "unknown question id {id}: checklist {checklist} has no such question; "
                "remove it or check its spelling",
                id=qid,
                checklist=checklist.id,
            )
            continue
        if value is None:
            continue
        try:
            typed[qid] = coerce_answer(question, value)
        except ValueError as err:
            problems[qid] = str(err)
    for question in checklist.definition.questions:
        asked = is_asked(checklist, question.id, typed)
        if question.id in typed and not asked and question.id in carried_over:
            del typed[question.id]
        elif question.id in typed and not asked:
            problems[question.id] = _("this question does not apply to these answers; remove it")
        elif asked and question.required and qid_missing(question.id, typed, raw):
            problems.setdefault(question.id, _("this question needs an answer"))
    return typed, problems


def normalise_answers(
    checklist: Checklist,
    raw: Mapping[str, Any] | None,
    *,
    carried_over: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Typed answers, or ValidationError listing every unknown, missing or wrong answer."""
    typed, problems = answer_problems(checklist, raw, carried_over=carried_over)
    if problems:
        lines = [
            _("question {id}: {problem}", id=qid, problem=message)
            if qid in checklist.questions
            else message
            for qid, message in problems.items()
        ]
        raise ValidationError(
            _("The answers to checklist {checklist} have problems:", checklist=checklist.id)
            + "\n  - "
            + "\n  - ".join(lines),
            field=f"answers.{checklist.id}.{next(iter(problems))}",
        )
    return typed


def to_json(value: Any) -> Any:
    """A JSON-safe form of a typed answer (Decimal and date become strings)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json(question: Question, value: Any) -> Any:
    """The typed form of a stored answer."""
    if value is None:
        return None
    if question.type in {"money", "number"}:
        return Decimal(str(value))
    if question.type == "date":
        return date.fromisoformat(value)
    return value
