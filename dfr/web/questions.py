"""Checklist questions as web pages: which questions share a page, and form values ↔ answers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from checklists.answers import checked_answer, coerce_answer, is_asked, typed_leniently
from checklists.loader import Checklist, Registry
from checklists.schema import Question
from dfr.i18n import _, get_language
from dfr.web.forms import FormErrors
from dfr.web.templating import long_date
from models.working_days import london_today

QUESTIONS_PER_PAGE = 5


def _referenced(condition: Any) -> Iterator[str]:
    """Question ids a condition reads (`{q: id, …}` anywhere inside it)."""
    if isinstance(condition, Mapping):
        if isinstance(condition.get("q"), str):
            yield condition["q"]
        for value in condition.values():
            yield from _referenced(value)
    elif isinstance(condition, list):
        for item in condition:
            yield from _referenced(item)


def question_pages(checklist: Checklist) -> list[list[Question]]:
    """A few questions a page; a question asked only for some answers starts a new page when
    those answers are on the current one, so the form knows whether to ask it."""
    pages: list[list[Question]] = [[]]
    for question in checklist.definition.questions:
        current = pages[-1]
        on_page = {q.id for q in current}
        depends = bool(on_page & set(_referenced(question.ask_when)))
        if current and (len(current) >= QUESTIONS_PER_PAGE or depends):
            pages.append([])
        pages[-1].append(question)
    return pages


@dataclass(frozen=True)
class PageRef:
    checklist_id: str
    number: int  # 1-based within the checklist
    of: int


def all_pages(registry: Registry, kind: str) -> list[PageRef]:
    refs: list[PageRef] = []
    for checklist in registry.questionnaires_for(kind):
        pages = question_pages(checklist)
        refs.extend(PageRef(checklist.id, n, len(pages)) for n in range(1, len(pages) + 1))
    return refs


def asked_on_page(
    checklist: Checklist, page: list[Question], raw: Mapping[str, Any], kind: str
) -> list[Question]:
    typed = typed_leniently(checklist, raw)
    return [q for q in page if is_asked(checklist, q.id, typed, kind)]


def field_anchor(question: Question) -> str:
    return f"{question.id}-day" if question.type == "date" else question.id


def read_page(
    checklist: Checklist, questions: list[Question], form: FormData
) -> tuple[dict[str, Any], FormErrors]:
    """The page's answers as given (kept for redisplay) and what is wrong with them."""
    given: dict[str, Any] = {}
    errors = FormErrors()
    for question in questions:
        value = _form_value(question, form)
        given[question.id] = value
        anchor = field_anchor(question)
        if value in (None, "", []):
            if question.required:
                errors.add(
                    anchor, _("Answer this question: {question}", question=question_text(question))
                )
            continue
        try:
            checked_answer(question, value, london_today())
        except ValueError as err:
            errors.add(anchor, f"{question_text(question)}: {err}")
    return given, errors


def question_text(question: Question) -> str:
    return question.text.get(get_language())


def _form_value(question: Question, form: FormData) -> Any:
    if question.type == "multi_choice":
        return [v for v in form.getlist(question.id) if isinstance(v, str) and v]
    if question.type == "date":
        parts = [form.get(f"{question.id}-{part}") for part in ("day", "month", "year")]
        day, month, year = (p.strip() if isinstance(p, str) else "" for p in parts)
        if not (day or month or year):
            return None
        if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
            return f"{year}-{month}-{day}"  # refused by coerce with a clear message
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            return f"{year}-{month}-{day}"
    value = form.get(question.id)
    return value.strip() if isinstance(value, str) else None


def date_parts(value: Any) -> dict[str, str]:
    """An ISO date (or a refused attempt) split for the three date fields."""
    if not isinstance(value, str) or value.count("-") != 2:
        return {"day": "", "month": "", "year": ""}
    year, month, day = value.split("-")
    return {"day": day, "month": month, "year": year}


def display_answer(question: Question, raw: Any) -> str:
    """An answer as a person reads it: Yes/No, option labels, £ amounts, dates in words."""
    if raw in (None, "", []):
        return _("Not answered")
    try:
        value = coerce_answer(question, raw)
    except ValueError:
        return str(raw)
    lang = get_language()
    names = {o.value: o.label.get(lang) for o in question.options}
    if question.type == "bool":
        return _("Yes") if value else _("No")
    if question.type == "multi_choice":
        return "; ".join(names.get(v, v) for v in value)
    if question.type == "choice":
        return str(names.get(value, value))
    if question.type == "money":
        return f"£{value:,.2f}"
    if question.type == "date":
        return long_date(value)
    return str(value)
