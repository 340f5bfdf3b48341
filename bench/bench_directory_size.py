"""A step's cost as the directory grows: the approval workload (`bench.peers`' dfr engine,
domain only) with the demo directory (A) against the same directory grown to a government's
size (B): 5,000 more staff, each a policy officer in one of the demo's DGs, and ten years of
their absence cover (20,000 delegations, none running today). Neither adds anyone a creation
or an approval could assign or be decided by: what B adds is only rows a step must not read.
`python -m bench.bench_directory_size [COUNT] [ROUNDS]`: each round makes COUNT submissions,
then approves COUNT reviews, on a fresh SQLite file and, when it is reachable, a scratch
PostgreSQL database, A and B taking turns; printed: medians of ms per creation and per
approval, wall and CPU, and B's as a ratio of A's (1.0: the step does not read the directory's
size). Nothing is asserted.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from functools import partial

from sqlalchemy import insert, select

from bench.ab import Figures, interleaved, print_medians
from bench.peers.dfr_engine import Dfr
from bench.scratch import POSTGRESQL, SQLITE, postgresql_reachable, scratch_database
from models.db import dispose_engine, refresh_statistics
from models.directory import Delegation, Directorate, Person, RoleAssignment
from models.lifecycle import Role

STAFF = 5_000
DELEGATIONS = 20_000
YEARS = 10


def grow(dfr: Dfr) -> None:
    """Add `STAFF` policy officers across the DGs and `DELEGATIONS` past delegations among
    them (two weeks each, ended before today)."""
    people = Person.__table__  # type: ignore[attr-defined]
    roles = RoleAssignment.__table__  # type: ignore[attr-defined]
    cover = Delegation.__table__  # type: ignore[attr-defined]
    chance = random.Random(17)
    with dfr.engine.begin() as connection:
        dgs = sorted(connection.scalars(select(Directorate.__table__.c.code)))  # type: ignore[attr-defined]
        staff = [f"staff.{n:05d}" for n in range(STAFF)]
        connection.execute(
            insert(people),
            [
                {"id": s, "name": f"Staff {s}", "email": f"{s}@example.org", "language": "en"}
                for s in staff
            ],
        )
        connection.execute(
            insert(roles),
            [
                {"person_id": s, "role": Role.POLICY_OFFICER.value, "dg_code": dgs[n % len(dgs)]}
                for n, s in enumerate(staff)
            ],
        )
        first = date.today() - timedelta(days=365 * YEARS)
        rows = []
        for _ in range(DELEGATIONS):
            away, covering = chance.sample(staff, 2)
            starts = first + timedelta(days=chance.randrange(365 * YEARS - 30))
            rows.append(
                {
                    "person_id": away,
                    "delegate_id": covering,
                    "starts_on": starts,
                    "ends_on": starts + timedelta(days=13),
                    "reason": "Annual leave",
                }
            )
        connection.execute(insert(cover), rows)


def settle(dfr: Dfr) -> None:
    """Fresh statistics, as `dfr web` refreshes SQLite's and autovacuum PostgreSQL's."""
    refresh_statistics(dfr.engine)
    if dfr.engine.dialect.name == "postgresql":
        with dfr.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")


def _round(database: str, count: int, grown: bool) -> Figures:
    with scratch_database(database) as url:
        dfr = Dfr(url, notifications=False)
        if grown:
            grow(dfr)
        settle(dfr)
        for index in range(20):  # warm: the statements compiled, the caches filled
            dfr.create(index)
        figures: list[float] = []
        started, cpu = time.perf_counter(), time.process_time()
        for index in range(count):
            dfr.create(index)
        figures += [(time.perf_counter() - started) / count, (time.process_time() - cpu) / count]
        reviews = list(dfr.open_reviews())[:count]
        started, cpu = time.perf_counter(), time.process_time()
        for review in reviews:
            dfr.approve(review)
        done = max(len(reviews), 1)
        figures += [(time.perf_counter() - started) / done, (time.process_time() - cpu) / done]
        dispose_engine(url)
    return tuple(f * 1000 for f in figures)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else 500
    rounds = int(args[1]) if len(args) > 1 else 5
    names = ("create ms", "create CPU ms", "approve ms", "approve CPU ms")
    databases = [SQLITE] + ([POSTGRESQL] if postgresql_reachable() else [])
    for database in databases:
        print(
            f"{database}: {count} creations then {count} approvals, medians of {rounds} rounds; "
            f"A: the demo directory, B: with {STAFF:,} more staff and {DELEGATIONS:,} past "
            "delegations"
        )
        a, b = interleaved(
            rounds, partial(_round, database, count, False), partial(_round, database, count, True)
        )
        print_medians(names, a, b, "A", "B")


if __name__ == "__main__":
    main()
