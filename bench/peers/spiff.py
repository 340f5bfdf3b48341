"""The approval in SpiffWorkflow 3 (`approval.bpmn`: two user tasks and an exclusive gateway).

Each step loads the workflow's JSON (`BpmnWorkflowSerializer`, the spec included, as the
library serialises by default) from its row in SQLite, runs the ready user task and the engine
steps after it, and writes the JSON back, in one transaction. The storage is this module's own
code with the `sqlite3` module, set up as dfr's connections are (WAL, busy timeout, BEGIN
IMMEDIATE); the statements counted are the ones it sends.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState

from bench.peers.workload import REVIEWER, StatementCounter, kind_of

PROCESS = Path(__file__).with_name("approval.bpmn")
_SCHEMA = """CREATE TABLE IF NOT EXISTS workflow (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    serialization TEXT NOT NULL
)"""


class Spiff:
    """The workload in SpiffWorkflow; a review is a workflow id."""

    def __init__(self, path: str) -> None:
        parser = BpmnParser()
        parser.add_bpmn_file(str(PROCESS))
        self.spec = parser.get_spec("approval")
        self.serializer = BpmnWorkflowSerializer()
        self.db = sqlite3.connect(path, timeout=10, isolation_level=None)
        for pragma in ("journal_mode=WAL", "busy_timeout=10000", "foreign_keys=ON"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute(_SCHEMA)
        self.counter = StatementCounter()

    def _execute(self, statement: str, parameters: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        self.counter.see(statement)
        return self.db.execute(statement, parameters)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._execute("ROLLBACK")
            raise
        self._execute("COMMIT")

    def create(self, index: int) -> None:
        workflow = BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        (first,) = workflow.get_tasks(state=TaskState.READY, manual=True)
        first.data["kind"] = kind_of(index)
        with self._transaction():
            self._execute(
                "INSERT INTO workflow (kind, state, serialization) VALUES (?, 'in_review', ?)",
                (kind_of(index), self.serializer.serialize_json(workflow)),
            )

    def open_reviews(self) -> Sequence[int]:
        rows = self.db.execute("SELECT id FROM workflow WHERE state = 'in_review' ORDER BY id")
        return [row[0] for row in rows]

    def approve(self, review: int) -> None:
        with self._transaction():
            (stored,) = self._execute(
                "SELECT serialization FROM workflow WHERE id = ?", (review,)
            ).fetchone()
            workflow = self.serializer.deserialize_json(stored)
            (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
            task.data[task.task_spec.name] = {"outcome": "approve", "by": REVIEWER}
            task.run()
            workflow.do_engine_steps()
            state = "approved" if workflow.is_completed() else "in_review"
            self._execute(
                "UPDATE workflow SET state = ?, serialization = ? WHERE id = ?",
                (state, self.serializer.serialize_json(workflow), review),
            )

    def finished(self) -> tuple[int, int]:
        done = 0
        approvals = 0
        for state, stored in self.db.execute("SELECT state, serialization FROM workflow"):
            workflow = self.serializer.deserialize_json(stored)
            done += state == "approved" and workflow.is_completed()
            approvals += sum(
                1 for task in workflow.get_tasks(state=TaskState.COMPLETED, manual=True)
            )
        return done, approvals
