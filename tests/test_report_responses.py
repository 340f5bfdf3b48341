"""The team's answer to a sent assessment report: accepting it (once), challenging named
standards with reasons within 10 working days, the panel's final answer to a challenge, and
silence as acceptance recorded by the sweep; every refusal writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, func, select

from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import set_language
from dfr.settings import get_settings
from models.assessment_report import AssessmentReport, ReportSection
from models.audit import LogEntry
from models.db import session_scope
from models.directory import Delegation
from models.notification import Notification
from models.report_response import ReportChallenge
from models.review import Action
from notifications.queue import queue_for_submission
from services.assessment_reports import edit_report, report_view, send_report
from services.reminders import sweep
from services.report_responses import (
    StandardAnswer,
    accept_by_silence,
    accept_report,
    answer_challenge,
    challenge_report,
    response_view,
)
from tests.factories import log_count
from tests.test_assessment_ratings import booked, greens, rate  # noqa: F401 - fixtures
from tests.test_assessment_reports import ASSESSED, settled  # noqa: F401 - fixture

CLOSES = date(2027, 2, 22)  # 10 working days after 8 February 2027, when the report is sent
TEAM, LEAD = "policy.est", "lead.one"


@pytest.fixture
def sent(people, settled) -> int:  # noqa: F811 - the fixture above
    """The report written in Welsh too and sent to the team on the assessment day."""
    with session_scope(people) as session:
        view = report_view(session, LEAD, settled, on=ASSESSED)
        welsh = {
            s.standard_id: ("Gwaith da.", "Llinell sylfaen." if s.to_explore_en else "")
            for s in view.sections
        }
        edit_report(session, settled, LEAD, "cy", "Yn barod ar gyfer beta.", welsh, on=ASSESSED)
        send_report(session, settled, LEAD, on=ASSESSED)
    return settled


def report_of(engine) -> AssessmentReport:
    with session_scope(engine, read_only=True) as session:
        return session.exec(select(AssessmentReport)).one()


def told(engine, sid: int, registry, message: str) -> list[str]:
    with session_scope(engine) as session:
        queue_for_submission(session, sid, registry, get_settings())
        return sorted(
            p or ""
            for p in session.exec(
                select(Notification.recipient_id).where(Notification.message == message)
            ).all()
        )


def last_event(engine) -> LogEntry:
    with session_scope(engine, read_only=True) as session:
        entry = session.exec(select(LogEntry).order_by(col(LogEntry.seq).desc())).first()
        assert entry is not None
        return entry


def test_sending_gives_the_team_10_working_days(people, sent):
    report = report_of(people)
    assert (report.status, report.response_due) == ("sent", CLOSES)
    with session_scope(people, read_only=True) as session:
        view = response_view(session, TEAM, sent, on=ASSESSED)
        assert view.may_respond and not view.may_answer and not view.may_give_feedback
        assert not response_view(session, LEAD, sent, on=ASSESSED).may_respond


def test_the_team_accepts_once_and_everyone_is_told_once(people, sent, checklist_registry):
    with session_scope(people) as session:
        accepted = accept_report(session, sent, TEAM, on=CLOSES)
        assert (accepted.status, accepted.accepted_how) == ("accepted", "accepted")
    entry = last_event(people)
    assert (entry.event, entry.actor_id, entry.payload["accepted_how"]) == (
        "report.accepted",
        TEAM,
        "accepted",
    )
    first = told(people, sent, checklist_registry, "report_accepted")
    assert {TEAM, "dl.est", LEAD, "ur.one", "perf.one"} <= set(first)
    before = log_count(people)
    with session_scope(people) as session:
        again = accept_report(session, sent, TEAM, on=CLOSES)
        assert (again.status, again.accepted_how) == ("accepted", "accepted")
    assert log_count(people) == before
    assert told(people, sent, checklist_registry, "report_accepted") == first
    with session_scope(people, read_only=True) as session:
        assert response_view(session, TEAM, sent, on=CLOSES).may_give_feedback


def test_a_challenge_goes_to_the_panel_whose_answer_is_final(people, sent, checklist_registry):
    reasons = {"w12": "Our four KPIs have baselines.", "w03": "We interviewed 40 users."}
    with session_scope(people) as session:
        rows = challenge_report(session, sent, TEAM, reasons, on=CLOSES)
        assert [(r.standard_id, r.original_rating) for r in rows] == [
            ("w03", "green"),
            ("w12", "amber"),
        ]
    report = report_of(people)
    assert (report.status, report.challenge_due) == ("challenged", date(2027, 3, 8))
    assert last_event(people).payload["standards"]["w12"] == {
        "rating": "amber",
        "reason": "Our four KPIs have baselines.",
    }
    challenged = told(people, sent, checklist_registry, "report_challenged")
    assert {LEAD, "ur.one", "dl.est"} <= set(challenged) and TEAM not in challenged
    with session_scope(people, read_only=True) as session:
        assert response_view(session, LEAD, sent, on=CLOSES).may_answer
        assert not response_view(session, TEAM, sent, on=CLOSES).may_respond
    with session_scope(people) as session:
        answers = {
            "w12": StandardAnswer("green", "The baselines are in the framework."),
            "w03": StandardAnswer("green", "The rating stands."),
        }
        final = answer_challenge(session, sent, LEAD, answers, on=CLOSES + timedelta(days=3))
        assert (final.status, final.accepted_how, final.result) == (
            "accepted",
            "after_challenge",
            "green",
        )
    with session_scope(people, read_only=True) as session:
        rows = {
            r.standard_id: r for r in session.exec(select(ReportChallenge)).all()
        }  # the history keeps the rating as it was
        assert (rows["w12"].original_rating, rows["w12"].answer, rows["w12"].new_rating) == (
            "amber",
            "changed",
            "green",
        )
        assert rows["w03"].answer == "upheld"
        section = session.exec(
            select(ReportSection).where(ReportSection.standard_id == "w12")
        ).one()
        assert section.rating == "green"
        amber = session.exec(select(Action).where(Action.kind == "amber_action")).one()
        assert amber.status == "cancelled"
    entry = last_event(people)
    assert entry.event == "report.challenge_decided"
    assert entry.payload["answers"]["w12"]["from"] == "amber"
    assert entry.payload["result_before"] == "amber" and entry.payload["result"] == "green"
    assert {TEAM, "dl.est"} <= set(told(people, sent, checklist_registry, "challenge_decided"))
    before = log_count(people)
    with (
        pytest.raises(TransitionError, match="already answered this challenge"),
        session_scope(people) as session,
    ):
        answer_challenge(session, sent, LEAD, answers, on=CLOSES + timedelta(days=3))
    assert log_count(people) == before


def test_an_upheld_challenge_keeps_the_result(people, sent):
    with session_scope(people) as session:
        challenge_report(session, sent, TEAM, {"w12": "We disagree."}, on=ASSESSED)
        report = answer_challenge(
            session, sent, LEAD, {"w12": StandardAnswer("amber", "No baseline yet.")}, on=CLOSES
        )
        assert (report.result, report.accepted_how) == ("amber", "after_challenge")
        amber = session.exec(select(Action).where(Action.kind == "amber_action")).one()
        assert amber.status == "open"


@pytest.mark.parametrize(
    ("person", "reasons", "on", "refusal", "message"),
    [
        (TEAM, {}, CLOSES, ValidationError, "Choose at least one standard to challenge"),
        (TEAM, {"w99": "Why?"}, CLOSES, ValidationError, "This report has no standard w99"),
        (TEAM, {"w12": "  "}, CLOSES, ValidationError, "reason for challenging .* standard 12"),
        (
            TEAM,
            {"w12": "Late."},
            CLOSES + timedelta(days=1),
            TransitionError,
            "closed on 22 February 2027",
        ),
        ("dl.est", {"w12": "Why?"}, CLOSES, PermissionDeniedError, "Only the service team"),
        ("policy.hss", {"w12": "Why?"}, CLOSES, NotFoundError, "No submission"),
    ],
)
def test_a_wrong_challenge_is_refused_and_writes_nothing(
    people, sent, person, reasons, on, refusal, message
):
    before = log_count(people)
    with pytest.raises(refusal, match=message), session_scope(people) as session:
        challenge_report(session, sent, person, reasons, on=on)
    assert log_count(people) == before
    assert report_of(people).status == "sent"
    with session_scope(people, read_only=True) as session:
        assert session.exec(select(func.count()).select_from(ReportChallenge)).one() == 0


def test_only_the_team_accepts(people, sent):
    before = log_count(people)
    with pytest.raises(NotFoundError, match="No submission"), session_scope(people) as session:
        accept_report(session, sent, "policy.hss", on=CLOSES)
    with pytest.raises(PermissionDeniedError), session_scope(people) as session:
        accept_report(session, sent, LEAD, on=CLOSES)
    assert log_count(people) == before and report_of(people).status == "sent"


def test_a_late_challenge_is_refused_in_welsh_with_the_date_in_welsh(people, sent):
    set_language("cy")
    with pytest.raises(TransitionError) as refused, session_scope(people) as session:
        challenge_report(session, sent, TEAM, {"w12": "Hwyr."}, on=CLOSES + timedelta(days=1))
    assert "22 Chwefror 2027" in refused.value.message
    assert "closed" not in refused.value.message


@pytest.mark.parametrize(
    ("person", "answers", "refusal", "message"),
    [
        (LEAD, {"w03": StandardAnswer("green", "Fine.")}, ValidationError, "did not challenge"),
        (LEAD, {}, ValidationError, "Answer every challenged standard: 12"),
        (LEAD, {"w12": StandardAnswer("green", " ")}, ValidationError, "rationale"),
        (LEAD, {"w12": StandardAnswer("blue", "Why.")}, ValidationError, "red, amber or green"),
        ("ur.one", {"w12": StandardAnswer("green", "Why.")}, PermissionDeniedError, "lead"),
        ("policy.hss", {"w12": StandardAnswer("green", "Why.")}, NotFoundError, "No submission"),
    ],
)
def test_a_wrong_answer_to_a_challenge_is_refused_and_writes_nothing(
    people, sent, person, answers, refusal, message
):
    with session_scope(people) as session:
        challenge_report(session, sent, TEAM, {"w12": "We disagree."}, on=ASSESSED)
    before = log_count(people)
    with pytest.raises(refusal, match=message), session_scope(people) as session:
        answer_challenge(session, sent, person, answers, on=CLOSES)
    assert log_count(people) == before
    assert report_of(people).status == "challenged"


def test_the_panel_cannot_answer_a_report_nobody_challenged(people, sent):
    before = log_count(people)
    with (
        pytest.raises(TransitionError, match="has not challenged"),
        session_scope(people) as session,
    ):
        answer_challenge(session, sent, LEAD, {"w12": StandardAnswer("green", "Yes.")}, on=CLOSES)
    assert log_count(people) == before


def test_silence_for_10_working_days_is_acceptance_recorded_once(people, sent):
    with session_scope(people) as session:
        assert accept_by_silence(session, CLOSES) == []  # the last day is still the team's
    with session_scope(people) as session:
        accepted = accept_by_silence(session, CLOSES + timedelta(days=1))
        assert [(r.status, r.accepted_how) for r in accepted] == [("accepted", "silence")]
    entry = last_event(people)
    assert (entry.event, entry.actor_id) == ("report.accepted_by_silence", None)
    before = log_count(people)
    with session_scope(people) as session:
        assert accept_by_silence(session, CLOSES + timedelta(days=2)) == []
        assert accept_report(session, sent, TEAM, on=CLOSES).accepted_how == "silence"
    assert log_count(people) == before
    with (
        pytest.raises(TransitionError, match="closed on 22 February 2027"),
        session_scope(people) as session,
    ):
        challenge_report(session, sent, TEAM, {"w12": "Too late."}, on=CLOSES + timedelta(days=2))


def test_the_sweep_reminds_the_team_then_chases_the_lead_on_a_challenge(people, sent):
    with session_scope(people) as session:
        made = [r for r in sweep(session, CLOSES - timedelta(days=1)) if r.item_kind == "response"]
        assert [(r.step, r.due_date) for r in made] == [("reminder", CLOSES)]
        recipients = session.exec(select(LogEntry).where(LogEntry.seq == made[0].log_seq)).one()
        assert recipients.payload["recipients"] == [TEAM]
    with session_scope(people) as session:
        challenge_report(session, sent, TEAM, {"w12": "We disagree."}, on=CLOSES)
    answer_by = report_of(people).challenge_due
    assert answer_by is not None
    with session_scope(people) as session:
        chased = [
            r for r in sweep(session, answer_by + timedelta(days=1)) if r.item_kind == "challenge"
        ]
        assert [(r.step, r.due_date) for r in chased] == [("escalation", answer_by)]
        entry = session.exec(select(LogEntry).where(LogEntry.seq == chased[0].log_seq)).one()
        assert entry.payload["recipients"] == ["dl.est"]
    with session_scope(people) as session:
        again = sweep(session, answer_by + timedelta(days=1))
        assert [r for r in again if r.item_kind == "challenge"] == []


def test_the_team_is_not_reminded_after_silence_accepted_the_report(people, sent):
    with session_scope(people) as session:
        accept_by_silence(session, CLOSES + timedelta(days=1))
        made = sweep(session, CLOSES + timedelta(days=1))
        assert [r for r in made if r.item_kind == "response"] == []


def test_whoever_covers_for_the_submitter_or_the_lead_may_act_for_them(people, sent):
    with session_scope(people) as session:
        for absent, cover in ((TEAM, "cm.est"), (LEAD, "lead.two")):
            session.add(
                Delegation(
                    person_id=absent, delegate_id=cover, starts_on=ASSESSED, ends_on=CLOSES,
                    reason="Leave",
                )
            )  # fmt: skip
    with session_scope(people) as session:
        challenge_report(session, sent, "cm.est", {"w12": "We disagree."}, on=CLOSES)
        answer = {"w12": StandardAnswer("amber", "The rating stands.")}
        report = answer_challenge(session, sent, "lead.two", answer, on=CLOSES)
        assert report.accepted_how == "after_challenge"
    with (
        pytest.raises(NotFoundError, match="No submission"),
        session_scope(people) as session,
    ):  # their cover has ended: the submission is not theirs to see
        accept_report(session, sent, "cm.est", on=CLOSES + timedelta(days=1))
