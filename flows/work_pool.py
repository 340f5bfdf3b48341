"""The production work pool: make sure it and its deployments exist (`dfr deploy`, and
`dfr worker` at start). Idempotent: running it again updates the deployments in place."""

from __future__ import annotations

from contextlib import suppress

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

from flows.deployments import pool_deployments


async def ensure_work_pool(pool: str) -> None:
    """Create the process work pool `pool` unless it exists."""
    async with get_client() as client:
        try:
            await client.read_work_pool(pool)
            return
        except ObjectNotFound:
            pass
        with suppress(ObjectAlreadyExists):  # another worker created it first
            await client.create_work_pool(WorkPoolCreate(name=pool, type="process"))


async def register_deployments(pool: str) -> list[str]:
    """Ensure the pool, then register every deployment on it; return their names."""
    await ensure_work_pool(pool)
    names = []
    for deployment in await pool_deployments(pool):
        await deployment.aapply()
        names.append(f"{deployment.flow_name}/{deployment.name}")
    return names
