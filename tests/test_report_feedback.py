"""Feedback on an assessment: once its report is final the team answers the satisfaction
survey once; the figures per month count the answers and the share satisfied."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from models.db import session_scope
from models.report_response import ReportFeedback
from models.working_days import london_today
from services.report_feedback import give_feedback, satisfaction_figures
from services.report_responses import accept_report
from tests.factories import log_count
from tests.test_assessment_ratings import booked, greens, rate  # noqa: F401 - fixtures
from tests.test_assessment_reports import settled  # noqa: F401 - fixture
from tests.test_report_responses import CLOSES, TEAM, sent  # noqa: F401 - fixture


def feedback_rows(engine) -> int:
    with session_scope(engine, read_only=True) as session:
        return session.exec(select(func.count()).select_from(ReportFeedback)).one()


def test_feedback_waits_for_the_final_report(people, sent):  # noqa: F811
    before = log_count(people)
    with (
        pytest.raises(TransitionError, match="once its report is final"),
        session_scope(people) as session,
    ):
        give_feedback(session, sent, TEAM, 5, on=CLOSES)
    assert log_count(people) == before and feedback_rows(people) == 0


def test_the_team_gives_feedback_once_and_it_counts_in_the_figures(people, sent):  # noqa: F811
    with session_scope(people) as session:
        accept_report(session, sent, TEAM, on=CLOSES)
        given = give_feedback(session, sent, TEAM, "satisfied", "  Clear and fair.  ", on=CLOSES)
        assert (given.score, given.comment, given.dg_code) == (4, "Clear and fair.", "EST")
    before = log_count(people)
    with (
        pytest.raises(TransitionError, match="already been given"),
        session_scope(people) as session,
    ):
        give_feedback(session, sent, TEAM, 1, on=CLOSES)
    assert log_count(people) == before and feedback_rows(people) == 1
    today = london_today()  # the month it was given in, in London
    with session_scope(people, read_only=True) as session:
        figures = satisfaction_figures(session, "coe.one", today, today)
        assert [(f.count, f.satisfied, f.share_satisfied, f.comments) for f in figures] == [
            (1, 1, 1.0, ["Clear and fair."])
        ]
        est = satisfaction_figures(session, "dl.est", today, today, "EST")
        assert est[0].count == 1
        other = satisfaction_figures(session, "coe.one", today, today, "HSS")
        assert (other[0].count, other[0].share_satisfied) == (0, None)
        with pytest.raises(PermissionDeniedError, match="satisfaction figures are for"):
            satisfaction_figures(session, "dl.hss", today, today, "EST")
        with pytest.raises(PermissionDeniedError):
            satisfaction_figures(session, TEAM, today, today)


def test_figures_come_month_by_month(people):
    with session_scope(people, read_only=True) as session:
        figures = satisfaction_figures(session, "coe.one", date(2026, 11, 15), date(2027, 2, 1))
    assert [f.month for f in figures] == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


@pytest.mark.parametrize(
    ("person", "score", "comment", "refusal", "message"),
    [
        (TEAM, 6, "", ValidationError, "Choose how satisfied you are"),
        (TEAM, "happy", "", ValidationError, "Choose how satisfied you are"),
        (TEAM, 4, "x" * 1001, ValidationError, "shorten it to 1000"),
        ("lead.one", 4, "", PermissionDeniedError, "Only the service team"),
        ("policy.hss", 4, "", NotFoundError, "No submission"),
    ],
)
def test_wrong_feedback_is_refused_and_writes_nothing(
    people,
    sent,  # noqa: F811
    person,
    score,
    comment,
    refusal,
    message,
):
    with session_scope(people) as session:
        accept_report(session, sent, TEAM, on=CLOSES)
    before = log_count(people)
    with pytest.raises(refusal, match=message), session_scope(people) as session:
        give_feedback(session, sent, person, score, comment, on=CLOSES)
    assert log_count(people) == before and feedback_rows(people) == 0
