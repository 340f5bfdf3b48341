"""Decide a submission's route from its answers: stages, flags, obligations. Pure.

Every submission starts with the digital-options review (Digital Action Plan action 7).
Rules in the checklists add the category-manager review and the Service Standard
assessment; the order of stages is fixed, whatever order the rules fire in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from checklists import conditions
from checklists.conditions import RISK_ORDER
from checklists.loader import Checklist, Registry
from checklists.schema import Text

DIGITAL_OPTIONS_REVIEW = "digital_options_review"
STAGE_ORDER = (DIGITAL_OPTIONS_REVIEW, "category_review", "service_assessment")


@dataclass(frozen=True)
class RoutedStage:
    stage: str
    checklist: str | None  # the standard set for a service assessment
    because: Text | None  # None for the digital-options review, which every submission gets
    checklist_version: int | None = None  # pinned: the version in force when routed


@dataclass(frozen=True)
class RaisedFlag:
    id: str
    severity: str
    text: Text
    rule: str


@dataclass(frozen=True)
class RaisedObligation:
    id: str
    text: Text
    due: date
    rule: str


@dataclass(frozen=True)
class Route:
    stages: tuple[RoutedStage, ...]
    flags: tuple[RaisedFlag, ...]
    obligations: tuple[RaisedObligation, ...]
    scrutiny: str | None  # "coe" when the digital-options review goes to the Digital CoE
    risk: str | None
    value: Decimal | None
    phase: str | None
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def stage_names(self) -> list[str]:
        return [s.stage for s in self.stages]


def _mapped(
    checklists: list[Checklist], answers: Mapping[str, Mapping[str, Any]], target: str
) -> Any:
    """The answer mapped to `target`: the first one given (a question asked of one kind of
    submission only may map to the same target as another checklist's)."""
    for checklist in checklists:
        for question in checklist.definition.questions:
            if question.maps_to == target:
                answer = answers.get(checklist.id, {}).get(question.id)
                if answer is not None:
                    return answer
    return None


def overall_risk(
    checklists: list[Checklist],
    answers: Mapping[str, Mapping[str, Any]],
    ctx_facts: Mapping[str, Any],
    on: date,
    registry: Registry,
) -> str | None:
    """The highest risk rating of any answer (spend control: overall = highest rated answer)."""
    ratings: list[str] = []
    for checklist in checklists:
        ctx = conditions.Context(
            answers=answers.get(checklist.id, {}),
            facts=ctx_facts,
            on=on,
            threshold=registry.thresholds.amount,
        )
        for bands in checklist.parsed_risk.values():
            for rating, cond in bands:
                if conditions.evaluate(cond, ctx):
                    ratings.append(rating)
                    break
    return max(ratings, key=RISK_ORDER.__getitem__) if ratings else None


def route_for(
    *,
    kind: str,
    dg: str,
    checklists: list[Checklist],
    answers: Mapping[str, Mapping[str, Any]],
    registry: Registry,
    on: date,
) -> Route:
    """The route for typed answers (see `answers.normalise_answers`) on a given date."""
    value = _mapped(checklists, answers, "value")
    phase = _mapped(checklists, answers, "phase")
    transactions = _mapped(checklists, answers, "transactions")
    facts: dict[str, Any] = {"kind": kind, "dg": dg, "value": value, "transactions": transactions}
    facts["risk"] = overall_risk(checklists, answers, facts, on, registry)

    stages: dict[str, RoutedStage] = {}
    flags: dict[str, RaisedFlag] = {}
    obligations: dict[str, RaisedObligation] = {}
    scrutiny: str | None = None
    for checklist in checklists:
        own = answers.get(checklist.id, {})
        ctx = conditions.Context(
            answers=own, facts=facts, on=on, threshold=registry.thresholds.amount
        )
        by_id_flag = {f.id: f for f in checklist.definition.flags}
        by_id_obligation = {o.id: o for o in checklist.definition.obligations}
        for rule, cond in checklist.parsed_rules:
            if not conditions.evaluate(cond, ctx):
                continue
            then = rule.then
            if then.stage and then.stage not in stages:
                version = registry.get(then.checklist).version if then.checklist else None
                stages[then.stage] = RoutedStage(then.stage, then.checklist, rule.because, version)
            elif then.flag and then.flag not in flags:
                flag = by_id_flag[then.flag]
                flags[flag.id] = RaisedFlag(flag.id, flag.severity, flag.text, rule.id)
            elif then.obligation and then.obligation not in obligations:
                ob = by_id_obligation[then.obligation]
                due = own.get(ob.due_from) if ob.due_from else None
                if not isinstance(due, date):
                    due = on + timedelta(days=ob.default_days)
                obligations[ob.id] = RaisedObligation(ob.id, ob.text, due, rule.id)
            elif then.scrutiny:
                scrutiny = then.scrutiny
    ordered = [RoutedStage(DIGITAL_OPTIONS_REVIEW, None, None)] + [
        stages[name] for name in STAGE_ORDER[1:] if name in stages
    ]
    return Route(
        stages=tuple(ordered),
        flags=tuple(sorted(flags.values(), key=lambda f: f.id)),
        obligations=tuple(sorted(obligations.values(), key=lambda o: o.id)),
        scrutiny=scrutiny,
        risk=facts["risk"],
        value=value,
        phase=phase,
        facts=facts,
    )
