"""Check and normalise a submission's answers against one checklist. Pure.

Every problem in the answers is reported at once, so a policy team can fix the file in one go.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from checklists import conditions
from checklists.loader import Checklist
from checklists.schema import Question
from dfr.dates import long_date
from dfr.errors import ValidationError
from dfr.i18n import _, get_language

RATINGS = ("red", "amber", "green")
MAX_MONEY = Decimal("1000000000000")  # fits the database's NUMERIC(16, 2) with room to spare
_TRUE = {"true", "yes", "ie", "y", "1"}
_FALSE = {"false", "no", "na", "n", "0"}
TEXT_MAX = 2_000  # a free-text answer (models/text_limits.py lists every limit and its rules)
# Digits are 0-9 only: Python's \d (and Decimal) would also take Arabic-Indic or full-width ones.
_MONEY = re.compile(r"^£?\s*([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?$", re.ASCII)
_NUMBER = re.compile(r"^-?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$", re.ASCII)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", re.ASCII)
_LONDON = ZoneInfo("Europe/London")
# Unicode's control characters (category Cc: U+0000-U+001F and U+007F-U+009F, a set the
# standard has fixed for good) but the line breaks and the tab: one search of the text, not a
# category look-up per character.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str) -> bool:
    """Whether `text` holds a control character other than a line break or a tab: one that
    would reach a terminal as a command to it. The rule for every text a person writes
    (`models.text_limits` applies it to the rest)."""
    return _CONTROL.search(text) is not None


def _other_digits(text: str) -> bool:
    """Whether `text` has digits other than 0-9 (which look like numbers but are refused)."""
    return any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text)


def _digits_problem(raw: Any) -> ValueError:
    return ValueError(
        _("{value!r} uses digits other than 0 to 9; write it with the digits 0 to 9", value=raw)
    )


def parse_money(raw: Any) -> Decimal:
    """Pounds as a Decimal with two places. Accepts 250000, "£250,000", "250000.50"."""
    if isinstance(raw, bool):
        raise ValueError(_("expected an amount in pounds, not yes/no"))
    text = str(raw).strip()
    if text.startswith("-") or text.startswith("£-"):
        raise ValueError(_("money cannot be negative"))
    if isinstance(raw, (int, float, Decimal)):
        text = f"{Decimal(str(raw)):f}"
    if _other_digits(text):
        raise _digits_problem(raw)
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
        chosen = sorted(set(values), key=allowed.index)
        alone = [o for o in question.options if o.exclusive and o.value in chosen]
        if alone and len(chosen) > 1:
            raise ValueError(
                _(
                    "\u2018{option}\u2019 cannot be chosen with other answers; choose it alone, "
                    "or remove it",
                    option=alone[0].label.get(get_language()),
                )
            )
        return chosen
    if kind == "text":
        return _text(raw)
    if kind == "number":
        return _in_range(question, _number(raw))
    if kind == "money":
        return _in_range(question, parse_money(raw))
    if kind == "date":
        return _date(raw)
    raise ValueError(f"unsupported question type {kind}")  # pragma: no cover - schema guards


def _text(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError(_("expected some text"))
    text = raw.strip()
    if has_control_characters(text):
        raise ValueError(_("must not contain control characters; type the text again"))
    if len(text) > TEXT_MAX:
        raise ValueError(
            _(
                "is {length} characters long; shorten it to {limit} at most",
                length=len(text),
                limit=TEXT_MAX,
            )
        )
    return text


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError(_("expected a number"))
    if isinstance(raw, (int, float, Decimal)):
        number = Decimal(str(raw))
    else:
        text = str(raw).strip()
        if _other_digits(text):
            raise _digits_problem(raw)
        if not _NUMBER.match(text):
            raise ValueError(_("{value!r} is not a number", value=raw))
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise ValueError(_("{value!r} is not a number", value=raw)) from None
    if not number.is_finite() or number < 0:
        raise ValueError(_("expected a number of zero or more"))
    return number


def _shown(question: Question, amount: Decimal) -> str:
    return f"£{amount:,}" if question.type == "money" else f"{amount:,}"


def _in_range(question: Question, number: Decimal) -> Decimal:
    """`number` if it is within the question's stated range; else what the range is."""
    low, high = question.min, question.max
    if (low is None or number >= low) and (high is None or number <= high):
        return number
    value = _shown(question, number)
    if low is not None and high is not None:
        message = _(
            "{value} is outside the range allowed; give a number from {low} to {high}",
            value=value,
            low=_shown(question, low),
            high=_shown(question, high),
        )
    elif low is not None:
        message = _(
            "{value} is too small; give {low} or more", value=value, low=_shown(question, low)
        )
    else:
        assert high is not None  # the number is outside a range with at least one end
        message = _(
            "{value} is too large; give {high} or less", value=value, high=_shown(question, high)
        )
    raise ValueError(message)


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):  # a YAML timestamp: a datetime is also a date in Python
        raise ValueError(
            _(
                "{value} is a date and a time; give the date alone, as YYYY-MM-DD",
                value=raw.isoformat(sep=" "),
            )
        )
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    if _other_digits(text):
        raise _digits_problem(raw)
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("{value!r} is not a date; write YYYY-MM-DD", value=raw)) from None


def _today_in_wales() -> date:
    # As models.working_days.london_today, which this layer may not import.
    return datetime.now(_LONDON).date()


def checked_answer(question: Question, raw: Any, on: date | None = None) -> Any:
    """`coerce_answer`, then what depends on the day the answer is given (`on`, default today
    in Wales): an expected date (`not_in_past`) may not be before it. Every front door checks
    a new answer with this; a stored one is read back with `coerce_answer` alone."""
    value = coerce_answer(question, raw)
    today = on or _today_in_wales()
    if question.not_in_past and value < today:
        raise ValueError(
            _(
                "{value} is in the past; give a date from {today} onwards",
                value=long_date(value, get_language()),
                today=long_date(today, get_language()),
            )
        )
    return value


def qid_missing(qid: str, typed: Mapping[str, Any], raw: Mapping[str, Any]) -> bool:
    """Not answered at all (a wrongly typed answer is reported as such, not as missing)."""
    return qid not in typed and raw.get(qid) is None


def is_asked(
    checklist: Checklist, question_id: str, answers: Mapping[str, Any], kind: str | None = None
) -> bool:
    """Whether the question applies to these answers (and this kind of submission)."""
    cond = checklist.parsed_ask_when.get(question_id)
    if cond is None:
        return True
    facts = {"kind": kind} if kind else {}
    return conditions.evaluate(
        cond, conditions.Context(answers=answers, facts=facts, on=date.today())
    )


def typed_leniently(checklist: Checklist, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that are valid, typed; the rest left out (a draft's, half written)."""
    typed = {}
    for qid, value in raw.items():
        question = checklist.questions.get(qid)
        if question is None:
            continue
        try:
            typed[qid] = coerce_answer(question, value)
        except ValueError:
            continue
    return typed


def answers_that_apply(
    checklist: Checklist, answers: Mapping[str, Any], kind: str
) -> dict[str, Any]:
    """`answers` without those to questions no longer asked (after an earlier answer, or the
    kind of submission, changed)."""
    typed = typed_leniently(checklist, answers)
    return {qid: v for qid, v in answers.items() if is_asked(checklist, qid, typed, kind)}


def answer_problems(
    checklist: Checklist,
    raw: Mapping[str, Any] | None,
    *,
    carried_over: frozenset[str] = frozenset(),
    on: date | None = None,
    kind: str | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed answers and, per question id, what is wrong with its answer (empty when none).

    The web form shows each problem beside its question; `normalise_answers` lists them all.
    `carried_over` names answers kept from an earlier round: when the new answers make such a
    question no longer apply, its old answer is dropped instead of refused. `on` is the day
    the answers are given (default: today in Wales); `kind` the kind of submission, for
    questions asked of one kind only.
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
            typed[qid] = checked_answer(question, value, on)
        except ValueError as err:
            problems[qid] = str(err)
    for question in checklist.definition.questions:
        asked = is_asked(checklist, question.id, typed, kind)
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
    on: date | None = None,
    kind: str | None = None,
) -> dict[str, Any]:
    """Typed answers, or ValidationError listing every unknown, missing or wrong answer."""
    typed, problems = answer_problems(checklist, raw, carried_over=carried_over, on=on, kind=kind)
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
