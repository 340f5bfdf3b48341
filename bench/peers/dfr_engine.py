"""The approval in dfr, through its services: `services.submit.submit` for a creation and
`services.decide.record_decision` for an approval, each in one transaction (`session_scope`),
as the CLI and the web do. Domain only: no Prefect. With `notifications`, each step also queues
the notifications its log entries call for, in the same transaction (`announce=True`:
`services.announce.queue_step_notifications`); nothing is delivered.

The submissions are the examples' policy with no digital service (a digital-options review
only) and procurement below the threshold (then a category review), submitted in turn; each
review is approved by whoever it is assigned to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import event
from sqlmodel import col, func, select

from bench.fixtures import load_demo_directory, procurement_document, submission_document
from bench.peers.workload import StatementCounter, kind_of
from checklists.loader import registry
from models.db import engine_for, session_scope
from models.migrate import upgrade
from models.review import Decision, ReviewTask
from models.submission import Submission
from services.decide import DecisionRequest, record_decision
from services.submit import submit

Review = tuple[int, str, str]  # submission id, stage, assignee


class Dfr:
    """The workload in dfr; a review is (submission id, stage, assignee)."""

    def __init__(self, url: str, *, notifications: bool) -> None:
        upgrade(url)
        self.engine = engine_for(url)
        load_demo_directory(self.engine)
        self.notifications = notifications
        self.registry = registry()
        self.documents = {
            "initiative": submission_document(),
            "procurement": procurement_document(),
        }
        self.counter = StatementCounter()
        event.listen(self.engine, "before_cursor_execute", self._count)

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.counter.see(statement)

    def create(self, index: int) -> None:
        with session_scope(self.engine) as session:
            submit(
                session,
                self.documents[kind_of(index)],
                self.registry,
                announce=self.notifications,
            )

    def open_reviews(self) -> Sequence[Review]:
        with session_scope(self.engine, read_only=True) as session:
            rows = session.exec(
                select(ReviewTask.submission_id, ReviewTask.stage, ReviewTask.assignee_id)
                .where(ReviewTask.status == "open")
                .order_by(col(ReviewTask.id))
            ).all()
        return [(sid, stage, assignee or "") for sid, stage, assignee in rows]

    def approve(self, review: Review) -> None:
        submission_id, stage, assignee = review
        request = DecisionRequest(
            submission_id=submission_id,
            stage=stage,
            outcome="approve",
            rationale="Digital options considered; approved.",
            actor_id=assignee,
        )
        with session_scope(self.engine) as session:
            record_decision(session, request, self.registry, announce=self.notifications)

    def finished(self) -> tuple[int, int]:
        with session_scope(self.engine, read_only=True) as session:
            done = session.exec(select(func.count()).where(Submission.state == "approved")).one()
            approvals = session.exec(
                select(func.count()).where(Decision.outcome == "approve")
            ).one()
        return done, approvals
