"""Run a task as a Prefect task inside a flow run, or as a plain call outside one."""

from __future__ import annotations

from typing import Any, TypeVar

from prefect import Task
from prefect.context import FlowRunContext

R = TypeVar("R")


def step(task: Task[Any, R], *args: Any, **kwargs: Any) -> R:
    """Call `task`: tracked by Prefect inside a flow run, a plain function call otherwise."""
    if FlowRunContext.get() is not None:
        result: R = task(*args, **kwargs)
        return result
    return task.fn(*args, **kwargs)


def orchestrated() -> bool:
    """True inside a Prefect flow run (then events are emitted and runs are recorded)."""
    return FlowRunContext.get() is not None
