"""The approval in django-viewflow 2 (`viewflow_app/flows.py`), driven without HTTP.

Django is configured in this process with a SQLite file set up as dfr's is (WAL, busy timeout,
foreign keys, immediate transactions) and migrated at setup. A creation runs the flow's
`StartHandle` in one transaction; an approval does what viewflow's task view does for a POST,
under the flow's lock in one transaction: load the task and its process, check that the user
may execute it, start it, save the decision in the process data and execute it (which
completes the task and activates the next node). Statements are counted with Django's
`connection.execute_wrapper`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any

import django
from django.conf import settings

from bench.peers.workload import REVIEWER, StatementCounter, kind_of


def _configure(path: str) -> None:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only",
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "viewflow",
            "viewflow.workflow",
            "bench.peers.viewflow_app",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": path,
                "OPTIONS": {
                    "timeout": 10,
                    "transaction_mode": "IMMEDIATE",
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
                },
            }
        },
    )
    django.setup()


class Viewflow:
    """The workload in viewflow; a review is (process id, task id)."""

    def __init__(self, path: str) -> None:
        _configure(path)
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.db import connection, transaction

        from bench.peers.viewflow_app.flows import ApprovalFlow

        call_command("migrate", verbosity=0)
        self.reviewer = User.objects.create(username=REVIEWER)
        self.flow, self.atomic = ApprovalFlow, transaction.atomic
        self.counter = StatementCounter()
        # Counting lasts as long as the engine: the process ends with it.
        self._counting = ExitStack()
        self._counting.enter_context(connection.execute_wrapper(self._count))

    def _count(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        self.counter.see(sql)
        return execute(sql, params, many, context)

    def create(self, index: int) -> None:
        with self.atomic():
            self.flow.start.run(_process_data={"kind": kind_of(index)})

    def open_reviews(self) -> Sequence[tuple[int, int]]:
        from viewflow.workflow.status import STATUS

        tasks = self.flow.task_class.objects.filter(
            flow_task_type="HUMAN", status=STATUS.ASSIGNED
        ).order_by("pk")
        return list(tasks.values_list("process_id", "pk"))

    def approve(self, review: tuple[int, int]) -> None:
        process_pk, task_pk = review
        with self.flow.lock(process_pk), self.atomic():
            task = self.flow.task_class.objects.get(pk=task_pk)
            if task.process.flow_class is not self.flow:
                raise LookupError(f"task {task_pk} is not an approval")
            flow_task = task.flow_task
            if not flow_task.can_execute(self.reviewer, task):
                raise PermissionError(f"{REVIEWER} may not execute task {task_pk}")
            activation = flow_task.activation_class(task)
            activation.start(None)
            task.process.data[flow_task.name] = {"outcome": "approve", "by": REVIEWER}
            task.process.save()
            activation.execute()

    def finished(self) -> tuple[int, int]:
        from viewflow.workflow.status import PROCESS, STATUS

        done = self.flow.process_class.objects.filter(status=PROCESS.DONE).count()
        approvals = self.flow.task_class.objects.filter(
            flow_task_type="HUMAN", status=STATUS.DONE
        ).count()
        return done, approvals
