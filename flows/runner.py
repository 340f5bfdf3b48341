"""Start a flow from a front door: a real flow run when a Prefect API is configured
(PREFECT_API_URL), otherwise the same composition in-process without orchestration."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

R = TypeVar("R")


def prefect_configured() -> bool:
    """True when Prefect has an API to talk to (PREFECT_API_URL, or a test harness)."""
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


def run_flow(flow_obj: Any, **params: Any) -> Any:
    """Run `flow_obj` to completion and return its result."""
    if prefect_configured():
        coroutine: Coroutine[Any, Any, Any] = flow_obj(**params)
    else:
        coroutine = flow_obj.fn(**params)
    return asyncio.run(coroutine)
