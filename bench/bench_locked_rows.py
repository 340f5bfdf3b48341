"""A decision's locked read (`services.decide._locked`) as columns on the driver, its objects
made from them (`models.row_objects`, B), against the same query loading `Submission` and
`ReviewTask` entities through the ORM (A, as it was), in one process:
`python -m bench.bench_locked_rows [COUNT] [ROUNDS]`. Each round makes COUNT submissions, then
approves COUNT reviews (bench.peers' dfr engine, notifications queued) on a fresh SQLite file
and, when it is reachable, a scratch PostgreSQL database, A and B taking turns; printed:
medians of ms per approval, wall and CPU. Nothing is asserted.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, and_, col, select

from bench.ab import interleaved, print_medians
from bench.peers.dfr_engine import Dfr
from bench.scratch import POSTGRESQL, SQLITE, postgresql_reachable, scratch_database
from models.action_lifecycle import OUTSTANDING
from models.db import any_of
from models.directory import Person
from models.directory_lookup import DirectoryLookup, PersonRow, person_columns
from models.review import Action, ReviewTask
from models.submission import RaisedFlag, Submission
from services import decide
from services.access import decider_from, with_decider
from services.intake import locked_submission
from services.register_proposals import builds_new_service
from services.stages import remaining_tasks

Locked = Callable[..., Any]
ON_DRIVER: Locked = decide._locked
FIGURES = ("approval wall", "approval CPU")


def through_orm(
    session: Session, submission_id: int, actor_id: str, on: date, directory: DirectoryLookup
) -> Any:
    """`_locked` as it was: the ORM loads the submission and its reviews as entities."""
    together = session.get_bind().dialect.name == "sqlite"
    params = {"submission_id": submission_id, "decider_id": actor_id, "on": on}
    rows = session.execute(_orm_query(together), params).all()
    if not rows:
        locked_submission(session, submission_id)
    first = rows[0]
    if first[4] is not None:
        directory.know_people([PersonRow(*first[4:9])])
    if together:
        by_id = {row[9].id: row[9] for row in rows if row[9] is not None}
        remaining = list(by_id.values())
    else:
        remaining = remaining_tasks(session, submission_id)
    return decide._Locked(
        first[0],
        bool(first[1]),
        bool(first[2]),
        bool(first[3]),
        remaining,
        decider_from(actor_id, rows, 10 if together else 9, directory),
    )


@cache
def _orm_query(together: bool) -> Any:
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
    query = (
        sa_select(Submission, outstanding, flagged, builds_new_service(), *person_columns(Person))
        .outerjoin(Person, col(Person.id) == col(Submission.submitter_id))
        .where(col(Submission.id) == bindparam("submission_id", type_=Integer))
        .with_for_update(of=Submission)
        .execution_options(populate_existing=True)
    )
    if together:
        remaining = and_(
            col(ReviewTask.submission_id) == col(Submission.id),
            any_of(col(ReviewTask.status), ("open", "pending")),
        )
        query = (
            query.add_columns(ReviewTask)
            .outerjoin(ReviewTask, remaining)
            .order_by(col(ReviewTask.position))
        )
    return with_decider(query, col(Submission.dg_code))


def _round(kind: str, locked: Locked, count: int) -> tuple[float, ...]:
    with scratch_database(kind) as url:
        dfr = Dfr(url, notifications=True)
        for index in range(count + 1):
            dfr.create(index)
        decide._locked = locked
        try:
            dfr.approve(dfr.open_reviews()[0])  # warm: statements compiled, caches filled
            reviews = dfr.open_reviews()[:count]
            wall, cpu = time.perf_counter(), time.process_time()
            for review in reviews:
                dfr.approve(review)
            approved = time.perf_counter() - wall, time.process_time() - cpu
        finally:
            decide._locked = ON_DRIVER
        dfr.engine.dispose()
    return tuple(s * 1e3 / len(reviews) for s in approved)


def measure(kind: str, count: int, rounds: int) -> None:
    a, b = interleaved(
        rounds,
        lambda: _round(kind, through_orm, count),
        lambda: _round(kind, ON_DRIVER, count),
    )
    print(f"{kind}, {count} approvals, medians of {rounds} rounds (ms per approval)")
    print_medians(FIGURES, a, b, "ORM", "driver")


def main() -> None:
    os.environ.setdefault("DFR_AUDIT_KEY", "bench-locked-rows")
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    measure(SQLITE, count, rounds)
    if postgresql_reachable():
        measure(POSTGRESQL, count, rounds)


if __name__ == "__main__":
    main()
