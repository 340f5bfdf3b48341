"""Submitting: one path for every front door — a file from the CLI, a web draft, the JSON API,
a line of a bulk import, a Prefect task.

A submission is planned (`services.intake.plan_submission`: checked, routed; read-only), then
stored by `store_plans` with one insert per table: the submission, its answers, flags,
obligations, review tasks and decision-log entries, its first stage opened and assigned, and
the service on the register it names (`service:`), if any, linked. A
single submission is a chunk of one, so it has exactly the rows and log entries a bulk import
would have given it. Everything happens in the caller's transaction.

An intake key makes submitting idempotent: the same key again returns the first submission and
stores nothing. Two requests racing with one key store one submission (a unique constraint;
the loser's insert is rolled back to a savepoint and it returns the winner's submission).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    Table,
    bindparam,
    func,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from checklists.canonical import sha256_hex
from checklists.loader import Registry
from checklists.routing import Route
from dfr.errors import InProgressError, PermissionDeniedError, ValidationError
from dfr.i18n import _
from dfr.settings import get_settings
from models import audit, driver_sql
from models.dates import due_date_for
from models.directory_lookup import DirectoryLookup
from models.intake_rows import (
    answer_rows,
    flag_rows,
    obligation_row,
    submission_row,
    task_rows,
)
from models.lifecycle import STAGES, Stage
from models.review import Action, ReviewTask
from models.row_writes import insert_into
from models.submission import (
    ChecklistAnswers,
    NewSubmission,
    RaisedFlag,
    Submission,
    reference_for,
)
from services.assignment import Workload, choose_assignee
from services.intake import SubmissionPlan, plan_submission, submitted_payload
from services.service_links import set_link
from services.stages import opened_payload


@dataclass(frozen=True)
class Submitted:
    """What submitting gave: the submission, and its route when this call stored it (None when
    the intake key had been used before and the first submission is returned)."""

    submission_id: int
    reference: str
    route: Route | None

    @property
    def created(self) -> bool:
        return self.route is not None


@dataclass(frozen=True)
class IntakeKey:
    """What makes a submission idempotent: the key as stored (scoped to the person who sent it,
    when a front door knows them) and a digest of the document it was sent with."""

    key: str
    digest: str


def intake_key_for(key: str | None, data: Any, actor_id: str | None) -> IntakeKey | None:
    """The stored form of a caller's key. Keys are scoped to the person (IETF
    `Idempotency-Key` draft): another person's `key-1` is another key."""
    if not key:
        return None
    scoped = sha256_hex({"person": actor_id, "key": key}) if actor_id is not None else key
    return IntakeKey(scoped, sha256_hex(_document(data)))


def submit(
    session: Session,
    data: Any,
    registry: Registry,
    *,
    intake_key: str | None = None,
    on: date | None = None,
    actor_id: str | None = None,
    refuse_in_progress: bool = False,
    announce: bool = True,
) -> Submitted:
    """Check, route and store one submission and open its first stage; or, when `intake_key`
    was used before with the same document, return that submission and store nothing. Raises a
    DfrError (nothing stored) when the document is wrong, its submitter may not submit for its
    DG, the key was used for a different document (a ValidationError), or a request with the
    same key is still being stored (an InProgressError: try again shortly).

    `actor_id` is the signed-in person when a front door knows one (the web, the API): the
    document is submitted as them, naming anyone else as its submitter is refused, and the key
    is theirs alone. `refuse_in_progress` (the JSON API) answers a key still being stored with an
    InProgressError instead of waiting for it (PostgreSQL; SQLite writers are serial).
    The notifications its log entries call for are queued in the same transaction
    (`services.announce.queue_step_notifications`): every front door gets them with the
    submission, and the follow-up run that later publishes its events and delivers finds
    them queued. `announce=False` leaves them to the follow-up (a benchmark of the domain
    alone, a test that changes the submission before telling anyone)."""
    if actor_id is not None:
        data = as_submitter(data, actor_id)
    key = intake_key_for(intake_key, data, actor_id)
    postgresql = session.get_bind().dialect.name == "postgresql"
    if key is not None and postgresql:
        _claim(session, key, wait=not refuse_in_progress)
    found = _by_key(session, key)
    if found is not None:
        return found
    directory = DirectoryLookup(session)
    # SQLite: the new ids' reading goes along with the directory's (one statement less).
    id_tables = () if postgresql else _tables_of(_ID_MODELS)
    plan = plan_submission(session, data, registry, on, directory, largest_ids=id_tables)
    logged: list[dict[str, Any]] = []  # the log entries' columns
    if key is None or not postgresql:
        # SQLite: one writer at a time (BEGIN IMMEDIATE), so nobody can store the key between
        # the look-up above and this insert.
        chunk = _store(session, [plan], directory, [key], logged)
    else:
        try:
            with session.begin_nested():
                chunk = _store(session, [plan], directory, [key], logged)
        except IntegrityError:  # another request stored the same key first
            found = _by_key(session, key)
            if found is None:
                raise
            return found
    submission_id = chunk.submissions[0]["id"]
    if announce:
        _announce(session, chunk, logged, registry, directory)
    return Submitted(submission_id, reference_for(submission_id), plan.route)


def _announce(
    session: Session,
    chunk: _Chunk,
    logged: list[dict[str, Any]],
    registry: Registry,
    directory: DirectoryLookup,
) -> None:
    """Queue the notifications of new submissions' log entries, from the rows just written
    (the submissions, their flags and pinned checklists, their obligations): none is read
    back."""
    from services.announce import queue_step_notifications  # templates: only if asked

    pinned = {
        (a["submission_id"], a["checklist_id"]): a["checklist_version"] for a in chunk.answers
    }
    flags: dict[int, list[tuple[str, str, int | None]]] = {}
    for f in chunk.flags:
        pin = pinned.get((f["submission_id"], f["checklist_id"]))
        flags.setdefault(f["submission_id"], []).append((f["flag_id"], f["checklist_id"], pin))
    actions: dict[int, list[Action]] = {}
    for o in chunk.obligations:
        actions.setdefault(o["submission_id"], []).append(Action(**o))
    queue_step_notifications(
        session,
        [audit.Appended(**entry) for entry in logged],
        [NewSubmission.of(row) for row in chunk.submissions],
        registry,
        get_settings(),
        directory=directory,
        flags=flags,
        actions=actions,
    )


def _claim(session: Session, key: IntakeKey, *, wait: bool) -> None:
    """PostgreSQL: hold the key for this transaction: wait for another transaction holding
    it, or (`wait=False`) say a request with it is still being stored (the IETF draft's 409)."""
    number = int(sha256_hex(key.key)[:16], 16) - 2**63  # a signed 64-bit advisory lock key
    if wait:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": number})
        return
    held = session.execute(
        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": number}
    ).scalar_one()
    if not held:
        raise InProgressError(
            _(
                "A submission sent with this Idempotency-Key is still being stored; try again "
                "in a moment."
            ),
            field="idempotency_key",
        )


def _document(data: Any) -> Any:
    return data.get("submission", data) if isinstance(data, Mapping) else data


def as_submitter(data: Any, actor_id: str) -> Any:
    """The document with `actor_id` as its submitter; refused if it names someone else."""
    document = _document(data)
    if not isinstance(document, Mapping):
        return data  # the document check says what is wrong with it
    named = document.get("submitter", actor_id)
    if named != actor_id:
        raise PermissionDeniedError(
            _("You can only submit as yourself, not as {person}.", person=str(named)),
            field="submitter",
        )
    return {**document, "submitter": actor_id}


def _by_key(session: Session, key: IntakeKey | None) -> Submitted | None:
    """The submission stored with this key, if any; a different document sent with the same
    key is refused (nothing is stored, the first submission is not revealed)."""
    if key is None:
        return None
    table = Submission.__table__  # type: ignore[attr-defined]
    row = session.execute(
        select(table.c.id, table.c.intake_digest).where(table.c.intake_key == key.key)
    ).one_or_none()
    if row is None:
        return None
    found, digest = int(row[0]), row[1]
    if digest is not None and digest != key.digest:
        raise ValidationError(
            _(
                "This Idempotency-Key was already used for a different submission. Send a new "
                "submission with a new key; send the same key only to retry the same submission."
            ),
            field="idempotency_key",
        )
    return Submitted(found, reference_for(found), None)


def store_plans(
    session: Session,
    plans: Sequence[SubmissionPlan],
    directory: DirectoryLookup,
    *,
    announce_with: Registry | None = None,
) -> list[int]:
    """Store planned submissions, route them and open their first stages, in the caller's
    transaction, with one executemany per table; return their ids in order. With
    `announce_with` (the checklists they were planned with), the notifications their log
    entries call for are queued in the same transaction, from the rows just written, as
    `submit` queues a single submission's."""
    logged: list[dict[str, Any]] = []  # the log entries' columns
    chunk = _store(session, plans, directory, None, logged)
    if announce_with is not None and chunk.submissions:
        _announce(session, chunk, logged, announce_with, directory)
    return [row["id"] for row in chunk.submissions]


def _store(
    session: Session,
    plans: Sequence[SubmissionPlan],
    directory: DirectoryLookup,
    intake_keys: Sequence[IntakeKey | None] | None = None,
    logged: list[dict[str, Any]] | None = None,
) -> _Chunk:
    """`store_plans`, returning the rows written."""
    keys = list(intake_keys) if intake_keys is not None else [None] * len(plans)
    if not plans:
        return _Chunk([], [], [], [], [], [])
    chunk = _rows(session, plans, directory, keys)
    _insert(session, Submission, chunk.submissions)
    _insert(session, ChecklistAnswers, chunk.answers)
    _insert(session, RaisedFlag, chunk.flags)
    _insert(session, Action, chunk.obligations)
    _insert(session, ReviewTask, chunk.tasks)
    rows = audit.append_rows(session, chunk.log)
    if logged is not None:
        logged += rows
    ids = [row["id"] for row in chunk.submissions]
    for plan, sid in zip(plans, ids, strict=True):
        if plan.service_link is not None:  # the service the document names, as its submitter's
            kind, service = plan.service_link
            set_link(session, sid, kind, service, plan.parsed.submitter)
    return chunk


# The tables a creation takes new ids in, in `_new_ids`'s order.
_ID_MODELS: tuple[type[SQLModel], ...] = (Submission, ReviewTask)


def _tables_of(models: tuple[type[SQLModel], ...]) -> tuple[Table, ...]:
    return tuple(model.__table__ for model in models)  # type: ignore[attr-defined]


def _new_ids(
    session: Session,
    wanted: Mapping[type[SQLModel], int],
    largest: tuple[int, ...] | None = None,
) -> list[list[int]]:
    """Ids for new rows, as many of each model as `wanted` says, in one statement, taken
    before inserting so rows can refer to each other. `largest`: SQLite, the tables' largest
    ids as read already in this transaction (`SubmissionPlan.largest_ids`), in their order."""
    tables = _tables_of(tuple(wanted))
    counts = list(wanted.values())
    if not any(counts):
        return [[] for _ in counts]
    if session.get_bind().dialect.name == "postgresql":
        counted = {f"count_{index}": count for index, count in enumerate(counts)}
        found: list[list[int]] = [[] for _ in counts]
        for index, new_id in driver_sql.read(session, _next_ids(tables), counted):
            found[index].append(int(new_id))
        return [sorted(ids) for ids in found]
    # SQLite: every writer holds the database's write lock from its first statement
    # (BEGIN IMMEDIATE), so nobody else can take these ids before this transaction ends.
    tops = largest if largest is not None else driver_sql.read(session, _largest_ids(tables))[0]
    return [list(range(top + 1, top + count + 1)) for top, count in zip(tops, counts, strict=True)]


@lru_cache(maxsize=16)
def _next_ids(tables: tuple[Table, ...]) -> Any:
    """PostgreSQL: `count_N` new ids from the sequence of the Nth table, each row (N, id), in
    one statement: built once for each set of tables."""
    return union_all(
        *(
            select(
                literal(index), func.nextval(func.pg_get_serial_sequence(table.name, "id"))
            ).select_from(func.generate_series(1, bindparam(f"count_{index}", type_=Integer)))
            for index, table in enumerate(tables)
        )
    )


@lru_cache(maxsize=16)
def _largest_ids(tables: tuple[Table, ...]) -> Any:
    """The largest id in each table (0 when empty), in one statement: built once for each set
    of tables (building it costs more than running it)."""
    return select(
        *(select(func.coalesce(func.max(table.c.id), 0)).scalar_subquery() for table in tables)
    )


@dataclass
class _Chunk:
    submissions: list[dict[str, Any]]
    answers: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    obligations: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    log: list[audit.NewEntry]


def _open_first(
    session: Session,
    plan: SubmissionPlan,
    task: dict[str, Any],
    now: datetime,
    directory: DirectoryLookup,
    workload: Workload,
) -> dict[str, Any]:
    """What `open_task` does to a new submission's first stage, on the row in memory."""
    stage = Stage(task["stage"])
    if stage == Stage.SERVICE_ASSESSMENT:  # routing always puts the digital-options review first
        raise ValueError("bulk intake cannot open a service assessment (it needs a panel)")
    route, parsed = plan.route, plan.parsed
    assignee = choose_assignee(
        session,
        stage,
        parsed.dg,
        route.scrutiny,
        parsed.submitter,
        plan.on,
        directory=directory,
        workload=workload,
    )
    if assignee:
        workload.assigned(assignee)
    task.update(
        status="open",
        opened_at=now,
        due_date=due_date_for(plan.on, STAGES[stage].due_working_days),
        assignee_id=assignee,
    )
    return opened_payload(
        task["id"], task["stage"], task["round"], 1, None, assignee, [], task["due_date"]
    )


def _rows(
    session: Session,
    plans: Sequence[SubmissionPlan],
    directory: DirectoryLookup,
    intake_keys: Sequence[IntakeKey | None],
) -> _Chunk:
    now = datetime.now(UTC)
    workload = Workload(session)
    submission_ids, new_task_ids = _new_ids(
        session,
        dict(zip(_ID_MODELS, (len(plans), sum(len(p.route.stages) for p in plans)), strict=True)),
        plans[0].largest_ids if len(plans) == 1 else None,
    )
    task_ids = iter(new_task_ids)
    chunk = _Chunk([], [], [], [], [], [])
    for plan, sid, key in zip(plans, submission_ids, intake_keys, strict=True):
        chunk.submissions.append(
            submission_row(plan.parsed, plan.route, plan.on, key.key if key else None)
            | {"intake_digest": key.digest if key else None}
            | {"id": sid, "created_at": now, "updated_at": now, "round": 1, "version": 1}
        )
        chunk.answers += answer_rows(sid, 1, plan.checklists, plan.answers)
        chunk.flags += flag_rows(sid, 1, plan.checklists, plan.route)
        chunk.obligations += [obligation_row(sid, o) for o in plan.route.obligations]
        chunk.log.append(
            audit.NewEntry(
                "submission.submitted", plan.parsed.submitter, sid, submitted_payload(plan)
            )
        )
        tasks = [
            row
            | {
                "id": next(task_ids),
                "attempt": 1,
                "scope": None,
                "assignee_id": None,
                "due_date": None,
                "opened_at": None,
                "closed_at": None,
            }
            for row in task_rows(sid, plan.parsed.dg, 1, plan.route, skip=set())
        ]
        if tasks:
            payload = _open_first(session, plan, tasks[0], now, directory, workload)
            chunk.log.append(audit.NewEntry("task.opened", None, sid, payload))
        chunk.tasks += tasks
    return chunk


def _insert(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    if rows:
        driver_sql.run(session, insert_into(model.__table__), rows)  # type: ignore[attr-defined]
