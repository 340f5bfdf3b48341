"""Recording decisions: the lifecycle, roles and separation of duties are enforced, and a refused
decision changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import select

from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from models.db import session_scope
from models.review import Action, Decision, ReviewTask
from models.submission import Submission
from models.working_days import add_working_days, london_today
from services.decide import Condition, DecisionRequest, StandardAssessment, record_decision
from services.intake import resubmit, withdraw
from services.reassign import delegate, reassign
from tests.factories import (
    IN_DISCOVERY,
    SERVICE,
    all_green,
    approve_with_condition,
    approved_to_category_review,
    assess,
    decide,
    log_count,
    make_submission,
    request_changes_then_resubmit,
)


def state_of(engine, sid):
    with session_scope(engine) as session:
        return session.get(Submission, sid).state


def open_stage(engine, sid):
    with session_scope(engine) as session:
        return session.exec(
            select(ReviewTask).where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).one_or_none()


def test_policy_with_no_service_is_approved_after_digital_options_review(
    people, checklist_registry
):
    sid = make_submission(people, checklist_registry)
    task = open_stage(people, sid)
    assert task.stage == "digital_options_review" and task.assignee_id == "dl.est"
    assert task.due_date == add_working_days(london_today(), 10)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    assert state_of(people, sid) == "approved"


def test_procurement_service_goes_through_every_stage(people, checklist_registry):
    sid = approved_to_category_review(people, checklist_registry, **SERVICE)
    assert open_stage(people, sid).assignee_id == "cm.est"
    due = date.today() + timedelta(days=60)
    approve_with_condition(people, checklist_registry, sid, "Publish performance data", due)
    ratings = all_green(checklist_registry)
    ratings["w05"] = StandardAssessment("amber", "Good research", "Test with screen readers")
    assess(people, checklist_registry, sid, "amber", ratings)
    assert state_of(people, sid) == "approved_with_conditions"
    with session_scope(people) as session:
        actions = session.exec(select(Action).where(Action.submission_id == sid)).all()
    kinds = sorted((a.kind, a.reference) for a in actions)
    assert kinds == [("amber_action", "w05"), ("condition", "category_review#1")]
    amber = next(a for a in actions if a.kind == "amber_action")
    assert amber.text == "Test with screen readers" and amber.due_date > date.today() + timedelta(
        days=88
    )


def test_red_rating_reassesses_only_the_red_points(people, checklist_registry):
    sid = make_submission(people, checklist_registry, **SERVICE)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    ratings = all_green(checklist_registry)
    ratings["w02"] = StandardAssessment("red")
    ratings["w07"] = StandardAssessment("red")
    assess(people, checklist_registry, sid, "red", ratings)
    task = open_stage(people, sid)
    assert task.scope == ["w02", "w07"] and task.attempt == 2
    with pytest.raises(
        ValidationError, match=r"Missing: 7\. Have a multidisciplinary team\. Not part"
    ):
        assess(people, checklist_registry, sid, "green", {"w02": StandardAssessment("green")})
    both = {"w02": StandardAssessment("green"), "w07": StandardAssessment("green")}
    assess(people, checklist_registry, sid, "green", both)
    assert state_of(people, sid) == "approved"


def test_request_changes_then_resubmit_reopens_review(people, checklist_registry):
    sid = make_submission(people, checklist_registry, wet_ink_signature=True)
    decide(
        people,
        checklist_registry,
        sid,
        "digital_options_review",
        "request_changes",
        "dl.est",
        rationale="Remove the wet-ink signature.",
    )
    assert state_of(people, sid) == "changes_requested"
    with session_scope(people) as session:
        submission, route = resubmit(
            session,
            sid,
            "policy.est",
            {"digital_options": {"wet_ink_signature": False}},
            checklist_registry,
        )
        assert submission.round == 2 and not route.flags
    task = open_stage(people, sid)
    assert task.stage == "digital_options_review" and task.round == 2
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    assert state_of(people, sid) == "approved"


def test_only_the_submitter_may_resubmit_or_withdraw(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    decide(people, checklist_registry, sid, "digital_options_review", "request_changes", "dl.est")
    with (
        session_scope(people) as session,
        pytest.raises(
            PermissionDeniedError, match=r"^Only the person who made the submission can resubmit"
        ),
    ):
        resubmit(session, sid, "dl.est", {}, checklist_registry)
    with session_scope(people) as session, pytest.raises(PermissionDeniedError):
        withdraw(session, sid, "cm.est")
    with session_scope(people) as session:
        withdraw(session, sid, "policy.est", "No longer needed")
    assert state_of(people, sid) == "withdrawn"


def test_high_risk_goes_to_the_centre_of_excellence(people, checklist_registry):
    sid = make_submission(people, checklist_registry, estimated_cost=2_000_000)
    assert open_stage(people, sid).assignee_id == "coe.one"
    with pytest.raises(
        PermissionDeniedError, match=r"^Only the Digital Centre of Excellence can decide"
    ):
        decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "coe.one")
    assert state_of(people, sid) == "approved"


def test_only_the_assignee_or_someone_covering_for_them_decides(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    assert open_stage(people, sid).assignee_id == "dl.est"
    before = log_count(people)
    with pytest.raises(PermissionDeniedError) as refused:
        decide(people, checklist_registry, sid, "digital_options_review", "approve", "coe.one")
    assert refused.value.field == "actor"
    assert "assigned to Leader EST" in refused.value.message
    assert "reassign it to yourself first" in refused.value.message
    assert log_count(people) == before and state_of(people, sid) == "in_review"

    with session_scope(people) as session:
        reassign(session, sid, "digital_options_review", "coe.one", "Leader on leave", "admin.one")
    with pytest.raises(PermissionDeniedError, match="assigned to CoE One"):
        decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "coe.one")
    assert state_of(people, sid) == "approved"


def test_someone_covering_for_the_assignee_decides_their_review(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    tomorrow = london_today() + timedelta(days=1)
    with session_scope(people) as session:  # cover from tomorrow: the review stays with dl.est
        delegate(session, "dl.est", "coe.one", tomorrow, tomorrow, "Annual leave", "dl.est")
    assert open_stage(people, sid).assignee_id == "dl.est"
    with session_scope(people) as session:
        record_decision(
            session,
            DecisionRequest(sid, "digital_options_review", "approve", "Covering.", "coe.one"),
            checklist_registry,
            tomorrow,
        )
    assert state_of(people, sid) == "approved"


# -- refused decisions change nothing --------------------------------------------------------

ROLE = (
    "Only the DG's Digital Leader or the Digital Centre of Excellence can decide the "
    "Digital-options review for EST"
)


def refusal(case: str, error: type, message: str, field: str, **decision: Any) -> Any:
    """A refused decision: by default the EST Digital Leader approving the digital-options
    review; `decision` says what differs."""
    asked = {"stage": "digital_options_review", "outcome": "approve", "actor": "dl.est"}
    return pytest.param({**asked, **decision}, error, message, field, id=case)


SOON = date.today() + timedelta(days=5)
REFUSALS = [
    refusal(
        "stage not open", TransitionError, "not open for a decision", "stage",
        stage="category_review", actor="cm.est",
    ),
    refusal("unknown stage", ValidationError, "Unknown stage", "stage", stage="tea_break"),
    refusal(
        "unknown outcome", ValidationError, "Unknown outcome maybe", "outcome", outcome="maybe"
    ),
    refusal("lacks the role", PermissionDeniedError, ROLE, "actor", actor="cm.est"),
    refusal("other DG's leader", PermissionDeniedError, ROLE, "actor", actor="dl.hss"),
    refusal(
        "the submitter", PermissionDeniedError, "separation of duties", "actor", actor="policy.est"
    ),
    refusal("unknown person", NotFoundError, "Unknown person nobody", "actor", actor="nobody"),
    refusal("no rationale", ValidationError, "Give a rationale", "rationale", rationale=" "),
    refusal(
        "conditions without that outcome", ValidationError, "Conditions can only", "conditions",
        conditions=[Condition("x", SOON)],
    ),
    refusal(
        "ratings outside an assessment", ValidationError, "only given in a service assessment",
        "ratings", ratings={"w01": StandardAssessment("green")},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "error", "message", "field"), REFUSALS)
def test_refused_decision_changes_nothing(
    people, checklist_registry, kwargs, error, message, field
):
    sid = make_submission(people, checklist_registry, kind="procurement", buys_digital=True)
    before = log_count(people)
    kwargs = dict(kwargs)
    with pytest.raises(error, match=message) as refused:
        decide(
            people,
            checklist_registry,
            sid,
            kwargs.pop("stage"),
            kwargs.pop("outcome"),
            kwargs.pop("actor"),
            **kwargs,
        )
    assert refused.value.field == field
    assert log_count(people) == before
    assert state_of(people, sid) == "in_review"
    with session_scope(people) as session:
        assert session.exec(select(Decision)).all() == []


def test_assessment_rating_rules(people, checklist_registry):
    sid = make_submission(people, checklist_registry, **SERVICE)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    ratings = all_green(checklist_registry)
    ratings["w01"] = StandardAssessment("red")
    with pytest.raises(
        ValidationError, match="overall rating must be red for these ratings"
    ) as wrong_overall:
        assess(people, checklist_registry, sid, "amber", ratings)
    assert wrong_overall.value.field == "outcome"
    for overall in ("red", "amber"):
        with pytest.raises(ValidationError, match="must be green for these ratings"):
            assess(people, checklist_registry, sid, overall, all_green(checklist_registry))
    one_amber = {**all_green(checklist_registry), "w04": StandardAssessment("amber")}
    with pytest.raises(ValidationError, match="must be amber for these ratings"):
        assess(people, checklist_registry, sid, "green", one_amber)
    ratings["w01"] = StandardAssessment("purple")
    with pytest.raises(ValidationError, match="red, amber or green") as wrong_rating:
        assess(people, checklist_registry, sid, "green", ratings)
    assert wrong_rating.value.field == "ratings.w01"
    with pytest.raises(PermissionDeniedError):
        assess(people, checklist_registry, sid, "green", all_green(checklist_registry), "dl.est")


def test_decided_stage_cannot_be_decided_twice(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    with pytest.raises(TransitionError, match="not open"):
        decide(people, checklist_registry, sid, "digital_options_review", "reject", "dl.est")


def test_past_condition_due_date_is_refused(people, checklist_registry):
    sid = approved_to_category_review(people, checklist_registry)
    yesterday = date.today() - timedelta(days=1)
    with pytest.raises(ValidationError, match="in the past"):
        approve_with_condition(people, checklist_registry, sid, "Do it", yesterday)


def test_resubmission_drops_old_answers_that_no_longer_apply(people, checklist_registry):
    sid = make_submission(people, checklist_registry, **IN_DISCOVERY)
    route = request_changes_then_resubmit(
        people, checklist_registry, sid, {"digital_options": {"builds_service": False}}
    )
    assert route.stage_names == ["digital_options_review"] and not route.obligations
    with session_scope(people) as session:
        obligation = session.exec(select(Action).where(Action.kind == "obligation")).one()
        assert (
            obligation.reference == "assessment_end_of_alpha" and obligation.status == "cancelled"
        )
    decide(people, checklist_registry, sid, "digital_options_review", "request_changes", "dl.est")
    # An answer the submitter gives now, to a question that does not apply, is still refused.
    with (
        session_scope(people) as session,
        pytest.raises(ValidationError, match="service_phase: this question does not apply"),
    ):
        resubmit(
            session,
            sid,
            "policy.est",
            {"digital_options": {"service_phase": "alpha"}},
            checklist_registry,
        )


def test_reject_and_withdraw_cancel_what_was_still_owed(people, checklist_registry):
    sid = approved_to_category_review(
        people, checklist_registry, **{**SERVICE, "service_phase": "discovery"}
    )
    decide(people, checklist_registry, sid, "category_review", "reject", "cm.est")
    with session_scope(people) as session:
        actions = session.exec(select(Action).where(Action.submission_id == sid)).all()
    assert [a.status for a in actions] == ["cancelled"]  # the end-of-alpha obligation

    other = approved_to_category_review(people, checklist_registry)
    due = date.today() + timedelta(days=30)
    approve_with_condition(people, checklist_registry, other, "Publish data", due)
    assert state_of(people, other) == "approved_with_conditions"


def test_withdrawal_cancels_open_conditions(people, checklist_registry):
    sid = approved_to_category_review(people, checklist_registry, **SERVICE)
    due = date.today() + timedelta(days=30)
    approve_with_condition(people, checklist_registry, sid, "Publish data", due)
    with session_scope(people) as session:
        withdraw(session, sid, "policy.est", "Funding withdrawn")
    with session_scope(people) as session:
        statuses = {
            a.status for a in session.exec(select(Action).where(Action.submission_id == sid)).all()
        }
    assert statuses == {"cancelled"}


def test_resubmission_moves_an_obligation_to_the_new_expected_date(people, checklist_registry):
    sid = make_submission(people, checklist_registry, **IN_DISCOVERY)
    request_changes_then_resubmit(
        people, checklist_registry, sid, {"digital_options": {"expected_alpha_end": "2028-03-31"}}
    )
    with session_scope(people) as session:
        obligation = session.exec(select(Action).where(Action.submission_id == sid)).one()
    assert obligation.due_date == date(2028, 3, 31) and obligation.status == "open"


def test_resubmission_with_more_scrutiny_reopens_an_earlier_approval(people, checklist_registry):
    sid = approved_to_category_review(people, checklist_registry)
    more = {"digital_options": {"estimated_cost": 5_000_000}}
    route = request_changes_then_resubmit(
        people, checklist_registry, sid, more, "category_review", "cm.est"
    )
    assert route.scrutiny == "coe"
    task = open_stage(people, sid)
    assert task.stage == "digital_options_review" and task.assignee_id == "coe.one"


def test_resubmission_keeps_an_approval_when_review_is_unchanged(people, checklist_registry):
    sid = approved_to_category_review(people, checklist_registry)
    fewer = {"category_review": {"sme_access": False}}
    request_changes_then_resubmit(
        people, checklist_registry, sid, fewer, "category_review", "cm.est"
    )
    assert open_stage(people, sid).stage == "category_review"


@pytest.mark.parametrize("held", [True, False], ids=["held", "not-held"])
def test_a_rejection_cancels_the_stages_to_come_and_leaves_the_session_current(
    people, checklist_registry, held
):
    sid = approved_to_category_review(people, checklist_registry, **SERVICE)
    with session_scope(people) as session:
        # What a page may have read before deciding: the decision keeps these objects current.
        submission = session.get(Submission, sid) if held else None
        tasks = session.exec(select(ReviewTask).where(ReviewTask.submission_id == sid)).all()
        if not held:
            session.expunge_all()
        record_decision(
            session,
            DecisionRequest(sid, "category_review", "reject", "Not value for money.", "cm.est"),
            checklist_registry,
        )
        after = session.get(Submission, sid)
        assert after is not None and after.state == "rejected" and after.version == 3
        assert (after is submission) if held else True
        now = session.exec(select(ReviewTask).where(ReviewTask.submission_id == sid)).all()
        assert all(task in now for task in tasks) if held else True
        statuses = {task.stage: task.status for task in now}
        assert not session.dirty
    assert statuses == {
        "digital_options_review": "decided",
        "category_review": "decided",
        "service_assessment": "cancelled",
    }
    with session_scope(people) as session:
        stored = session.exec(select(ReviewTask).where(ReviewTask.submission_id == sid)).all()
        assert {task.stage: task.status for task in stored} == statuses
        assert session.get(Submission, sid).state == "rejected"
