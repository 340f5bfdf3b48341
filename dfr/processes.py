"""Child processes the engine starts (a Prefect server, the web UI): waited for until they
answer, stopped politely, then firmly."""

from __future__ import annotations

import subprocess
import urllib.request
from typing import Any


def answers(url: str) -> bool:
    """True once `url` answers 200 (a started server); False while nothing listens yet."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def stop(process: subprocess.Popen[Any], timeout: float = 20.0) -> None:
    """SIGTERM, wait up to `timeout` seconds, then SIGKILL."""
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)
