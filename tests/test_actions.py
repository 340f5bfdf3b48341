"""Marking conditions and amber actions done: the submitter reports one done with a note and a
link to the evidence, the reviewer who set it confirms it or sends it back with a reason; anyone
else is refused (someone who may not see the submission is told it does not exist), a refusal
writes nothing, and every step is in the decision log and tells the other side."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import set_language
from dfr.settings import get_settings
from models import audit, text_limits
from models.audit import LogEntry
from models.db import session_scope
from models.directory import RoleAssignment
from models.notification import Notification
from models.review import Action, PanelMember, ReviewTask
from models.submission import Submission
from notifications.queue import queue_for_submission
from services.actions import confirm_done, report_done, send_back
from services.decide import StandardAssessment
from services.reassign import delegate
from tests.factories import (
    IN_DISCOVERY,
    SERVICE,
    all_green,
    decide,
    log_count,
    make_submission,
    open_condition,
)

EVIDENCE = "https://www.gov.wales/performance-data"


def status_of(engine, action_id) -> str:
    with session_scope(engine) as session:
        found = session.get(Action, action_id)
        assert found is not None
        return found.status


def step(engine, operation, *args, **kwargs) -> Action:
    with session_scope(engine) as session:
        return operation(session, *args, **kwargs)


def told(engine, registry, sid, message) -> list[Notification]:
    with session_scope(engine) as session:
        queue_for_submission(session, sid, registry, get_settings())
    with session_scope(engine) as session:
        return list(session.exec(select(Notification).where(Notification.message == message)).all())


def test_the_submitter_marks_a_condition_done_and_the_reviewer_who_set_it_confirms(
    people, checklist_registry
):
    sid, aid = open_condition(people, checklist_registry)
    before = log_count(people)
    step(people, report_done, aid, "policy.est", "Published on the website.", EVIDENCE)
    assert status_of(people, aid) == "reported_done"
    [to_reviewer] = told(people, checklist_registry, sid, "action_reported_done")
    assert to_reviewer.recipient_id == "cm.est"  # the reviewer who set it
    assert "Published on the website." in to_reviewer.body_markdown
    assert "www.gov.wales/performance" in to_reviewer.body_markdown
    assert "Wedi'i wneud, cadarnhewch" in to_reviewer.subject  # no language recorded: both
    assert "Reported done, please confirm: Publish performance data" in to_reviewer.subject

    step(people, confirm_done, aid, "cm.est")
    assert status_of(people, aid) == "done"
    [to_submitter] = told(people, checklist_registry, sid, "action_confirmed")
    assert to_submitter.recipient_id == "policy.est"
    assert to_submitter.subject.startswith("Confirmed done: Publish performance data")
    assert "Cat EST has confirmed" in to_submitter.body_markdown
    with session_scope(people) as session:
        entries = session.exec(
            select(LogEntry).where(LogEntry.seq > before).order_by(col(LogEntry.seq))
        ).all()
        assert [(e.event, e.actor_id) for e in entries] == [
            ("action.reported_done", "policy.est"),
            ("action.confirmed", "cm.est"),
        ]
        assert entries[0].payload["evidence_url"] == EVIDENCE
        assert entries[1].payload["state"] == {"from": "reported_done", "to": "done"}
        assert audit.verify(session).ok


def test_an_amber_action_is_confirmed_by_the_lead_assessor_who_set_it(people, checklist_registry):
    sid = make_submission(people, checklist_registry, **SERVICE)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    ratings = all_green(checklist_registry)
    ratings["w05"] = StandardAssessment("amber", "Good research", "Test with screen readers")
    with session_scope(people) as session:
        lead = session.exec(
            select(ReviewTask.assignee_id).where(
                ReviewTask.submission_id == sid, ReviewTask.status == "open"
            )
        ).one()
    decide(people, checklist_registry, sid, "service_assessment", "amber", lead, ratings=ratings)
    with session_scope(people) as session:
        aid = session.exec(select(Action.id).where(Action.kind == "amber_action")).one()
    step(people, report_done, aid, "policy.est", "Tested with JAWS and NVDA.", EVIDENCE)
    other = "lead.two" if lead == "lead.one" else "lead.one"
    with pytest.raises(NotFoundError):  # the other lead assessor has no part in it
        step(people, confirm_done, aid, other)
    step(people, confirm_done, aid, lead)
    assert status_of(people, aid) == "done"


def test_someone_who_may_not_see_the_submission_is_told_it_does_not_exist(
    people, checklist_registry
):
    _sid, aid = open_condition(people, checklist_registry)
    before = log_count(people)
    with pytest.raises(NotFoundError) as missing:
        step(people, report_done, 999_999, "policy.est", "Done.", EVIDENCE)
    with pytest.raises(NotFoundError) as hidden:
        step(people, report_done, aid, "policy.hss", "Done.", EVIDENCE)
    assert str(missing.value) == "No condition or amber action 999999. Check the number."
    assert str(hidden.value) == f"No condition or amber action {aid}. Check the number."
    with pytest.raises(NotFoundError, match=f"No condition or amber action {aid}"):
        step(people, report_done, aid, "policy.est", "Done.", EVIDENCE, submission_id=aid + 1)
    assert log_count(people) == before
    assert status_of(people, aid) == "open"


def test_only_the_submitter_marks_it_done_and_only_its_reviewer_confirms(
    people, checklist_registry
):
    _sid, aid = open_condition(people, checklist_registry)
    before = log_count(people)
    with pytest.raises(PermissionDeniedError) as reviewer:
        step(people, report_done, aid, "cm.est", "Done.", EVIDENCE)
    assert str(reviewer.value) == "Only the person who made the submission can mark it as done."
    step(people, report_done, aid, "policy.est", "Done.", EVIDENCE)
    for someone in ("dl.est", "policy.est"):  # the DG's Digital Leader sees it; the submitter
        with pytest.raises(PermissionDeniedError) as refused:
            step(people, confirm_done, aid, someone)
        assert str(refused.value) == (
            "Only the reviewer who set it (or someone covering for them) can confirm it is done."
        )
    assert log_count(people) == before + 1
    assert status_of(people, aid) == "reported_done"


def test_confirming_what_was_not_reported_done_says_what_is_possible(people, checklist_registry):
    _sid, aid = open_condition(people, checklist_registry)
    with pytest.raises(TransitionError) as early:
        step(people, confirm_done, aid, "cm.est")
    assert str(early.value) == (
        "This is open, so this step is not possible: confirm it is done. Possible now: nothing "
        "until someone else takes the next step."
    )
    step(people, report_done, aid, "policy.est", "Done.", EVIDENCE)
    step(people, confirm_done, aid, "cm.est")
    with pytest.raises(TransitionError, match=r"This is done.*Possible now: nothing \(it is"):
        step(people, send_back, aid, "cm.est", "Not yet.")


def test_the_reviewer_sends_it_back_with_a_reason_and_it_can_be_reported_again(
    people, checklist_registry
):
    sid, aid = open_condition(people, checklist_registry)
    step(people, report_done, aid, "policy.est", "Drafted.", EVIDENCE)
    before = log_count(people)
    with pytest.raises(ValidationError) as no_reason:
        step(people, send_back, aid, "cm.est", "  ")
    assert no_reason.value.field == "reason"
    assert "Say why it is not done yet" in str(no_reason.value)
    assert log_count(people) == before
    step(people, send_back, aid, "cm.est", "The data is a draft; publish the final figures.")
    assert status_of(people, aid) == "sent_back"
    [back] = told(people, checklist_registry, sid, "action_sent_back")
    assert back.recipient_id == "policy.est"
    assert back.subject.startswith("Sent back, not done yet: Publish performance data")
    assert "Why: The data is a draft; publish the final figures." in back.body_markdown
    step(people, report_done, aid, "policy.est", "Final figures published.", EVIDENCE)
    with session_scope(people) as session:
        action = session.get(Action, aid)
        assert action is not None
        assert (action.status, action.note, action.sent_back_reason) == (
            "reported_done",
            "Final figures published.",
            None,
        )
        assert audit.verify(session).ok


@pytest.mark.parametrize(
    ("note", "evidence", "field", "words"),
    [
        ("Done.", "javascript:alert(1)", "evidence", "must be a web address starting with https"),
        ("Done.", "ftp://files.example.org/x", "evidence", "starting with https://"),
        ("Done.", "https://", "evidence", "starting with https://"),
        ("Done.", "https://example.org/a report", "evidence", "without spaces"),
        ("Done.", "", "evidence", "Give a link to the evidence"),
        ("Done.", "https://e.org/" + "a" * text_limits.EVIDENCE_LINK, "evidence", "shorten it"),
        ("", EVIDENCE, "note", "Say what was done"),
        ("x" * (text_limits.DONE_NOTE + 1), EVIDENCE, "note", "shorten it to 5000"),
    ],
)
def test_a_bad_note_or_evidence_link_is_refused_saying_how_to_fix_it(
    people, checklist_registry, note, evidence, field, words
):
    _sid, aid = open_condition(people, checklist_registry)
    before = log_count(people)
    with pytest.raises(ValidationError) as refused:
        step(people, report_done, aid, "policy.est", note, evidence)
    assert refused.value.field == field
    assert words in str(refused.value)
    assert log_count(people) == before
    assert status_of(people, aid) == "open"


def test_refusals_are_in_welsh_for_a_welsh_reader(people, checklist_registry):
    _sid, aid = open_condition(people, checklist_registry)
    set_language("cy")
    with pytest.raises(ValidationError) as link:
        step(people, report_done, aid, "policy.est", "Wedi'i wneud.", "javascript:alert(1)")
    with pytest.raises(PermissionDeniedError) as who:
        step(people, report_done, aid, "cm.est", "Wedi'i wneud.", EVIDENCE)
    with pytest.raises(NotFoundError) as hidden:
        step(people, report_done, aid, "policy.hss", "Wedi'i wneud.", EVIDENCE)
    assert "https://" in str(link.value) and "gyfeiriad gwe" in str(link.value)
    assert str(who.value).startswith("Dim ond y person a wnaeth y cyflwyniad")
    assert str(hidden.value).startswith(f"Nid oes amod na cham gweithredu ambr {aid}")


def test_someone_covering_for_the_reviewer_may_confirm(people, checklist_registry):
    _sid, aid = open_condition(people, checklist_registry)
    step(people, report_done, aid, "policy.est", "Done.", EVIDENCE)
    today = date.today()
    with session_scope(people) as session:
        delegate(session, "cm.est", "lead.two", today, today + timedelta(days=5), "Leave", "cm.est")
    step(people, confirm_done, aid, "lead.two")
    assert status_of(people, aid) == "done"


def test_when_the_reviewer_no_longer_holds_the_role_whoever_now_does_may_confirm(
    people, checklist_registry
):
    """The lead assessor who set an amber action has left the role; a panel member who now
    holds it (and so already sees the submission) confirms."""
    sid = make_submission(people, checklist_registry, **SERVICE)
    decide(people, checklist_registry, sid, "digital_options_review", "approve", "dl.est")
    ratings = all_green(checklist_registry)
    ratings["w05"] = StandardAssessment("amber", "", "Test with screen readers")
    with session_scope(people) as session:
        task = session.exec(
            select(ReviewTask).where(ReviewTask.submission_id == sid, ReviewTask.status == "open")
        ).one()
        lead = task.assignee_id or ""
        member = session.exec(
            select(PanelMember.person_id).where(
                PanelMember.task_id == task.id, PanelMember.panel_role == "assessor"
            )
        ).first()
    decide(people, checklist_registry, sid, "service_assessment", "amber", lead, ratings=ratings)
    with session_scope(people) as session:
        aid = session.exec(select(Action.id).where(Action.kind == "amber_action")).one()
    step(people, report_done, aid, "policy.est", "Tested.", EVIDENCE)
    with pytest.raises(PermissionDeniedError):
        step(people, confirm_done, aid, member)  # while the lead holds the role
    with session_scope(people) as session:
        for held in session.exec(
            select(RoleAssignment).where(
                RoleAssignment.person_id == lead, RoleAssignment.role == "lead_assessor"
            )
        ):
            session.delete(held)
        session.add(RoleAssignment(person_id=member, role="lead_assessor"))
    step(people, confirm_done, aid, member)
    assert status_of(people, aid) == "done"


def test_an_obligation_is_not_marked_done_by_hand(people, checklist_registry):
    sid = make_submission(people, checklist_registry, **IN_DISCOVERY)
    with session_scope(people) as session:
        aid = session.exec(select(Action.id).where(Action.submission_id == sid)).one()
    with pytest.raises(TransitionError, match="An obligation is met by the assessment"):
        step(people, report_done, aid, "policy.est", "Done.", EVIDENCE)


def test_withdrawing_cancels_a_condition_waiting_for_confirmation(people, checklist_registry):
    """Rejected or withdrawn submissions leave nothing outstanding, reported done or not."""
    from services.stages import cancel_open_actions

    sid, aid = open_condition(people, checklist_registry)
    step(people, report_done, aid, "policy.est", "Done.", EVIDENCE)
    with session_scope(people) as session:
        assert cancel_open_actions(session, sid) == [aid]
        assert session.get(Submission, sid) is not None
    assert status_of(people, aid) == "cancelled"


def test_every_step_not_in_the_table_is_refused():
    """The table is the whole story: any other (state, step) raises, for anyone."""
    from models.action_lifecycle import ACTION_MOVES, ActionState, ActionTaker, apply_move

    everyone = frozenset(ActionTaker)
    allowed = {(m.source, m.move) for m in ACTION_MOVES}
    for state in ActionState:
        for move in ("report_done", "confirm", "send_back"):
            if (state, move) in allowed:
                assert apply_move(state, move, everyone).source == state
            else:
                with pytest.raises(TransitionError):
                    apply_move(state, move, everyone)
