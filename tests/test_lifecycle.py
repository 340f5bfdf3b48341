"""The lifecycle table decides every state change: where a step lands, who may take it, and
the words of a refusal; the services follow it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from dfr.errors import PermissionDeniedError, TransitionError
from dfr.i18n import set_language
from models.db import session_scope
from models.lifecycle import (
    FINAL_STATES,
    STAGES,
    TRANSITIONS,
    Actor,
    Role,
    Stage,
    State,
    action_for,
    apply,
    escalation_chain,
)
from models.submission import Submission
from services.intake import resubmit, withdraw
from tests.factories import decide, log_count, make_submission

REVIEWER, SUBMITTER = Actor.STAGE_REVIEWER, Actor.SUBMITTER


@pytest.mark.parametrize(
    ("source", "action", "actor", "lands_in"),
    [
        ("in_review", "advance", REVIEWER, "in_review"),
        ("in_review", "complete", REVIEWER, "approved"),
        ("in_review", "complete_with_conditions", REVIEWER, "approved_with_conditions"),
        ("in_review", "reassess", REVIEWER, "in_review"),
        ("in_review", "request_changes", REVIEWER, "changes_requested"),
        ("in_review", "reject", REVIEWER, "rejected"),
        ("changes_requested", "resubmit", SUBMITTER, "in_review"),
        ("in_review", "withdraw", SUBMITTER, "withdrawn"),
        ("changes_requested", "withdraw", SUBMITTER, "withdrawn"),
    ],
)
def test_each_step_lands_in_its_state(source, action, actor, lands_in):
    assert apply(source, action, actor).target == lands_in


def refusal(error, source, action, actor):
    """The `error` that `apply` raises for a step that may not be taken."""
    with pytest.raises(error) as refused:
        apply(source, action, actor)
    return refused.value


@pytest.mark.parametrize(
    ("source", "action", "actor", "words"),
    [
        (
            "in_review",
            "withdraw",
            REVIEWER,
            "Only the person who made the submission can withdraw.",
        ),
        ("changes_requested", "resubmit", None, "Only the person who made the submission can"),
        ("in_review", "reject", SUBMITTER, "Only a reviewer of the stage in progress can reject."),
        ("in_review", "request_changes", SUBMITTER, "Only a reviewer of the stage in progress"),
        # Who may act does not depend on the state: a reviewer hears that, not the state.
        ("approved", "withdraw", REVIEWER, "Only the person who made the submission"),
    ],
)
def test_a_refused_actor_is_told_who_may_take_the_step(source, action, actor, words):
    refused = refusal(PermissionDeniedError, source, action, actor)
    assert refused.message.startswith(words)
    assert refused.field == "actor"


@pytest.mark.parametrize(
    ("source", "action", "actor", "words"),
    [
        (
            "approved",
            "withdraw",
            SUBMITTER,
            "The submission's status is approved, so this step is not possible: withdraw. "
            "Possible now: nothing (it is finished).",
        ),
        (
            "in_review",
            "resubmit",
            SUBMITTER,
            "The submission's status is in review, so this step is not possible: resubmit. "
            "Possible now: withdraw.",
        ),
        (
            "changes_requested",
            "reject",
            REVIEWER,
            "The submission's status is changes requested, so this step is not possible: "
            "reject. Possible now: nothing until someone else takes the next step.",
        ),
        ("withdrawn", "resubmit", SUBMITTER, "The submission's status is withdrawn"),
        ("in_review", "publish", REVIEWER, "The submission's status is in review, so this step"),
    ],
)
def test_a_step_from_the_wrong_state_says_what_is_possible(source, action, actor, words):
    assert refusal(TransitionError, source, action, actor).message.startswith(words)


def test_refusals_are_in_welsh_for_a_welsh_reader():
    set_language("cy")
    refused = refusal(PermissionDeniedError, "in_review", "withdraw", REVIEWER)
    assert refused.message == "Dim ond y person a wnaeth y cyflwyniad sy'n gallu tynnu'n ôl."
    wrong_state = refusal(TransitionError, "approved", "withdraw", SUBMITTER).message
    assert "wedi'i gymeradwyo" in wrong_state
    assert "dim (mae wedi'i gwblhau)" in wrong_state


def test_final_states_have_no_way_out():
    for state in FINAL_STATES:
        assert not [t for t in TRANSITIONS if t.source == state]


def test_overdue_work_goes_up_the_ladder_from_where_the_stage_starts():
    assert escalation_chain(STAGES[Stage.DIGITAL_OPTIONS_REVIEW].escalate_to) == (
        Role.COE,
        Role.ADMIN,
    )
    for stage in (Stage.CATEGORY_REVIEW, Stage.SERVICE_ASSESSMENT):
        assert escalation_chain(STAGES[stage].escalate_to) == (
            Role.DIGITAL_LEADER,
            Role.COE,
            Role.ADMIN,
        )


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


# -- the services follow the table -----------------------------------------------------------


def state_of(engine, sid) -> str:
    with session_scope(engine) as session:
        return session.exec(select(Submission.state).where(Submission.id == sid)).one()


def test_withdrawing_lands_in_withdrawn_and_a_reviewer_cannot_withdraw(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    before = log_count(people)
    with session_scope(people) as session, pytest.raises(PermissionDeniedError) as refused:
        withdraw(session, sid, "dl.est", "Not mine to withdraw")
    assert refused.value.message == "Only the person who made the submission can withdraw."
    assert state_of(people, sid) == State.IN_REVIEW
    assert log_count(people) == before
    with session_scope(people) as session:
        withdraw(session, sid, "policy.est", "No longer needed")
    assert state_of(people, sid) == "withdrawn"
    with session_scope(people) as session, pytest.raises(TransitionError) as again:
        withdraw(session, sid, "policy.est")
    assert again.value.message.startswith("The submission's status is withdrawn, so this step")


def test_resubmitting_lands_in_review_only_after_changes_were_asked(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    with session_scope(people) as session, pytest.raises(TransitionError) as too_soon:
        resubmit(session, sid, "policy.est", {}, checklist_registry)
    assert too_soon.value.message.endswith("Possible now: withdraw.")
    decide(people, checklist_registry, sid, "digital_options_review", "request_changes", "dl.est")
    assert state_of(people, sid) == "changes_requested"
    with session_scope(people) as session, pytest.raises(PermissionDeniedError):
        resubmit(session, sid, "dl.est", {}, checklist_registry)
    assert state_of(people, sid) == "changes_requested"
    with session_scope(people) as session:
        resubmit(session, sid, "policy.est", {}, checklist_registry)
    assert state_of(people, sid) == "in_review"


def test_the_submitter_cannot_decide_their_own_review(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    with pytest.raises(PermissionDeniedError, match="separation of duties"):
        decide(people, checklist_registry, sid, "digital_options_review", "reject", "policy.est")
    assert state_of(people, sid) == "in_review"
