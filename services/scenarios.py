"""Run example scenarios (a submission plus scripted review steps) through the engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from checklists.loader import Registry
from checklists.routing import Route
from checklists.yaml_files import read_yaml
from dfr.errors import ValidationError
from dfr.i18n import _
from models.db import session_scope
from models.submission import Submission
from models.submission_file import parse_submission
from models.working_days import london_today
from services.decide import DecisionRequest, record_decision
from services.decision_input import parse_conditions, parse_ratings
from services.intake import resubmit, withdraw
from services.reassign import reassign
from services.scenario_assessments import STEPS
from services.submit import submit


@dataclass
class ScenarioResult:
    path: Path
    submission_id: int
    route: Route | None  # None when the scenario had been loaded before
    steps: list[str] = field(default_factory=list)


def run_scenario(
    engine: Engine,
    registry: Registry,
    path: Path,
    on: date | None = None,
    after: Callable[[int], object] | None = None,
) -> ScenarioResult:
    """Submit the scenario's submission and apply its steps, each in its own transaction.

    `after(submission_id)` runs after each write (the CLI starts the follow-up flows there).
    A scenario with `start_days_ago: N` is submitted N days before `on` (today), and a step
    with `day: D` is taken D days after that: an assessment booked weeks ahead, then held.
    """
    data = read_yaml(path)
    if "start_days_ago" in data:
        on = (on or london_today()) - timedelta(days=int(data["start_days_ago"]))
    parsed = parse_submission(data)
    with session_scope(engine) as session:
        existing = session.exec(
            select(Submission).where(
                Submission.title_en == parsed.title.en, Submission.submitter_id == parsed.submitter
            )
        ).first()
    if existing is not None:
        return ScenarioResult(path, existing.id or 0, None)
    with session_scope(engine) as session:
        submitted = submit(session, data, registry, on=on)
        sid, route = submitted.submission_id, submitted.route
    if after:
        after(sid)
    result = ScenarioResult(path, sid, route)
    for step in data.get("steps") or []:
        result.steps.append(_apply_step(engine, registry, sid, step, on))
        if after:
            after(sid)
    return result


def _apply_step(
    engine: Engine, registry: Registry, sid: int, step: Mapping[str, Any], on: date | None
) -> str:
    ((kind, body),) = step.items()
    if "day" in body:
        on = (on or london_today()) + timedelta(days=int(body["day"]))
    with session_scope(engine) as session:
        if kind in STEPS:
            return STEPS[kind](session, registry, sid, body, on or london_today())
        if kind == "decide":
            decision = record_decision(
                session,
                DecisionRequest(
                    submission_id=sid,
                    stage=str(body["stage"]),
                    outcome=str(body["outcome"]),
                    rationale=str(body.get("rationale", "")),
                    actor_id=str(body["as"]),
                    conditions=parse_conditions(body.get("conditions")),
                    ratings=parse_ratings(body.get("ratings")),
                ),
                registry,
                on,
            )
            return f"{decision.stage}: {decision.outcome} ({decision.actor_id})"
        if kind == "resubmit":
            resubmit(session, sid, str(body["as"]), body.get("answers") or {}, registry, on)
            return f"resubmitted ({body['as']})"
        if kind == "withdraw":
            withdraw(session, sid, str(body["as"]), str(body.get("reason", "")))
            return f"withdrawn ({body['as']})"
        if kind == "reassign":
            task = reassign(
                session,
                sid,
                str(body["stage"]),
                str(body["to"]),
                str(body.get("reason", "")),
                str(body["as"]),
                on,
            )
            return f"{task.stage}: reassigned to {task.assignee_id} ({body['as']})"
    raise ValidationError(
        _(
            "Unknown scenario step {step}; use decide, reassign, resubmit, withdraw or one of "
            "the assessment's steps: {steps}.",
            step=kind,
            steps=", ".join(STEPS),
        )
    )
