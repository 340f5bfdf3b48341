"""The workload every engine runs, and how it is measured.

Every submission gets a first review; every other one is a procurement, which then gets a
category review. Each step (a creation, an approval) is one transaction, persisted before the
next begins. Creations are timed, then the approvals, one pass per stage; finding the open
reviews between passes (a reviewer's queue) is neither timed nor counted.

Statements are the data statements an engine sends to its database (reads: SELECT and WITH;
writes: everything else); transaction control (BEGIN, SAVEPOINT, RELEASE, COMMIT) is not
counted, so that drivers that send it as a statement and drivers that do not compare alike.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

REVIEWER = "reviewer"
_CONTROL = frozenset({"BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK", "END"})
_READS = frozenset({"SELECT", "WITH", "VALUES"})
_PASSES = 3  # more passes than stages means an engine left a review open
Review = TypeVar("Review")


def kind_of(index: int) -> str:
    """Every other submission is a procurement."""
    return "procurement" if index % 2 else "initiative"


def approvals_for(count: int) -> int:
    """How many approvals `count` submissions take: one each, and one more per procurement."""
    return count + count // 2


@dataclass
class Tally:
    reads: int = 0
    writes: int = 0

    @property
    def statements(self) -> int:
        return self.reads + self.writes


class StatementCounter:
    """Counts the statements an engine sends, as reads and writes."""

    def __init__(self) -> None:
        self.tally = Tally()

    def see(self, statement: str) -> None:
        words = statement.split(None, 1)
        word = words[0].upper() if words else ""
        if word in _CONTROL:
            return
        if word in _READS:
            self.tally.reads += 1
        else:
            self.tally.writes += 1

    def take(self) -> Tally:
        """What was counted since the last take."""
        taken, self.tally = self.tally, Tally()
        return taken


class Engine(Protocol[Review]):
    """One engine running the workload on its own database."""

    counter: StatementCounter

    def create(self, index: int) -> None:
        """Start submission `index` (its kind from `kind_of`) and open its first review."""

    def open_reviews(self) -> Sequence[Review]:
        """Every review now open, as whatever `approve` needs to decide it."""
        ...

    def approve(self, review: Review) -> None:
        """Approve one open review: close it, then open the next one or finish."""

    def finished(self) -> tuple[int, int]:
        """How many submissions are finished (approved), and how many approvals are stored."""
        ...


@dataclass
class Measurement:
    """Wall-clock and CPU seconds (this process's: on PostgreSQL the server's are not in
    them) of the creations and of the approvals, and the statements each sent."""

    count: int
    create_seconds: float
    create_cpu_seconds: float
    approvals: int
    approve_seconds: float
    approve_cpu_seconds: float
    create_statements: Tally
    approve_statements: Tally


def measure(engine: Engine[Review], count: int) -> Measurement:
    """Run the workload for `count` submissions; raise unless every one ends approved."""
    engine.counter.take()
    started, cpu = time.perf_counter(), time.process_time()
    for index in range(count):
        engine.create(index)
    create_seconds = time.perf_counter() - started
    create_cpu_seconds = time.process_time() - cpu
    create_statements = engine.counter.take()
    approvals, approve_seconds, approve_cpu_seconds, approve_statements = 0, 0.0, 0.0, Tally()
    for _pass in range(_PASSES):
        reviews = engine.open_reviews()
        if not reviews:
            break
        engine.counter.take()
        started, cpu = time.perf_counter(), time.process_time()
        for review in reviews:
            engine.approve(review)
        approve_seconds += time.perf_counter() - started
        approve_cpu_seconds += time.process_time() - cpu
        counted = engine.counter.take()
        approve_statements.reads += counted.reads
        approve_statements.writes += counted.writes
        approvals += len(reviews)
    done, stored = engine.finished()
    if (done, stored) != (count, approvals_for(count)):
        raise RuntimeError(
            f"expected {count} approved submissions and {approvals_for(count)} approvals, "
            f"found {done} and {stored}"
        )
    return Measurement(
        count,
        create_seconds,
        create_cpu_seconds,
        approvals,
        approve_seconds,
        approve_cpu_seconds,
        create_statements,
        approve_statements,
    )
