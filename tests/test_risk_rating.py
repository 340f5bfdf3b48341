"""Every submission gets a risk rating (spend control: the highest-rated answer); a service
with more than 100,000 transactions a year is flagged for a panel led by the Centre of
Excellence, whichever kind of submission says so."""

from __future__ import annotations

import pytest
from sqlmodel import select

from dfr.errors import ValidationError
from models.db import session_scope
from models.submission import RaisedFlag, Submission
from services.submit import submit
from tests.factories import CATEGORY_REVIEW, SERVICE, make_submission, submission_data

COE_LED = "coe_led_assessment_panel"


def stored(engine, submission_id: int) -> tuple[str | None, list[str]]:
    with session_scope(engine) as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        flags = session.exec(
            select(RaisedFlag.flag_id).where(RaisedFlag.submission_id == submission_id)
        ).all()
        return submission.risk, sorted(flags)


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        ({}, "low"),
        ({"transactions_per_year": 120000}, "medium"),
        ({"transactions_per_year": 1200000}, "high"),
        ({"vulnerable_users": True}, "high"),
        ({"novel_approach": True}, "medium"),
        ({"estimated_cost": 25_000_000}, "medium"),
        ({"estimated_cost": 60_000_000, "transactions_per_year": 200000}, "high"),
    ],
)
def test_an_initiative_that_builds_a_service_is_rated_by_its_highest_answer(
    people, checklist_registry, answers, risk
):
    sid = make_submission(people, checklist_registry, **{**SERVICE, **answers})
    assert stored(people, sid)[0] == risk


def test_an_initiative_without_a_service_is_rated_by_its_cost(people, checklist_registry):
    sid = make_submission(people, checklist_registry, estimated_cost=30_000_000)
    assert stored(people, sid)[0] == "medium"


def test_the_issue_s_case_is_medium_risk_with_a_coe_led_panel(people, checklist_registry):
    """A public-facing service for 18,000 users and 120,000 transactions a year (the case
    that had no risk rating at all)."""
    sid = make_submission(
        people,
        checklist_registry,
        **SERVICE,
        service_users_per_year=18000,
        transactions_per_year=120000,
    )
    risk, flags = stored(people, sid)
    assert risk == "medium" and COE_LED in flags


def test_100000_transactions_is_not_over_the_line(people, checklist_registry):
    sid = make_submission(people, checklist_registry, **SERVICE, transactions_per_year=100000)
    assert COE_LED not in stored(people, sid)[1]


def test_a_procurement_s_transactions_in_its_category_review_flag_the_panel_too(
    people, checklist_registry
):
    data = submission_data(kind="procurement", buys_digital=True, **SERVICE)
    data["answers"]["category_review"] = {**CATEGORY_REVIEW, "transactions_per_year": 150000}
    with session_scope(people) as session:
        sid = submit(session, data, checklist_registry).submission_id
    risk, flags = stored(people, sid)
    assert risk == "medium" and COE_LED in flags


def test_a_procurement_is_not_asked_the_service_questions_twice(people, checklist_registry):
    data = submission_data(kind="procurement", buys_digital=True, **SERVICE)
    data["answers"]["digital_options"]["transactions_per_year"] = 150000
    with session_scope(people) as session, pytest.raises(ValidationError) as refused:
        submit(session, data, checklist_registry)
    assert (
        "question transactions_per_year: this question does not apply to these answers"
        in refused.value.message
    )


def test_an_initiative_that_builds_a_service_must_say_how_big_it_is(people, checklist_registry):
    data = submission_data(**SERVICE)
    for question in ("transactions_per_year", "vulnerable_users"):
        del data["answers"]["digital_options"][question]
    with session_scope(people) as session, pytest.raises(ValidationError) as refused:
        submit(session, data, checklist_registry)
    assert "question transactions_per_year: this question needs an answer" in refused.value.message
    assert "question vulnerable_users: this question needs an answer" in refused.value.message
