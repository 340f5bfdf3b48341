"""Tasks for blocking domain work, and running them inside a flow run or as plain calls.

Why every task is async (its blocking body runs in a worker thread): our flows are async, and
a sync task inside an async flow run makes Prefect open a second, synchronous API client for
each task run. Opening a client builds a TLS context (the CA bundle parsed again, about 30 ms
here) even for a plain-http server, so a sync task run costs about as much as the rest of a
one-submission intake. An async task run reuses the flow run's client.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

P = ParamSpec("P")
R = TypeVar("R")


def blocking_task(
    name: str,
) -> Callable[[Callable[P, R]], Task[P, Coroutine[Any, Any, R]]]:
    """A Prefect task (never cached: every one has side effects) running `function` in a
    worker thread; the run context (flow run, task run) goes with it."""

    def wrap(function: Callable[P, R]) -> Task[P, Coroutine[Any, Any, R]]:
        @functools.wraps(function)
        async def in_thread(*args: P.args, **kwargs: P.kwargs) -> R:
            return await asyncio.to_thread(function, *args, **kwargs)

        made: Task[P, Coroutine[Any, Any, R]] = task(name=name, cache_policy=NO_CACHE)(in_thread)
        return made

    return wrap


async def step(task: Task[P, Coroutine[Any, Any, R]], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `task`: tracked by Prefect inside a flow run, a plain call otherwise."""
    if FlowRunContext.get() is not None:
        run: Awaitable[R] = task(*args, **kwargs)
        return await run
    return await task.fn(*args, **kwargs)


def orchestrated() -> bool:
    """True inside a Prefect flow run (then events are emitted and runs are recorded)."""
    return FlowRunContext.get() is not None
