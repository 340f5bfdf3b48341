"""`dfr run` (what `make run` starts) on a fresh embedded database in a folder of its own, for
the tests that watch it: none of the caller's DFR_ or PREFECT_ settings, its own ports, and a
session of its own, as a terminal gives (a signal goes to the whole group)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

DFR = [sys.executable, "-c", "from dfr.cli.main import run; run()"]


@dataclass
class DfrRun:
    process: subprocess.Popen[bytes]
    output: Path  # what it prints, stdout and stderr together
    web_port: int
    prefect_port: int

    def said(self) -> str:
        return self.output.read_text()

    def wait_until_running(self, seconds: float) -> None:
        """Until it says "Engine running" (the examples have run); fails if it stops first."""
        deadline = time.monotonic() + seconds
        while b"Engine running" not in self.output.read_bytes():
            assert self.process.poll() is None, self.said()[-2000:]
            assert time.monotonic() < deadline, self.said()[-2000:]
            time.sleep(1)


def free_ports(count: int) -> list[int]:
    """`count` different ports nothing listens on now."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def start_dfr_run(folder: Path, **settings: str) -> DfrRun:
    """`dfr init`, then `dfr run` started (not yet running: see `wait_until_running`), with
    `settings` added to its environment."""
    web_port, prefect_port = free_ports(2)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DFR_", "PREFECT_"))},
        "DFR_DATABASE_URL": f"sqlite:///{folder / 'dfr.sqlite3'}",
        "DFR_VAR_DIR": str(folder / "var"),
        "DFR_OUTBOX_DIR": str(folder / "outbox"),
        "DFR_WEB_PORT": str(web_port),
        **settings,
    }
    init = subprocess.run(
        [*DFR, "init"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert init.returncode == 0, init.stderr
    output = folder / "run.log"
    with output.open("wb") as log:
        process = subprocess.Popen(
            [*DFR, "run", "--port", str(prefect_port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return DfrRun(process, output, web_port, prefect_port)
