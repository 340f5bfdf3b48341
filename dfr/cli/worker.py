"""`dfr deploy` and `dfr worker`: the production work pool and Prefect's own process worker.

A process worker starts each flow run as a new Python process in a temporary directory, with
the worker's environment. So `dfr worker` turns the relative paths in its `DFR_` settings
into absolute ones before it starts, and every flow run reads the same database and folders.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from dfr.cli.app import app, say
from dfr.errors import ValidationError
from dfr.i18n import _, _n


def require_prefect_api() -> None:
    from flows.runner import prefect_configured

    if not prefect_configured():
        raise ValidationError(
            _("Set PREFECT_API_URL to the production Prefect server's API first.")
        )


def pin_relative_paths() -> None:
    """Make the settings' relative paths absolute in this process's environment (inherited
    by every flow run the worker starts)."""
    from sqlalchemy.engine import make_url

    from dfr.settings import get_settings

    settings = get_settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        if not path.is_absolute():
            os.environ["DFR_DATABASE_URL"] = url.set(database=str(path.resolve())).render_as_string(
                hide_password=False
            )
    for name, value in (("DFR_VAR_DIR", settings.var_dir), ("DFR_OUTBOX_DIR", settings.outbox_dir)):
        os.environ[name] = str(Path(value).resolve())
    get_settings.cache_clear()


def deploy(pool: str) -> list[str]:
    """Ensure the work pool and register every deployment on it."""
    import asyncio

    from flows.work_pool import register_deployments

    require_prefect_api()
    return asyncio.run(register_deployments(pool))


def worker_command(pool: str, name: str | None, limit: int | None) -> list[str]:
    """`prefect worker start` for the pool: Prefect's own process worker."""
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool]
    command += ["--type", "process"]
    if name:
        command += ["--name", name]
    if limit:
        command += ["--limit", str(limit)]
    return command


def catch_up() -> None:
    """Request a follow-up run: whatever a killed worker left unannounced or unsent is picked
    up. The killed run itself is not re-run (the server still shows it Running): its work is
    derived from the database, so a new run does exactly what is left."""
    from flows.start import request_follow_up

    request_follow_up()


@app.command("deploy")
def deploy_cmd() -> None:
    """Create the work pool (DFR_WORK_POOL) and register every deployment on it."""
    from dfr.settings import get_settings

    pool = get_settings().work_pool
    names = deploy(pool)
    say(
        _n(
            "Work pool {pool}: {count} deployment registered.",
            "Work pool {pool}: {count} deployments registered.",
            len(names),
            pool=pool,
            count=len(names),
        )
    )


@app.command("worker")
def worker_cmd(
    name: Annotated[str | None, typer.Option("--name", help="Worker name (unique).")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Most flow runs at once (default: no limit).")
    ] = None,
) -> None:
    """Production: register the work pool and deployments, catch up on anything a stopped
    worker left, then become Prefect's process worker for the pool. Needs PREFECT_API_URL."""
    from dfr.keys import audit_key
    from dfr.settings import get_settings

    pin_relative_paths()
    audit_key(get_settings())  # refuse to start in production without DFR_AUDIT_KEY
    pool = get_settings().work_pool
    deploy(pool)
    catch_up()
    command = worker_command(pool, name, limit)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)
