"""The Service Standard assessment's steps in an example scenario (`services.scenarios`):
booking the panel, declaring interests, rating, settling, writing and sending the report, the
team's accept or challenge, the panel's answer, and publishing. Each step calls the service a
person's front door would call, so a scenario is refused exactly as the pages would refuse it.

Steps are written as the YAML of `examples/submissions/`, for example:

    - book: {as: carys.llewelyn, date: 30, panel: {design: ben.taylor, ...}}
    - declare: {as: ben.taylor}
    - rate: {as: ben.taylor, ratings: {w02: green, ...}}
    - settle: {as: sian.davies, outcome: amber, rationale: ..., ratings: {...}}
    - report: {as: sian.davies, language: cy, summary: ..., notes: {w12: [done well, explore]}}
    - send_report: {as: sian.davies}
    - challenge: {as: iwan.parry, standards: {w12: {reason: ...}}}
    - answer_challenge: {as: sian.davies, answers: {w12: {rating: amber, rationale: ...}}}
    - accept: {as: iwan.parry}
    - publish: {as: sian.davies, withhold: [a phrase, ...]}

A booking's `date` is days after the step's own date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from checklists.loader import Registry
from services.assessment_reports import edit_report, send_report
from services.decision_input import parse_ratings
from services.panel_declarations import declare_interests
from services.panels import book_assessment
from services.ratings import save_ratings, settle
from services.report_publication import publish_report
from services.report_responses import (
    StandardAnswer,
    accept_report,
    answer_challenge,
    challenge_report,
)

Step = Callable[[Session, Registry, int, Mapping[str, Any], date], str]


def _book(session: Session, _reg: Registry, sid: int, body: Mapping[str, Any], on: date) -> str:
    when = on + timedelta(days=int(body["date"]))
    panel = {str(k): str(v) for k, v in (body.get("panel") or {}).items()}
    observers = [str(o) for o in body.get("observers") or []]
    book_assessment(session, sid, str(body["as"]), when, panel, observers, on=on)
    return f"assessment booked for {when.isoformat()} ({body['as']})"


def _declare(session: Session, _reg: Registry, sid: int, body: Mapping[str, Any], on: date) -> str:
    conflict = str(body.get("conflict", ""))
    declare_interests(session, sid, str(body["as"]), bool(conflict), conflict, on=on)
    return f"interests declared ({body['as']})"


def _rate(session: Session, reg: Registry, sid: int, body: Mapping[str, Any], on: date) -> str:
    ratings = parse_ratings(body.get("ratings"))
    save_ratings(session, sid, str(body["as"]), ratings, reg, final=True, on=on)
    return f"rated {', '.join(sorted(ratings))} ({body['as']})"


def _settle(session: Session, reg: Registry, sid: int, body: Mapping[str, Any], on: date) -> str:
    ratings = parse_ratings(body.get("ratings"))
    outcome, rationale = str(body["outcome"]), str(body.get("rationale", ""))
    settle(session, sid, str(body["as"]), ratings, outcome, rationale, reg, on=on)
    return f"service_assessment: {outcome}, settled from the panel's ratings ({body['as']})"


def _report(session: Session, _reg: Registry, sid: int, body: Mapping[str, Any], on: date) -> str:
    notes = {
        str(standard): (str(texts[0]), str(texts[1]) if len(texts) > 1 else "")
        for standard, texts in (body.get("notes") or {}).items()
    }
    language = str(body["language"])
    edit_report(session, sid, str(body["as"]), language, str(body["summary"]), notes, on=on)
    return f"report written in {language} ({body['as']})"


def _send(session: Session, _reg: Registry, sid: int, body: Mapping[str, Any], on: date) -> str:
    send_report(session, sid, str(body["as"]), on=on)
    return f"report sent to the team ({body['as']})"


def _challenge(
    session: Session, _reg: Registry, sid: int, body: Mapping[str, Any], on: date
) -> str:
    reasons = {str(k): str(v["reason"]) for k, v in (body.get("standards") or {}).items()}
    challenge_report(session, sid, str(body["as"]), reasons, on=on)
    return f"report challenged on {', '.join(sorted(reasons))} ({body['as']})"


def _answer(session: Session, _reg: Registry, sid: int, body: Mapping[str, Any], on: date) -> str:
    answers = {
        str(k): StandardAnswer(str(v["rating"]), str(v.get("rationale", "")))
        for k, v in (body.get("answers") or {}).items()
    }
    report = answer_challenge(session, sid, str(body["as"]), answers, on=on)
    return f"challenge answered, report {report.status} ({body['as']})"


def _accept(session: Session, _reg: Registry, sid: int, body: Mapping[str, Any], on: date) -> str:
    accept_report(session, sid, str(body["as"]), on=on)
    return f"report accepted ({body['as']})"


def _publish(session: Session, _reg: Registry, sid: int, body: Mapping[str, Any], on: date) -> str:
    withheld = [str(w) for w in body.get("withhold") or []]
    published = publish_report(session, sid, str(body["as"]), withheld, on=on)
    return f"report published at /reports/{published.slug} ({body['as']})"


STEPS: dict[str, Step] = {
    "book": _book,
    "declare": _declare,
    "rate": _rate,
    "settle": _settle,
    "report": _report,
    "send_report": _send,
    "challenge": _challenge,
    "answer_challenge": _answer,
    "accept": _accept,
    "publish": _publish,
}
