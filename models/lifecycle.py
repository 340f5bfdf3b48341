"""The submission lifecycle: every allowed `source → target`, who may take it, and the stages.

Read this table first. Anything not in it raises `TransitionError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dfr import labels
from dfr.errors import PermissionDeniedError, TransitionError
from dfr.i18n import _
from dfr.labels import label


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

# Overdue work goes up this ladder, lowest first. An escalation goes to the first level, at
# or above where it starts, held by someone other than the item's owner and their absence
# cover; a second escalation starts one level above the first (services/reminders.py).
ESCALATION_LADDER: tuple[Role, ...] = (Role.DIGITAL_LEADER, Role.COE, Role.ADMIN)

# Conditions, amber actions and obligations are the submitter's to do: when overdue they go
# to the DG's Digital Leader first.
ACTIONS_ESCALATE_TO = Role.DIGITAL_LEADER


def escalation_chain(first: Role) -> tuple[Role, ...]:
    """`first`, then each level of the ladder above it."""
    if first in ESCALATION_LADDER:
        return ESCALATION_LADDER[ESCALATION_LADDER.index(first) :]
    return (first, *ESCALATION_LADDER)


ALL_OUTCOMES = tuple(dict.fromkeys(o for rule in STAGES.values() for o in rule.outcomes))


def apply(source: State | str, action: str, actor: Actor | None) -> Transition:
    """The transition `actor` takes with `action` from `source`: its target is the new state.

    `actor` is who the person is acting as (the services establish it; None: neither the
    submitter nor a reviewer of the stage). Raises PermissionDeniedError when the table gives
    the action to someone else, TransitionError when it is not allowed from `source`.
    """
    found = next((t for t in TRANSITIONS if t.source == source and t.action == action), None)
    # Who may take an action does not depend on the state: someone who may never take it
    # hears that, not which state the submission is in.
    takers = {found.by} if found else {t.by for t in TRANSITIONS if t.action == action}
    by = takers.pop() if len(takers) == 1 else None
    if by is not None and actor != by:
        raise PermissionDeniedError(
            _(
                "Only {who} can {action}.",
                who=label(labels.ACTORS, by.value),
                action=label(labels.ACTIONS, action),
            ),
            field="actor",
        )
    if found is None:
        allowed = [t.action for t in TRANSITIONS if t.source == source and actor in (None, t.by)]
        if allowed:
            possible = ", ".join(label(labels.ACTIONS, a) for a in dict.fromkeys(allowed))
        elif source in FINAL_STATES:
            possible = _("nothing (it is finished)")
        else:
            possible = _("nothing until someone else takes the next step")
        raise TransitionError(
            _(
                "The submission's status is {state}, so this step is not possible: {action}. "
                "Possible now: {allowed}.",
                state=label(labels.STATES, State(source).value),
                action=label(labels.ACTIONS, action),
                allowed=possible,
            )
        )
    return found


def action_for(outcome: str, *, is_last_stage: bool, has_conditions: bool) -> str:
    """The lifecycle action a reviewer's outcome takes."""
    if outcome in {"request_changes", "reject"}:
        return outcome
    if outcome == "red":
        return "reassess"  # red: pause, fix, reassess the red points only
    if not is_last_stage:
        return "advance"
    return "complete_with_conditions" if has_conditions else "complete"
