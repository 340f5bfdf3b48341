"""`dfr run` (what `make run` starts) as a newcomer sees it: the routes and outcomes of the
examples, not Prefect's INFO lines for every flow run; "Web UI" once; and SIGTERM stops it as
cleanly as Ctrl-C, the Prefect server and the web UI with it."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import pytest

from tests.dfr_run import start_dfr_run

pytestmark = [pytest.mark.slow, pytest.mark.prefect]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_dfr_run_speaks_plainly_and_stops_cleanly_on_sigterm(tmp_path: Path):
    run = start_dfr_run(tmp_path, DFR_WEB_DEMO_PASSWORD="correct-horse-battery")
    engine, web_port, prefect_port = run.process, run.web_port, run.prefect_port
    try:
        run.wait_until_running(300)
        assert _listening(web_port) and _listening(prefect_port)
        os.killpg(engine.pid, signal.SIGTERM)
        assert engine.wait(120) == 0, run.said()
    finally:
        if engine.poll() is None:
            os.killpg(engine.pid, signal.SIGKILL)
    said = run.said()
    assert said.count("Web UI:") == 1, said
    assert "Outcome:" in said and said.rstrip().endswith("Stopped."), said
    assert "| INFO" not in said and "Traceback" not in said, said
    deadline = time.monotonic() + 30
    while _listening(prefect_port) or _listening(web_port):  # stopped with it
        assert time.monotonic() < deadline, "the Prefect server or the web UI is still running"
        time.sleep(0.5)
