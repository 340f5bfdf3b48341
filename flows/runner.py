"""Start a flow from a front door: a real flow run when a Prefect API is configured
(PREFECT_API_URL), otherwise the same composition in-process without orchestration."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

R = TypeVar("R")


def prefect_configured() -> bool:
    """True when Prefect has an API to talk to (PREFECT_API_URL, or a test harness)."""
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


def run_flow(flow_obj: Any, **params: Any) -> Any:
    """Run `flow_obj` to completion and return its result. From a thread that already runs an
    event loop (a notebook, a test driving a browser through Playwright's sync API), in a
    thread of its own: `asyncio.run` refuses to start a loop inside another."""
    if prefect_configured():
        coroutine: Coroutine[Any, Any, Any] = flow_obj(**params)
    else:
        coroutine = flow_obj.fn(**params)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    context = contextvars.copy_context()  # the language chosen, Prefect's settings
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, asyncio.run, coroutine).result()
