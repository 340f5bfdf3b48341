"""`dfr run` (what `make run` starts) as a newcomer sees it: the routes and outcomes of the
examples, not Prefect's INFO lines for every flow run; "Web UI" once; and SIGTERM stops it as
cleanly as Ctrl-C, the Prefect server and the web UI with it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.prefect]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_dfr_run_speaks_plainly_and_stops_cleanly_on_sigterm(tmp_path: Path):
    web_port, prefect_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "DFR_DATABASE_URL": f"sqlite:///{tmp_path / 'dfr.sqlite3'}",
        "DFR_VAR_DIR": str(tmp_path / "var"),
        "DFR_OUTBOX_DIR": str(tmp_path / "outbox"),
        "DFR_WEB_PORT": str(web_port),
        "DFR_WEB_DEMO_PASSWORD": "correct-horse-battery",
    }
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", None)
    dfr = [sys.executable, "-c", "from dfr.cli.main import run; run()"]
    subprocess.run([*dfr, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
    output = tmp_path / "run.log"
    with output.open("wb") as log:
        # A session of its own, as a terminal gives: the signal goes to the whole group.
        engine = subprocess.Popen(
            [*dfr, "run", "--port", str(prefect_port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 300
            while b"Engine running" not in output.read_bytes():
                assert engine.poll() is None, output.read_text()
                assert time.monotonic() < deadline, output.read_text()
                time.sleep(1)
            assert _listening(web_port) and _listening(prefect_port)
            os.killpg(engine.pid, signal.SIGTERM)
            assert engine.wait(120) == 0, output.read_text()
        finally:
            if engine.poll() is None:
                os.killpg(engine.pid, signal.SIGKILL)
    said = output.read_text()
    assert said.count("Web UI:") == 1, said
    assert "Outcome:" in said and said.rstrip().endswith("Stopped."), said
    assert "| INFO" not in said and "Traceback" not in said, said
    deadline = time.monotonic() + 30
    while _listening(prefect_port) or _listening(web_port):  # stopped with it
        assert time.monotonic() < deadline, "the Prefect server or the web UI is still running"
        time.sleep(0.5)
