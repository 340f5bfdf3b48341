"""Closing conditions and amber actions: the submitter reports one done (a note and a link to
the evidence), the reviewer who set it confirms it or sends it back with a reason
(`models/action_lifecycle.py` is the table). Every front door calls these; none keeps a rule.

Who may take each step:

- reporting done: the submission's submitter;
- confirming or sending back: the reviewer who set it (the decision's author), someone
  covering for them today, or — once that reviewer may no longer decide the stage (their role
  has gone) — whoever may decide that stage for the DG now. Never the submitter.

Deny by default: someone who may not see the submission is told the action does not exist, in
the same words as for a missing id. Each step is written to the decision log in the same
transaction; the log entry tells people (`notifications.recipients`). Refusals write nothing
and are logged (`dfr.services.actions`, INFO) with the person and the request id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, select

from dfr.errors import NotFoundError, TransitionError
from dfr.i18n import _
from models import audit
from models.action_lifecycle import (
    REPORTABLE_KINDS,
    ActionTaker,
    apply_move,
    done_note,
    evidence_link,
    moves_from,
    send_back_reason,
)
from models.directory import Person
from models.lifecycle import Stage
from models.review import Action, Decision
from models.submission import Submission
from models.working_days import london_today
from services.access import load_actor, log_privacy_refusal, may_see, refusal_for
from services.assignment import delegators_of
from services.intake import locked_submission
from services.refusals import REFUSALS, log_refusal

log = logging.getLogger("dfr.services.actions")


def action_not_found(action_id: int | str) -> NotFoundError:
    """What anyone is told about an action that does not exist or is not theirs to see."""
    return NotFoundError(
        _("No condition or amber action {id}. Check the number.", id=action_id), field="action"
    )


def setter_of(session: Session, action: Action) -> Decision | None:
    """The decision that set the action (None for an obligation, which no reviewer set)."""
    return session.get(Decision, action.decision_id) if action.decision_id else None


def takers(
    session: Session, submission: Submission, action: Action, person_id: str, on: date
) -> frozenset[ActionTaker]:
    """Who `person_id` acts as on `action` (the rule is in this module's docstring)."""
    if person_id == submission.submitter_id:
        return frozenset({ActionTaker.SUBMITTER})
    decision = setter_of(session, action)
    if decision is None:
        return frozenset()
    stage = Stage(decision.stage)
    setter = decision.actor_id
    stands_in = person_id == setter or setter in delegators_of(session, person_id, on)
    if not stands_in and refusal_for(session, submission, stage, setter, on) is not None:
        stands_in = refusal_for(session, submission, stage, person_id, on) is None
    return frozenset({ActionTaker.SETTER}) if stands_in else frozenset()


def offered_moves(
    session: Session, submission: Submission, actions: list[Action], person_id: str
) -> dict[int, list[str]]:
    """For each action of a submission the visitor may see, the steps they may take on it
    now (what the submission page offers them)."""
    on = london_today()
    return {
        action.id or 0: moves_from(
            action.status, takers(session, submission, action, person_id, on)
        )
        for action in actions
        if action.kind in REPORTABLE_KINDS
    }


def action_people(session: Session, actions: list[Action]) -> dict[str, str]:
    """The names of whoever reported these actions done or answered a report, by id."""
    ids = {p for a in actions for p in (a.reported_by_id, a.reviewed_by_id) if p}
    return {p.id: p.name for p in (session.get(Person, i) for i in sorted(ids)) if p}


@dataclass(frozen=True)
class _Step:
    submission: Submission
    action: Action
    target: str


def _checked(
    session: Session,
    action_id: int,
    move: str,
    actor_id: str,
    submission_id: int | None,
    on: date | None,
) -> _Step:
    try:
        return _check(session, action_id, move, actor_id, submission_id, on or london_today())
    except REFUSALS as refusal:
        log_refusal(log, "action step", actor_id, refusal, action_id=action_id, move=move)
        raise


def _check(
    session: Session,
    action_id: int,
    move: str,
    actor_id: str,
    submission_id: int | None,
    on: date,
) -> _Step:
    actor = load_actor(session, actor_id)
    if actor is None:
        raise NotFoundError(
            _("Unknown person {person}. Check the person id.", person=actor_id), field="actor"
        )
    found = session.get(Action, action_id)
    if found is None or submission_id not in (None, found.submission_id):
        raise action_not_found(action_id)
    submission = locked_submission(session, found.submission_id)
    if not may_see(session, actor, submission, on):
        log_privacy_refusal(actor.id, "action", action_id)
        raise action_not_found(action_id)
    # Read again under the submission's lock: a step that raced this one is seen.
    action = session.exec(
        select(Action).where(Action.id == action_id).execution_options(populate_existing=True)
    ).one()
    if action.kind not in REPORTABLE_KINDS:
        raise TransitionError(
            _(
                "An obligation is met by the assessment it asks for, not marked done by hand; "
                "nothing to do here."
            ),
            field="action",
        )
    step = apply_move(action.status, move, takers(session, submission, action, actor_id, on))
    return _Step(submission, action, step.target.value)


def _record(
    session: Session, step: _Step, event: str, actor_id: str, payload: dict[str, Any]
) -> Action:
    action = step.action
    before, action.status = action.status, step.target
    session.add(action)
    audit.append(
        session,
        event=event,
        actor_id=actor_id,
        submission_id=step.submission.id,
        payload={
            "action_id": action.id,
            "kind": action.kind,
            "reference": action.reference,
            **payload,
            "state": {"from": before, "to": action.status},
        },
    )
    session.flush()
    return action


def report_done(
    session: Session,
    action_id: int,
    actor_id: str,
    note: str,
    evidence: str,
    *,
    submission_id: int | None = None,
    on: date | None = None,
) -> Action:
    """The submitter says a condition or an amber action is done: what was done, and a link to
    the evidence. The reviewer who set it is told (and the reminders stop)."""
    step = _checked(session, action_id, "report_done", actor_id, submission_id, on)
    note, link = done_note(note), evidence_link(evidence)
    action, decision = step.action, setter_of(session, step.action)
    action.note, action.evidence_url = note, link
    action.reported_by_id, action.reported_at = actor_id, datetime.now(UTC)
    action.reviewed_by_id = action.reviewed_at = action.sent_back_reason = None
    reviewer = decision.actor_id if decision else None
    payload = {"note": note, "evidence_url": link, "reviewer_id": reviewer}
    return _record(session, step, "action.reported_done", actor_id, payload)


def confirm_done(
    session: Session,
    action_id: int,
    actor_id: str,
    *,
    submission_id: int | None = None,
    on: date | None = None,
) -> Action:
    """The reviewer who set it (or whoever stands in for them) confirms it is done."""
    step = _checked(session, action_id, "confirm", actor_id, submission_id, on)
    step.action.reviewed_by_id, step.action.reviewed_at = actor_id, datetime.now(UTC)
    return _record(session, step, "action.confirmed", actor_id, {})


def send_back(
    session: Session,
    action_id: int,
    actor_id: str,
    reason: str,
    *,
    submission_id: int | None = None,
    on: date | None = None,
) -> Action:
    """The reviewer who set it (or whoever stands in for them) says it is not done yet, and
    why: it is the submitter's again, and chased again."""
    step = _checked(session, action_id, "send_back", actor_id, submission_id, on)
    reason = send_back_reason(reason)
    step.action.reviewed_by_id, step.action.reviewed_at = actor_id, datetime.now(UTC)
    step.action.sent_back_reason = reason
    return _record(session, step, "action.sent_back", actor_id, {"reason": reason})
