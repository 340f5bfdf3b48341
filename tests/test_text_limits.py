"""Every text a person writes has a length limit in the domain, the same for every front door:
a longer one is refused naming its field, and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dfr.errors import ValidationError
from models import text_limits
from models.db import session_scope
from models.working_days import london_today
from services.decide import Condition, DecisionRequest, record_decision
from services.intake import withdraw
from services.reassign import delegate, reassign
from tests.factories import decide, log_count, make_submission


def refused(people, attempt) -> ValidationError:
    before = log_count(people)
    with pytest.raises(ValidationError) as caught, session_scope(people) as session:
        attempt(session)
    assert log_count(people) == before  # nothing written
    assert "characters long; shorten it to" in caught.value.message
    return caught.value


def test_a_rationale_too_long_is_refused(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    request = DecisionRequest(
        sid, "digital_options_review", "approve", "x" * (text_limits.RATIONALE + 1), "dl.est"
    )
    error = refused(people, lambda s: record_decision(s, request, checklist_registry))
    assert error.field == "rationale"


def test_a_condition_too_long_is_refused(people, checklist_registry):
    sid = make_submission(people, checklist_registry, kind="procurement", buys_digital=True)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    due = london_today() + timedelta(days=30)
    request = DecisionRequest(
        sid,
        "category_review",
        "approve_with_conditions",
        "Fine.",
        "cm.est",
        conditions=[Condition("Short", due), Condition("y" * (text_limits.CONDITION + 1), due)],
    )
    error = refused(people, lambda s: record_decision(s, request, checklist_registry))
    assert error.field == "conditions.2"


def test_reasons_too_long_are_refused(people, checklist_registry):
    sid = make_submission(people, checklist_registry)
    long = "z" * (text_limits.REASON + 1)
    assert refused(people, lambda s: withdraw(s, sid, "policy.est", long)).field == "reason"
    error = refused(
        people,
        lambda s: reassign(s, sid, "digital_options_review", "coe.one", long, "admin.one"),
    )
    assert error.field == "reason"
    today = london_today()
    error = refused(
        people,
        lambda s: delegate(s, "dl.est", "coe.one", today, today, long, "dl.est"),
    )
    assert error.field == "reason"
