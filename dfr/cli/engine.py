"""`dfr run`: the embedded engine — a local Prefect server under ./var/prefect, the example
submissions run through real flow runs, notifications written to the outbox folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dfr.errors import DfrError
from dfr.i18n import _
from dfr.processes import answers, stop


@contextmanager
def prefect_server(
    var_dir: Path, port: int, timeout: float = 180.0, database_url: str | None = None
) -> Iterator[str]:
    """Start `prefect server start` on loopback and yield its API URL; stop it afterwards.

    `database_url` (e.g. `postgresql+asyncpg://user@host/prefect`) puts the server's own
    database on PostgreSQL, as in production; by default it is SQLite under `var_dir`."""
    home = var_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home.resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_URL": url,
    }
    if database_url:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url
    log = (var_dir / "prefect-server.log").open("ab")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + timeout
        while not answers(f"{url}/health"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise DfrError(
                    _(
                        "The Prefect server did not start; see {log}.",
                        log=str(var_dir / "prefect-server.log"),
                    )
                )
            time.sleep(0.5)
        yield url
    finally:
        stop(server)
        log.close()
