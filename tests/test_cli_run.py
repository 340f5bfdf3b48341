"""`dfr run` (what `make run` starts) as a newcomer sees it: the routes and outcomes of the
examples, not Prefect's INFO lines for every flow run; "Web UI" once; and SIGTERM stops it as
cleanly as Ctrl-C, the Prefect server and the web UI with it."""

from __future__ import annotations

import os
import re
import signal
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.dfr_run import start_dfr_run

pytestmark = [pytest.mark.slow, pytest.mark.prefect]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_dfr_run_runs_the_examples_serves_the_web_ui_and_stops_cleanly_on_sigterm(tmp_path: Path):
    """What `make run` does, on a fresh embedded database: the examples through real flow runs,
    then the web UI, signed in to with the password it prints; SIGTERM (handled as Ctrl-C is)
    stops the web UI and the Prefect server with it. One run for all of it: each takes a
    minute."""
    run = start_dfr_run(tmp_path)
    engine, web_port, prefect_port = run.process, run.web_port, run.prefect_port
    try:
        run.wait_until_running(600)
        printed = run.said()
        assert f"Prefect server: http://127.0.0.1:{prefect_port}/api" in printed
        assert printed.count("Outcome:") >= 8
        assert len(list((tmp_path / "outbox").glob("*.md"))) > 20
        assert f"Web UI: http://127.0.0.1:{web_port}" in printed
        password = re.search(r"with the password (\S+) ", printed)
        assert password is not None
        with httpx.Client(base_url=f"http://127.0.0.1:{web_port}", timeout=30) as client:
            page = client.get("/sign-in").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert token is not None
            signed_in = client.post(
                "/sign-in",
                data={
                    "csrf_token": token.group(1),
                    "person": "iwan.parry",
                    "password": password.group(1),
                },
                follow_redirects=True,
            )
            assert signed_in.status_code == 200 and signed_in.url.path == "/work"
            assert "DFR-000" in signed_in.text  # the examples are there to see
        assert _listening(web_port) and _listening(prefect_port)
        os.killpg(engine.pid, signal.SIGTERM)
        assert engine.wait(120) == 0, run.said()
    finally:
        if engine.poll() is None:
            os.killpg(engine.pid, signal.SIGKILL)
            engine.wait(30)
    said = run.said()
    assert said.count("Web UI:") == 1, said
    assert said.rstrip().endswith("Stopped."), said
    assert "| INFO" not in said and "Traceback" not in said, said
    deadline = time.monotonic() + 30
    while _listening(prefect_port) or _listening(web_port):  # stopped with it
        assert time.monotonic() < deadline, "the Prefect server or the web UI is still running"
        time.sleep(0.5)
