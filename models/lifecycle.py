"""The submission lifecycle: every allowed `source → target`, who may take it, and the stages.

Read this table first. Anything not in it raises `TransitionError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dfr.errors import TransitionError
from dfr.i18n import _


class State(StrEnum):
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


FINAL_STATES = frozenset(
    {State.APPROVED, State.APPROVED_WITH_CONDITIONS, State.REJECTED, State.WITHDRAWN}
)


class Stage(StrEnum):
    DIGITAL_OPTIONS_REVIEW = "digital_options_review"
    CATEGORY_REVIEW = "category_review"
    SERVICE_ASSESSMENT = "service_assessment"


class Role(StrEnum):
    POLICY_OFFICER = "policy_officer"
    DIGITAL_LEADER = "digital_leader"
    COE = "coe"  # Digital Centre of Excellence
    CATEGORY_MANAGER = "category_manager"
    LEAD_ASSESSOR = "lead_assessor"
    ASSESSOR = "assessor"
    ADMIN = "admin"


class Actor(StrEnum):
    """Who may take a transition: the stage's reviewer, or the submission's own submitter."""

    STAGE_REVIEWER = "stage_reviewer"
    SUBMITTER = "submitter"


@dataclass(frozen=True)
class Transition:
    source: State
    action: str
    target: State
    by: Actor


_S, _REVIEWER, _SUBMITTER = State, Actor.STAGE_REVIEWER, Actor.SUBMITTER

# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    #          source                action                      target                       by
    Transition(_S.IN_REVIEW,         "advance",                  _S.IN_REVIEW,                _REVIEWER),
    Transition(_S.IN_REVIEW,         "complete",                 _S.APPROVED,                 _REVIEWER),
    Transition(_S.IN_REVIEW,         "complete_with_conditions", _S.APPROVED_WITH_CONDITIONS, _REVIEWER),
    Transition(_S.IN_REVIEW,         "reassess",                 _S.IN_REVIEW,                _REVIEWER),
    Transition(_S.IN_REVIEW,         "request_changes",          _S.CHANGES_REQUESTED,        _REVIEWER),
    Transition(_S.IN_REVIEW,         "reject",                   _S.REJECTED,                 _REVIEWER),
    Transition(_S.CHANGES_REQUESTED, "resubmit",                 _S.IN_REVIEW,                _SUBMITTER),
    Transition(_S.IN_REVIEW,         "withdraw",                 _S.WITHDRAWN,                _SUBMITTER),
    Transition(_S.CHANGES_REQUESTED, "withdraw",                 _S.WITHDRAWN,                _SUBMITTER),
)
# fmt: on


@dataclass(frozen=True)
class StageRule:
    """A human step: who decides it, what they may decide, when it is due, who it escalates to.

    Service levels are working days in England and Wales (see models/working_days.py).
    """

    stage: Stage
    deciders: tuple[Role, ...]
    outcomes: tuple[str, ...]
    due_working_days: int
    escalate_to: Role


STAGES: dict[Stage, StageRule] = {
    Stage.DIGITAL_OPTIONS_REVIEW: StageRule(
        Stage.DIGITAL_OPTIONS_REVIEW,
        deciders=(Role.DIGITAL_LEADER, Role.COE),
        outcomes=("approve", "request_changes", "reject"),
        due_working_days=10,
        escalate_to=Role.COE,
    ),
    Stage.CATEGORY_REVIEW: StageRule(
        Stage.CATEGORY_REVIEW,
        deciders=(Role.CATEGORY_MANAGER,),
        outcomes=("approve", "approve_with_conditions", "request_changes", "reject"),
        due_working_days=20,  # decide within 20 working days (spend control: 28 calendar)
        escalate_to=Role.DIGITAL_LEADER,
    ),
    # Service assessments: the lead assessor finalises the overall rating (GDS service manual).
    Stage.SERVICE_ASSESSMENT: StageRule(
        Stage.SERVICE_ASSESSMENT,
        deciders=(Role.LEAD_ASSESSOR,),
        outcomes=("green", "amber", "red"),
        due_working_days=20,
        escalate_to=Role.DIGITAL_LEADER,
    ),
}

ALL_OUTCOMES = tuple(dict.fromkeys(o for rule in STAGES.values() for o in rule.outcomes))


def transition(source: State | str, action: str) -> Transition:
    """The allowed transition for `action` from `source`, or TransitionError."""
    for candidate in TRANSITIONS:
        if candidate.source == source and candidate.action == action:
            return candidate
    allowed = sorted({t.action for t in TRANSITIONS if t.source == source})
    raise TransitionError(
        _(
            "A submission that is {state} cannot be {action}. Allowed now: {allowed}.",
            state=State(source).value,
            action=action,
            allowed=", ".join(allowed) or _("nothing (it is finished)"),
        )
    )


def action_for(outcome: str, *, is_last_stage: bool, has_conditions: bool) -> str:
    """The lifecycle action a reviewer's outcome takes."""
    if outcome in {"request_changes", "reject"}:
        return outcome
    if outcome == "red":
        return "reassess"  # red: pause, fix, reassess the red points only
    if not is_last_stage:
        return "advance"
    return "complete_with_conditions" if has_conditions else "complete"
