"""The lifecycle table: every allowed transition works, anything else raises a clear error."""

from __future__ import annotations

import pytest

from dfr.errors import TransitionError
from models.lifecycle import (
    FINAL_STATES,
    STAGES,
    TRANSITIONS,
    Actor,
    State,
    action_for,
    transition,
)


@pytest.mark.parametrize("allowed", TRANSITIONS, ids=lambda t: f"{t.source}-{t.action}")
def test_every_allowed_transition_reaches_its_target(allowed):
    assert transition(allowed.source, allowed.action).target == allowed.target


@pytest.mark.parametrize(
    ("source", "action"),
    [
        (State.APPROVED, "advance"),
        (State.APPROVED, "withdraw"),
        (State.REJECTED, "resubmit"),
        (State.WITHDRAWN, "reject"),
        (State.IN_REVIEW, "resubmit"),
        (State.CHANGES_REQUESTED, "advance"),
        (State.CHANGES_REQUESTED, "reject"),
        (State.APPROVED_WITH_CONDITIONS, "request_changes"),
        (State.IN_REVIEW, "publish"),
    ],
)
def test_forbidden_transition_says_what_is_allowed(source, action):
    with pytest.raises(TransitionError) as err:
        transition(source, action)
    assert source.value in err.value.message
    assert "Allowed now" in err.value.message


def test_final_states_have_no_way_out():
    for state in FINAL_STATES:
        assert not [t for t in TRANSITIONS if t.source == state]


def test_only_the_submitter_resubmits_or_withdraws():
    for t in TRANSITIONS:
        expected = Actor.SUBMITTER if t.action in {"resubmit", "withdraw"} else Actor.STAGE_REVIEWER
        assert t.by == expected


def test_each_stage_states_permission_deadline_and_escalation():
    for rule in STAGES.values():
        assert rule.deciders and rule.outcomes and rule.due_working_days > 0 and rule.escalate_to


@pytest.mark.parametrize(
    ("outcome", "last", "conditions", "expected"),
    [
        ("approve", False, False, "advance"),
        ("approve", True, False, "complete"),
        ("approve", True, True, "complete_with_conditions"),
        ("approve_with_conditions", True, True, "complete_with_conditions"),
        ("green", True, False, "complete"),
        ("amber", True, True, "complete_with_conditions"),
        ("red", True, False, "reassess"),
        ("request_changes", False, False, "request_changes"),
        ("reject", True, False, "reject"),
    ],
)
def test_outcome_maps_to_lifecycle_action(outcome, last, conditions, expected):
    assert action_for(outcome, is_last_stage=last, has_conditions=conditions) == expected
