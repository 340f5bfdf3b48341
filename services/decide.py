"""Recording a reviewer's decision: checked against the lifecycle and the actor's role, in one
transaction, then the next stage is opened (or the submission finishes).

Every refused decision (no such review, a stage not open, a person who may not decide it) is
logged (`dfr.services.decide`, INFO) with the person, the reason and the request id.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, and_, col, select

from checklists.answers import RATINGS
from checklists.loader import Registry
from checklists.standards import standard_names
from dfr import labels
from dfr.dates import long_date
from dfr.errors import (
    NotFoundError,
    PermissionDeniedError,
    TransitionError,
    ValidationError,
)
from dfr.i18n import _, get_language
from dfr.labels import label
from dfr.settings import get_settings
from models import audit, driver_sql, text_limits
from models.action_lifecycle import OUTSTANDING
from models.assessment_panel import booking_of
from models.dates import AMBER_ACTION_MONTHS, add_months
from models.db import any_of
from models.directory import Person
from models.directory_lookup import DirectoryLookup, PersonRow, person_columns
from models.lifecycle import (
    FINAL_STATES,
    STAGES,
    Actor,
    Stage,
    StageRule,
    Transition,
    action_for,
    apply,
)
from models.queries import open_obligations
from models.review import Action, Decision, ReviewTask, StandardRating
from models.row_objects import as_object, row_columns
from models.row_writes import insert_row, update_row
from models.submission import RaisedFlag, Submission
from models.text_limits import within
from models.working_days import london_today
from services.access import Decider, decider_from, load_decider, with_decider
from services.intake import locked_submission
from services.refusals import REFUSALS, log_refusal
from services.register_proposals import builds_new_service, proposal_entry
from services.stages import cancel_open_actions, cancel_remaining, open_task, remaining_tasks

log = logging.getLogger("dfr.services.decide")


@dataclass(frozen=True)
class Condition:
    text: str
    due: date


@dataclass(frozen=True)
class StandardAssessment:
    rating: str
    done_well: str = ""
    to_explore: str = ""


@dataclass(frozen=True)
class DecisionRequest:
    """What a reviewer decides. `ratings` only for service assessments."""

    submission_id: int
    stage: str
    outcome: str
    rationale: str
    actor_id: str
    conditions: Sequence[Condition] = ()
    ratings: Mapping[str, StandardAssessment] = field(default_factory=dict)
    # Settled from the panel's ratings (`services.ratings.settle`): once a panel is booked,
    # the only way an assessment's result is decided.
    settled_by_panel: bool = False


def _open_task(
    session: Session, submission: Submission, stage: str, remaining: Sequence[ReviewTask]
) -> ReviewTask:
    """The open task of `stage` among the submission's open and pending ones."""
    try:
        wanted = Stage(stage)
    except ValueError:
        raise ValidationError(
            _(
                "Unknown stage {stage}. Choose one of: {stages}.",
                stage=stage,
                stages=", ".join(label(labels.STAGES, s.value) for s in Stage),
            ),
            field="stage",
        ) from None
    open_now = [t for t in remaining if t.status == "open"]
    task = next((t for t in open_now if t.stage == wanted.value), None)
    if task is None:
        current = open_now[0].stage if open_now else None
        raise TransitionError(
            _(
                "The {stage} of {reference} is not open for a decision (the submission is "
                "{state}; open stage: {current}).",
                stage=label(labels.STAGES, wanted.value),
                reference=submission.reference,
                state=label(labels.STATES, submission.state),
                current=label(labels.STAGES, current) if current else _("none"),
            ),
            field="stage",
        )
    return task


def _check_actor(
    session: Session, submission: Submission, task: ReviewTask, decider: Decider
) -> Actor:
    """The actor as a reviewer of the open stage, or the reason they may not decide it."""
    refusal = decider.refusal(submission, Stage(task.stage))
    if refusal is None and not decider.holds(task.assignee_id):
        # Probe 3 of issue 12: the stage table names the reviewer; anyone else with the right
        # to decide takes the review over first (a reassignment, logged with a reason).
        refusal = _not_yours(session, task)
    if refusal is None:
        return Actor.STAGE_REVIEWER
    if decider.person is None:
        raise NotFoundError(refusal, field="actor")
    raise PermissionDeniedError(refusal, field="actor")


def _not_yours(session: Session, task: ReviewTask) -> str:
    assignee = session.get(Person, task.assignee_id) if task.assignee_id else None
    if assignee is None:
        return _(
            "This review has no reviewer yet. Reassign it to yourself first, with a reason; "
            "then decide it."
        )
    return _(
        "This review is assigned to {person}. Only they, or someone covering for them, may "
        "decide it: reassign it to yourself first, with a reason, if you are to decide it.",
        person=assignee.name,
    )


def decidable_task(
    session: Session, submission: Submission, task_id: int, actor_id: str, on: date | None = None
) -> ReviewTask:
    """Review `task_id` of `submission` if it is open and `actor_id` may decide it (what a
    decision form is shown for); otherwise raises (and logs) why not."""
    try:
        return _decidable_task(session, submission, task_id, actor_id, on)
    except REFUSALS as refusal:
        task = session.get(ReviewTask, task_id)  # already loaded: no query
        stage = task.stage if task else f"review {task_id}"
        log_refusal(
            log, "decision", actor_id, refusal, submission_id=submission.id or 0, stage=stage
        )
        raise


def _decidable_task(
    session: Session, submission: Submission, task_id: int, actor_id: str, on: date | None
) -> ReviewTask:
    task = session.get(ReviewTask, task_id)
    if task is None or task.submission_id != submission.id:
        raise NotFoundError(_("There is no such review for this submission."))
    if task.status != "open":
        raise PermissionDeniedError(
            _("This review has already been decided (or is not open yet); nothing to do here.")
        )
    decider = load_decider(session, actor_id, submission.dg_code, on or london_today())
    _check_actor(session, submission, task, decider)
    return task


def _check_conditions(request: DecisionRequest, today: date) -> None:
    if request.outcome == "approve_with_conditions" and not request.conditions:
        raise ValidationError(
            _("Approve with conditions needs at least one condition with a due date."),
            field="conditions",
        )
    if request.outcome != "approve_with_conditions" and request.conditions:
        raise ValidationError(
            _("Conditions can only be set when approving with conditions."),
            field="conditions",
        )
    # Fields name each condition by its place in the request, from 1 (`conditions.2.due`).
    for number, condition in enumerate(request.conditions, start=1):
        within(condition.text, text_limits.CONDITION, f"conditions.{number}")
        if not condition.text.strip():
            raise ValidationError(
                _("A condition needs some text saying what must be done."),
                field=f"conditions.{number}",
            )
        if condition.due < today:
            raise ValidationError(
                _(
                    "The condition due date {due} is in the past; give a future date.",
                    due=long_date(condition.due, get_language()),
                ),
                field=f"conditions.{number}.due",
            )


def _check_ratings(request: DecisionRequest, task: ReviewTask, registry: Registry) -> list[str]:
    """Validate red/amber/green per standard; returns the ids of the red points."""
    if task.stage != Stage.SERVICE_ASSESSMENT:
        if request.ratings:
            raise ValidationError(
                _("Ratings are only given in a service assessment."), field="ratings"
            )
        return []
    checklist = registry.get(task.checklist_id or "", task.checklist_version)
    names = standard_names([checklist], get_language())

    def named(ids: list[str]) -> str:  # `3. Understand users…; 5. Make sure…`, not `w03, w05`
        return "; ".join(names.get(i, i) for i in ids)

    expected = set(task.scope or checklist.questions)
    given = set(request.ratings)
    if given != expected:
        missing, extra = sorted(expected - given), sorted(given - expected)
        raise ValidationError(
            _(
                "Rate exactly the standards in this assessment. Missing: {missing}. Not part "
                "of it: {extra}.",
                missing=named(missing) or _("none"),
                extra=", ".join(extra) or _("none"),  # not standards of this set: no names
            ),
            field=f"ratings.{(missing or extra)[0]}",
        )
    wrong = sorted(s for s, a in request.ratings.items() if a.rating not in RATINGS)
    if wrong:
        raise ValidationError(
            _("Ratings must be red, amber or green; check: {ids}.", ids=named(wrong)),
            field=f"ratings.{wrong[0]}",
        )
    reds = sorted(s for s, a in request.ratings.items() if a.rating == "red")
    ambers = [s for s, a in request.ratings.items() if a.rating == "amber"]
    # Overall: any red point → red (pause and reassess); else any amber → amber (proceed,
    # actions due in 3 months); else green (GDS service assessments).
    overall = "red" if reds else "amber" if ambers else "green"
    if request.outcome != overall:
        raise ValidationError(
            _(
                "The overall rating must be {expected} for these ratings (red if any standard is "
                "red, amber if any is amber, otherwise green), not {given}.",
                expected=label(labels.OUTCOMES, overall),
                given=label(labels.OUTCOMES, request.outcome),
            ),
            field="outcome",
        )
    return reds


@dataclass(frozen=True)
class DecisionPlan:
    """A decision that passed every check, and what it will do; nothing written yet."""

    submission: Submission
    task: ReviewTask
    rule: StageRule
    action: str  # the lifecycle action the outcome takes
    move: Transition
    later: list[ReviewTask]  # the stages still to come after this one, in route order
    reds: list[str]
    ambers: list[str]
    directory: DirectoryLookup  # the directory as this step reads it
    outstanding: bool  # conditions or amber actions of earlier decisions still outstanding
    flagged: bool  # the submission's current round raised flags
    builds_service: bool  # its current round's answers say it builds a new service


def check_decision(
    session: Session, request: DecisionRequest, registry: Registry, on: date
) -> DecisionPlan:
    """Check the decision against the open stage, the actor's role and the lifecycle; the
    submission is locked for the rest of the transaction. Raises on the first problem, and
    logs a refusal (as opposed to input that is not valid)."""
    try:
        return _check_decision(session, request, registry, on)
    except REFUSALS as refusal:
        log_refusal(
            log,
            "decision",
            request.actor_id,
            refusal,
            submission_id=request.submission_id,
            stage=request.stage,
        )
        raise


def _check_panel_path(session: Session, task: ReviewTask, request: DecisionRequest) -> None:
    """A booked panel's assessment is decided by settling its ratings, never around them."""
    if task.stage != Stage.SERVICE_ASSESSMENT or request.settled_by_panel:
        return
    if booking_of(session, task.id or 0) is not None:
        raise TransitionError(
            _(
                "This assessment has a panel: its result is settled from the panel's ratings. "
                "Settle it on the assessment's ratings page, or with `dfr assessments settle`."
            ),
            field="outcome",
        )


def _check_decision(
    session: Session, request: DecisionRequest, registry: Registry, on: date
) -> DecisionPlan:
    directory = DirectoryLookup(session)
    locked = _locked(session, request.submission_id, request.actor_id, on, directory)
    submission, outstanding, remaining = locked.submission, locked.outstanding, locked.remaining
    task = _open_task(session, submission, request.stage, remaining)
    rule = STAGES[Stage(task.stage)]
    if request.outcome not in rule.outcomes:
        raise ValidationError(
            _(
                "Unknown outcome {outcome} for the {stage}. Choose one of: {allowed}.",
                outcome=request.outcome,
                stage=label(labels.STAGES, task.stage),
                allowed=", ".join(label(labels.OUTCOMES, o) for o in rule.outcomes),
            ),
            field="outcome",
        )
    actor = _check_actor(session, submission, task, locked.decider)
    _check_panel_path(session, task, request)
    within(request.rationale, text_limits.RATIONALE, "rationale")
    for standard, assessed in sorted(request.ratings.items()):
        within(assessed.done_well, text_limits.ASSESSMENT_NOTE, f"ratings.{standard}")
        within(assessed.to_explore, text_limits.ASSESSMENT_NOTE, f"ratings.{standard}")
    if not request.rationale.strip():
        raise ValidationError(_("Give a rationale: say why you decided this."), field="rationale")
    _check_conditions(request, on)
    reds = _check_ratings(request, task, registry)

    later = [t for t in remaining if t.id != task.id]
    ambers = sorted(s for s, a in request.ratings.items() if a.rating == "amber")
    action = action_for(
        request.outcome,
        is_last_stage=not later,
        has_conditions=bool(request.conditions or ambers or outstanding),
    )
    move = apply(submission.state, action, actor)
    return DecisionPlan(
        submission,
        task,
        rule,
        action,
        move,
        later,
        reds,
        ambers,
        directory,
        outstanding,
        locked.flagged,
        locked.builds_service,
    )


@dataclass(frozen=True)
class _Locked:
    submission: Submission
    outstanding: bool  # conditions or amber actions of earlier decisions still outstanding
    flagged: bool  # its current round raised flags
    builds_service: bool  # its current round's answers say it builds a new service
    remaining: list[ReviewTask]  # its open and pending reviews, in route order
    decider: Decider  # the person deciding, as the decision rules see them today


def _locked(
    session: Session, submission_id: int, actor_id: str, on: date, directory: DirectoryLookup
) -> _Locked:
    """The submission, row-locked for the rest of the transaction, with what a decision on
    it needs: whether conditions or amber actions of earlier decisions are still
    outstanding, whether it has flags, its submitter, its open and pending reviews, and the
    person deciding (`access.with_decider`: their cover and roles, the DG's Digital Leader),
    all read in the one query. `directory` keeps the people and the DG read along. The query
    reads columns on the driver (`models.driver_sql`); the submission and its reviews are
    made the session's objects from them (`models.row_objects`, as `populate_existing`
    would load them): loading them as entities through the ORM cost more than the query.

    On SQLite one query (a row per review): a writer holds the database's write lock from
    its first statement, so what it reads is current. On PostgreSQL the reviews are read by a
    second query once the lock is held: a query that waited for the lock sees the locked row
    as it is now but rows joined to it as they were when it started, so a review another
    decision has just closed would still look open."""
    together = session.get_bind().dialect.name == "sqlite"
    query = _locked_query(together)
    params = {"submission_id": submission_id, "decider_id": actor_id, "on": on}
    rows = driver_sql.read(session, query, params)
    if not rows:
        locked_submission(session, submission_id)  # raises: no such submission
    first = rows[0]
    # The columns: the submission's, outstanding, flagged, builds, the submitter's, (the
    # review's,) then the decider's.
    at = len(row_columns(Submission))
    submission = as_object(session, Submission, first[:at])
    outstanding, flagged, builds = first[at : at + 3]
    if first[at + 3] is not None:  # the submitter's columns (`person_columns`)
        directory.know_people([PersonRow(*first[at + 3 : at + 8])])
    at += 8
    if together:  # a row per review and, for each, per cover and role of the decider
        end = at + len(row_columns(ReviewTask))
        by_id = {row[at]: row[at:end] for row in rows if row[at] is not None}
        remaining = [as_object(session, ReviewTask, values) for values in by_id.values()]
        at = end
    else:
        remaining = remaining_tasks(session, submission_id)
    return _Locked(
        submission,
        bool(outstanding),
        bool(flagged),
        bool(builds),
        remaining,
        decider_from(actor_id, rows, at, directory),
    )


@cache
def _locked_query(together: bool) -> Any:
    """`_locked`'s query, with the open and pending reviews (`together`) or without, taking
    `submission_id`, `decider_id` and `on` as parameters: built once (building it costs more
    than running it)."""
    outstanding = (
        select(Action.id)
        .where(
            col(Action.submission_id) == col(Submission.id),
            any_of(col(Action.kind), ("condition", "amber_action")),
            any_of(col(Action.status), OUTSTANDING),
        )
        .exists()
    )
    flagged = (
        select(RaisedFlag.id)
        .where(
            col(RaisedFlag.submission_id) == col(Submission.id),
            col(RaisedFlag.round) == col(Submission.round),
        )
        .exists()
    )
    builds = builds_new_service()  # then the decision looks for a register proposal
    query = (
        sa_select(*row_columns(Submission), outstanding, flagged, builds, *person_columns(Person))
        .outerjoin(Person, col(Person.id) == col(Submission.submitter_id))
        .where(col(Submission.id) == bindparam("submission_id", type_=Integer))
        .with_for_update(of=Submission)
    )
    if together:
        remaining = and_(
            col(ReviewTask.submission_id) == col(Submission.id),
            any_of(col(ReviewTask.status), ("open", "pending")),
        )
        query = (
            query.add_columns(*row_columns(ReviewTask))
            .outerjoin(ReviewTask, remaining)
            .order_by(col(ReviewTask.position))
        )
    return with_decider(query, col(Submission.dg_code))


def apply_decision(
    session: Session, request: DecisionRequest, plan: DecisionPlan, on: date
) -> Decision:
    """Write a checked decision (see `_apply`)."""
    return _apply(session, request, plan, on)[0]


def _apply(
    session: Session, request: DecisionRequest, plan: DecisionPlan, on: date
) -> tuple[Decision, list[dict[str, Any]]]:
    """Write a checked decision: the log entries, the decision and its follow-ups, the next
    stage (or the end), and the submission's new state from the lifecycle table. The step's
    log entries (the decision, the stage it opens, the submission's completion) are appended
    together, with one update of the log's head; returns the decision and the entries'
    columns. The review, the submission and the decision are written with one statement
    each (`models.row_writes`), the review and the submission before the log's head is
    locked."""
    submission, task, action, move = plan.submission, plan.task, plan.action, plan.move
    now = datetime.now(UTC)
    entries = [
        audit.NewEntry(
            "decision.recorded",
            request.actor_id,
            submission.id,
            {
                "task_id": task.id,
                "stage": task.stage,
                "attempt": task.attempt,
                "outcome": request.outcome,
                "action": action,
                "rationale": request.rationale,
                "conditions": [
                    {"text": c.text, "due": c.due.isoformat()} for c in request.conditions
                ],
                "ratings": {
                    s: {"rating": a.rating, "done_well": a.done_well, "to_explore": a.to_explore}
                    for s, a in sorted(request.ratings.items())
                },
                "state": {"from": submission.state, "to": move.target.value},
            },
        )
    ]
    update_row(session, task, status="decided", closed_at=now)
    if action == "advance":
        open_task(session, submission, plan.later[0], on, log=entries, directory=plan.directory)
    elif action == "reassess":
        _open_reassessment(session, submission, task, plan.reds, on, entries)
    elif action == "request_changes":
        cancel_remaining(session, submission.id or 0, plan.later)
    elif action == "reject":
        cancel_remaining(session, submission.id or 0, plan.later)
        cancel_open_actions(session, submission.id or 0)
    update_row(
        session,
        submission,
        state=move.target.value,
        version=submission.version + 1,
        updated_at=now,
    )
    if move.target in FINAL_STATES:
        entries.append(
            audit.NewEntry(
                "submission.completed",
                request.actor_id,
                submission.id,
                {"state": move.target.value},
            )
        )
        # approved for a new service: a proposal for the CoE
        proposed = proposal_entry(session, submission) if plan.builds_service else None
        if proposed is not None:
            entries.append(proposed)
    logged = audit.append_rows(session, entries, at=now)
    decision = Decision(
        task_id=task.id or 0,
        submission_id=submission.id or 0,
        stage=task.stage,
        outcome=request.outcome,
        rationale=request.rationale,
        actor_id=request.actor_id,
        decided_at=now,
        log_seq=logged[0]["seq"],
    )
    insert_row(session, decision)
    if request.conditions or request.ratings or task.stage == Stage.SERVICE_ASSESSMENT:
        _record_follow_ups(session, submission, task, decision, request, plan.ambers, on)
    session.flush()
    return decision, logged


def record_decision(
    session: Session,
    request: DecisionRequest,
    registry: Registry,
    on: date | None = None,
    *,
    announce: bool = True,
) -> Decision:
    """Write the decision and its consequences, or raise and change nothing. The
    notifications its log entries call for are queued in the same transaction
    (`services.announce.queue_step_notifications`), for every front door alike; the
    follow-up run publishes its events and delivers. `announce=False` leaves them to the
    follow-up."""
    on = on or london_today()
    plan = check_decision(session, request, registry, on)
    decision, logged = _apply(session, request, plan, on)
    if announce:
        from services.announce import queue_step_notifications  # templates: only if asked

        # A decision that sets no conditions or amber actions, on a submission with none
        # outstanding, has none to tell anyone about; one on a submission without flags has
        # no flags to list: nothing to read for them.
        sets_actions = bool(request.conditions or plan.ambers or plan.outstanding)
        queue_step_notifications(
            session,
            [audit.Appended(**row) for row in logged],
            [plan.submission],
            registry,
            get_settings(),
            directory=plan.directory,
            decision_at={decision.log_seq: decision.id or 0},
            flags=None if plan.flagged else {},
            actions=None if sets_actions else {},
        )
    return decision


def _record_follow_ups(
    session: Session,
    submission: Submission,
    task: ReviewTask,
    decision: Decision,
    request: DecisionRequest,
    ambers: list[str],
    on: date,
) -> None:
    for number, condition in enumerate(request.conditions, start=1):
        session.add(
            Action(
                submission_id=submission.id or 0,
                decision_id=decision.id,
                kind="condition",
                reference=f"{task.stage}#{number}",
                text=condition.text,
                due_date=condition.due,
            )
        )
    for standard_id, assessed in sorted(request.ratings.items()):
        session.add(
            StandardRating(
                decision_id=decision.id or 0,
                checklist_id=task.checklist_id or "",
                standard_id=standard_id,
                rating=assessed.rating,
                done_well=assessed.done_well,
                to_explore=assessed.to_explore,
            )
        )
    amber_due = add_months(on, AMBER_ACTION_MONTHS)
    for standard_id in ambers:
        session.add(
            Action(
                submission_id=submission.id or 0,
                decision_id=decision.id,
                kind="amber_action",
                reference=standard_id,
                text=request.ratings[standard_id].to_explore or standard_id,
                due_date=amber_due,
            )
        )
    if task.stage == Stage.SERVICE_ASSESSMENT and request.outcome in {"green", "amber"}:
        # An assessment at alpha, beta or live fulfils the "assessment due" obligation.
        for obligation in open_obligations(session, submission.id or 0):
            obligation.status = "done"
            session.add(obligation)


def _open_reassessment(
    session: Session,
    submission: Submission,
    task: ReviewTask,
    reds: list[str],
    on: date,
    log: list[audit.NewEntry],
) -> ReviewTask:
    """Red: pause, fix, then reassess only the red points (GDS service assessments)."""
    again = ReviewTask(
        submission_id=submission.id or 0,
        dg_code=submission.dg_code,
        stage=task.stage,
        position=task.position,
        round=task.round,
        attempt=task.attempt + 1,
        checklist_id=task.checklist_id,
        checklist_version=task.checklist_version,
        scope=reds,
        status="pending",
    )
    session.add(again)
    session.flush()
    return open_task(session, submission, again, on, log=log)
