"""The hot statements of a creation and an approval on the driver (`models.driver_sql`, B)
against the same statements through SQLAlchemy's `Connection.execute` (A), in one process:
`python -m bench.bench_driver_sql [COUNT] [ROUNDS]`. Each round runs COUNT creations and then
COUNT approvals (bench.peers' dfr engine, domain only) on a fresh SQLite file and, when it is
reachable, a scratch PostgreSQL database, A and B taking turns; printed: medians of ms per
step, wall and CPU. Nothing is asserted.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.sql import ClauseElement
from sqlmodel import Session

from bench.ab import interleaved, print_medians
from bench.peers.dfr_engine import Dfr
from bench.scratch import POSTGRESQL, SQLITE, postgresql_reachable, scratch_database
from models import driver_sql

Run = Callable[..., driver_sql.Ran]
ON_DRIVER: Run = driver_sql.run
FIGURES = ("creation wall", "creation CPU", "approval wall", "approval CPU")


def through_sqlalchemy(
    session: Session,
    statement: ClauseElement,
    params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> driver_sql.Ran:
    """`driver_sql.run` as the statements ran before it: `Connection.execute` per statement."""
    result = session.connection().execute(statement, params)  # type: ignore[call-overload]
    rows = list(result) if result.returns_rows else []
    single_insert = result.context.isinsert and not result.context.executemany
    new_id = result.inserted_primary_key[0] if single_insert and not rows else None
    return driver_sql.Ran(rows, new_id)


def _round(kind: str, run: Run, count: int) -> tuple[float, ...]:
    driver_sql.run = run
    try:
        with scratch_database(kind) as url:
            dfr = Dfr(url, notifications=False)
            dfr.create(0)
            dfr.approve(dfr.open_reviews()[0])  # warm: statements compiled, caches filled
            wall, cpu = time.perf_counter(), time.process_time()
            for index in range(1, count + 1):
                dfr.create(index)
            created = time.perf_counter() - wall, time.process_time() - cpu
            reviews = dfr.open_reviews()[:count]
            wall, cpu = time.perf_counter(), time.process_time()
            for review in reviews:
                dfr.approve(review)
            approved = time.perf_counter() - wall, time.process_time() - cpu
            dfr.engine.dispose()
    finally:
        driver_sql.run = ON_DRIVER
    return tuple(s * 1e3 / count for s in created) + tuple(s * 1e3 / len(reviews) for s in approved)


def measure(kind: str, count: int, rounds: int) -> None:
    a, b = interleaved(
        rounds,
        lambda: _round(kind, through_sqlalchemy, count),
        lambda: _round(kind, ON_DRIVER, count),
    )
    print(f"{kind}, {count} creations and approvals, medians of {rounds} rounds (ms per step)")
    print_medians(FIGURES, a, b, "SQLAlchemy", "driver")


def main() -> None:
    os.environ.setdefault("DFR_AUDIT_KEY", "bench-driver-sql")
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    measure(SQLITE, count, rounds)
    if postgresql_reachable():
        measure(POSTGRESQL, count, rounds)


if __name__ == "__main__":
    main()
