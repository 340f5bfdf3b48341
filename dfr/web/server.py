"""Run the web UI with uvicorn: `dfr web` (production, behind a reverse proxy) and `dfr run`."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from dfr.errors import DfrError
from dfr.i18n import _
from dfr.processes import answers, stop
from dfr.settings import Settings
from dfr.web.app import create_app
from dfr.web.auth import demo_password
from services.sign_in import refuse_demo_on_network, refuse_weak_demo_password


def check_start(settings: Settings) -> None:
    """Refuse, before anything listens, to serve demo sign-in on the network (unless allowed)
    or with a short password."""
    refuse_demo_on_network(settings)
    if settings.web_auth == "demo":
        refuse_weak_demo_password(demo_password(settings))


def log_config() -> dict[str, Any]:
    """uvicorn's own logging, plus the application's `dfr.` loggers at INFO on stderr, each
    record with its request id (the response's X-Request-Id)."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config.setdefault("filters", {})["request_id"] = {"()": "dfr.request_id.RequestIdFilter"}
    config["formatters"]["dfr"] = {
        "format": "%(asctime)s %(levelname)s %(name)s [request %(request_id)s] %(message)s"
    }
    config["handlers"]["dfr"] = {
        "class": "logging.StreamHandler",
        "formatter": "dfr",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["dfr"] = {"handlers": ["dfr"], "level": "INFO", "propagate": False}
    return config


def _options(settings: Settings) -> dict[str, Any]:
    return {
        "log_config": log_config(),
        "host": settings.web_host,
        "port": settings.web_port,
        "log_level": "warning",
        "proxy_headers": settings.web_auth == "header",
        "server_header": False,
        "lifespan": "off",
    }


def serve_web(settings: Settings) -> None:
    """Serve until stopped (Ctrl-C), in DFR_WEB_WORKERS processes."""
    check_start(settings)
    if settings.web_workers == 1:
        uvicorn.Server(uvicorn.Config(create_app(settings), **_options(settings))).run()
    else:  # each worker process builds its own app
        uvicorn.run(
            "dfr.web.app:create_app",
            factory=True,
            workers=settings.web_workers,
            **_options(settings),
        )


@contextmanager
def web_process(settings: Settings, env: dict[str, str], timeout: float = 60.0) -> Iterator[str]:
    """`dfr web` in a child process (its own Prefect settings) while the caller does other
    work; yield the site's address once it answers, stop it afterwards."""
    site = f"http://{settings.web_host}:{settings.web_port}"
    child = subprocess.Popen(
        [sys.executable, "-c", "from dfr.cli.main import run; run()", "web"],
        env={**os.environ, **env},
        start_new_session=True,  # stopped by its parent, after the parent's own work
    )
    try:
        deadline = time.monotonic() + timeout
        while not answers(f"{site}/sign-in"):
            if child.poll() is not None or time.monotonic() > deadline:
                raise DfrError(
                    _(
                        "The web UI could not start on {host}:{port}; is the port in use? Set "
                        "DFR_WEB_PORT to another port.",
                        host=settings.web_host,
                        port=settings.web_port,
                    )
                )
            time.sleep(0.2)
        yield site
    finally:
        stop(child)
