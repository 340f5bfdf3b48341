"""Submitting, resubmitting and withdrawing: validate, pin checklists, route, open the first stage.

Everything happens in the caller's transaction; any problem raises before anything is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session, col, select

from checklists.answers import from_json, normalise_answers, to_json
from checklists.canonical import sha256_hex
from checklists.loader import Checklist, Registry
from checklists.routing import Route, route_for
from dfr.errors import NotFoundError, PermissionDeniedError, ValidationError
from dfr.i18n import _
from models import audit, text_limits
from models.directory_lookup import DirectoryLookup
from models.intake_rows import (
    answer_rows,
    flag_rows,
    obligation_row,
    route_payload,
    task_rows,
)
from models.lifecycle import Actor, Transition, apply
from models.queries import open_obligations
from models.review import Action, Decision, ReviewTask
from models.service_register import Service
from models.submission import ChecklistAnswers, RaisedFlag, Submission
from models.submission_file import (
    Description,
    SubmissionFile,
    parse_description,
    parse_submission,
)
from models.text_limits import within
from models.working_days import london_today
from services.access import may_submit
from services.stages import cancel_open_actions, cancel_remaining, open_task


def _typed_answers(
    checklists: list[Checklist],
    answers: Mapping[str, Mapping[str, Any]],
    carried_over: Mapping[str, frozenset[str]] | None = None,
    on: date | None = None,
    kind: str | None = None,
) -> dict[str, dict[str, Any]]:
    known = {c.id for c in checklists}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValidationError(
            _(
                "Answers were given for checklist(s) {unknown}, which this kind of submission "
                "does not use. Expected: {expected}.",
                unknown=", ".join(unknown),
                expected=", ".join(sorted(known)),
            ),
            field=f"answers.{unknown[0]}",
        )
    problems: list[ValidationError] = []
    typed: dict[str, dict[str, Any]] = {}
    for checklist in checklists:
        try:
            typed[checklist.id] = normalise_answers(
                checklist,
                answers.get(checklist.id),
                carried_over=(carried_over or {}).get(checklist.id, frozenset()),
                on=on,
                kind=kind,
            )
        except ValidationError as err:
            problems.append(err)
    if problems:
        raise ValidationError("\n".join(p.message for p in problems), field=problems[0].field)
    return typed


def _store_round(
    session: Session,
    submission: Submission,
    checklists: list[Checklist],
    typed: dict[str, dict[str, Any]],
    route: Route,
) -> None:
    assert submission.id is not None
    for row in answer_rows(submission.id, submission.round, checklists, typed):
        session.add(ChecklistAnswers(**row))
    for row in flag_rows(submission.id, submission.round, checklists, route):
        session.add(RaisedFlag(**row))
    due_now = {o.id: o.due for o in route.obligations}
    existing: set[str] = set()
    for recorded in open_obligations(session, submission.id):
        if recorded.reference in due_now:
            existing.add(recorded.reference)
            recorded.due_date = due_now[recorded.reference]  # e.g. a new expected end of alpha
            session.add(recorded)
        else:  # the new answers no longer give rise to it
            recorded.status = "cancelled"
            session.add(recorded)
    for obligation in route.obligations:
        if obligation.id not in existing:
            session.add(Action(**obligation_row(submission.id, obligation)))


def _add_tasks(
    session: Session, submission: Submission, route: Route, skip: set[str], on: date
) -> list[ReviewTask]:
    tasks = [
        ReviewTask(**row)
        for row in task_rows(submission.id or 0, submission.dg_code, submission.round, route, skip)
    ]
    session.add_all(tasks)
    session.flush()
    if tasks:
        open_task(session, submission, tasks[0], on)
    return tasks


@dataclass(frozen=True)
class SubmissionPlan:
    """A checked submission and its route, before anything is stored."""

    parsed: SubmissionFile
    checklists: list[Checklist]
    answers: dict[str, dict[str, Any]]
    route: Route
    on: date
    # The service on the register it creates or changes, if it names one: (kind, service).
    service_link: tuple[str, Service | None] | None = None
    # The largest ids of the tables `plan_submission` was asked about, read along with the
    # directory (SQLite: `services.submit.submit` stores the plan in the same transaction,
    # which holds the write lock from its first statement); None when not read.
    largest_ids: tuple[int, ...] | None = None


def plan_submission(
    session: Session,
    data: Any,
    registry: Registry,
    on: date | None = None,
    directory: DirectoryLookup | None = None,
    *,
    largest_ids: tuple[Table, ...] = (),
) -> SubmissionPlan:
    """Check everything about a submission and work out its route; read-only. Bulk intake
    passes one `directory` for a whole chunk so DGs and people are read once. With
    `largest_ids`, the largest id of each of those tables is read in the same statement as
    the directory (the plan's `largest_ids`)."""
    on = on or london_today()
    directory = directory or DirectoryLookup(session)
    parsed = parse_submission(data)
    tops = directory.submitting(parsed.submitter, parsed.dg, largest_ids=largest_ids)
    dg = directory.directorate(parsed.dg)
    if dg is None:
        raise NotFoundError(
            _(
                "Unknown DG {dg}. Give the code of a Directorate-General in the directory "
                "(for example EST or HSS).",
                dg=parsed.dg,
            ),
            field="dg",
        )
    if directory.person(parsed.submitter) is None:
        raise NotFoundError(
            _(
                "Unknown person {person}. Check the id, or ask an administrator to add them to "
                "the directory.",
                person=parsed.submitter,
            ),
            field="submitter",
        )
    if not may_submit(directory.roles_of(parsed.submitter), dg.code):
        raise PermissionDeniedError(
            _(
                "{person} is not a policy officer in {dg}, so cannot submit for it. Ask an "
                "administrator to add the role, or submit for your own DG.",
                person=parsed.submitter,
                dg=dg.code,
            ),
            field="submitter",
        )
    checklists = registry.questionnaires_for(parsed.kind)
    typed = _typed_answers(checklists, parsed.answers, on=on, kind=parsed.kind)
    route = route_for(
        kind=parsed.kind, dg=dg.code, checklists=checklists, answers=typed, registry=registry, on=on
    )
    link = None
    if parsed.service is not None:
        # Imported here: the links module reads drafts, which read this one.
        from services.service_links import read_named

        link = read_named(session, parsed.service)
    return SubmissionPlan(parsed, checklists, typed, route, on, link, tops)


def submitted_payload(plan: SubmissionPlan) -> dict[str, Any]:
    """The payload of a submission's `submission.submitted` log entry."""
    parsed = plan.parsed
    return {
        "kind": parsed.kind,
        "dg": parsed.dg,
        **route_payload(plan.checklists, plan.answers, plan.route),
    }


def stored_answers(
    session: Session, submission: Submission, registry: Registry
) -> dict[str, dict[str, Any]]:
    """The latest round's answers, typed, keyed by checklist id."""
    result: dict[str, dict[str, Any]] = {}
    for row in session.exec(
        select(ChecklistAnswers).where(
            ChecklistAnswers.submission_id == submission.id,
            ChecklistAnswers.round == submission.round,
        )
    ).all():
        checklist = registry.get(row.checklist_id, row.checklist_version)
        result[row.checklist_id] = {
            qid: from_json(checklist.questions[qid], value) for qid, value in row.answers.items()
        }
    return result


def locked_submission(session: Session, submission_id: int) -> Submission:
    """The submission, row-locked for the rest of the transaction (PostgreSQL FOR UPDATE)."""
    found = session.exec(
        select(Submission)
        .where(Submission.id == submission_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if found is None:
        raise NotFoundError(
            _("No submission {id}. Check the submission reference.", id=submission_id),
            field="submission",
        )
    return found


def _move(session: Session, submission: Submission, move: Transition) -> None:
    submission.state = move.target.value
    submission.version += 1
    submission.updated_at = datetime.now(UTC)
    session.add(submission)


def acting_as(submission: Submission, person_id: str) -> Actor | None:
    """Who `person_id` acts as in a submitter's step (resubmit, withdraw) on `submission`."""
    return Actor.SUBMITTER if person_id == submission.submitter_id else None


def resubmit(
    session: Session,
    submission_id: int,
    actor_id: str,
    changes: Mapping[str, Mapping[str, Any]],
    registry: Registry,
    on: date | None = None,
    description: Mapping[str, Any] | None = None,
) -> tuple[Submission, Route]:
    """Answer again after "changes requested": merge the changes, re-route, reopen review.

    Stages approved before the stage that asked for changes keep their decision; that stage
    and everything after it are reviewed again against the new answers. `description` may
    give a new `title` and/or `summary` (each in both languages), checked as a submission's.
    """
    on = on or london_today()
    described = parse_description(description or {})
    submission = locked_submission(session, submission_id)
    move = apply(submission.state, "resubmit", acting_as(submission, actor_id))
    previous = stored_answers(session, submission, registry)
    merged: dict[str, dict[str, Any]] = {
        cid: {q: to_json(v) for q, v in a.items()} for cid, a in previous.items()
    }
    for cid, answers in changes.items():
        if not isinstance(answers, Mapping):
            raise ValidationError(
                _(
                    "Changes for checklist {checklist} must be question: answer pairs.",
                    checklist=cid,
                ),
                field=f"answers.{cid}",
            )
        merged.setdefault(cid, {}).update(answers)
    merged = {cid: {q: v for q, v in a.items() if v is not None} for cid, a in merged.items()}
    carried = {
        cid: frozenset(q for q in a if q not in (changes.get(cid) or {}))
        for cid, a in merged.items()
    }
    checklists = registry.questionnaires_for(submission.kind)
    typed = _typed_answers(checklists, merged, carried, on, submission.kind)
    route = route_for(
        kind=submission.kind,
        dg=submission.dg_code,
        checklists=checklists,
        answers=typed,
        registry=registry,
        on=on,
    )
    sent_back = session.exec(
        select(Decision)
        .where(Decision.submission_id == submission.id, Decision.outcome == "request_changes")
        .order_by(col(Decision.id).desc())
    ).first()
    # An earlier approval stands only if the same people would review it now: new answers
    # that bring extra scrutiny (CoE review) or a new risk rating reopen every stage.
    same_review = (route.scrutiny, route.risk) == (submission.scrutiny, submission.risk)
    keep = (
        _approved_stages_before(session, submission, route, sent_back.stage if sent_back else None)
        if same_review
        else set()
    )
    redescribed = _redescribe(submission, described)
    submission.round += 1
    submission.value, submission.phase = route.value, route.phase
    submission.risk, submission.scrutiny = route.risk, route.scrutiny
    _move(session, submission, move)
    session.flush()
    _store_round(session, submission, checklists, typed, route)
    audit.append(
        session,
        event="submission.resubmitted",
        actor_id=actor_id,
        submission_id=submission.id,
        payload={
            "round": submission.round,
            "kept": sorted(keep),
            **route_payload(checklists, typed, route),
            **redescribed,
        },
    )
    _add_tasks(session, submission, route, skip=keep, on=on)
    return submission, route


def _redescribe(submission: Submission, described: Description) -> dict[str, Any]:
    """Apply a new title or summary; what the log records of it (the fields and a hash)."""
    new: dict[str, str] = {}
    if described.title:
        new |= {"title_cy": described.title.cy, "title_en": described.title.en}
    if described.summary:
        new |= {"summary_cy": described.summary.cy, "summary_en": described.summary.en}
    changed = sorted(name for name, text in new.items() if getattr(submission, name) != text)
    if not changed:
        return {}
    for name in changed:
        setattr(submission, name, new[name])
    texts = {name: getattr(submission, name) for name in sorted(new)}
    return {"description_changed": changed, "description_hash": sha256_hex(texts)}


def _approved_stages_before(
    session: Session, submission: Submission, route: Route, sent_back_stage: str | None
) -> set[str]:
    names = route.stage_names
    if sent_back_stage not in names:
        return set()
    earlier = set(names[: names.index(sent_back_stage)])
    passed = session.exec(
        select(Decision.stage).where(
            Decision.submission_id == submission.id,
            col(Decision.outcome).in_(("approve", "approve_with_conditions", "green", "amber")),
        )
    ).all()
    return earlier & set(passed)


def withdrawable(submission: Submission, actor_id: str) -> Submission:
    """`submission` if `actor_id` may withdraw it now (what "Are you sure?" is asked for);
    otherwise raises why not, exactly as `withdraw` would. Writes nothing."""
    apply(submission.state, "withdraw", acting_as(submission, actor_id))
    return submission


def withdraw(session: Session, submission_id: int, actor_id: str, reason: str = "") -> Submission:
    """The submitter withdraws: open and pending stages are cancelled."""
    within(reason, text_limits.REASON, "reason")
    submission = locked_submission(session, submission_id)
    move = apply(submission.state, "withdraw", acting_as(submission, actor_id))
    cancelled = cancel_remaining(session, submission.id or 0)
    actions = cancel_open_actions(session, submission.id or 0)
    _move(session, submission, move)
    audit.append(
        session,
        event="submission.withdrawn",
        actor_id=actor_id,
        submission_id=submission.id,
        payload={"reason": reason, "cancelled_tasks": cancelled, "cancelled_actions": actions},
    )
    return submission
