"""The production topology end to end: 200 submissions through the front door from 8 threads,
until every one is routed, announced and every notification delivered, with 1 and with 2
`dfr worker` processes (a real Prefect server and the application on PostgreSQL, Slack as a
local fake). Reports submissions per second, end to end, and the ratio 2 workers / 1 worker.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from harness.production import distinct_submissions, production_stack, submit_concurrently

COUNT = int(os.environ.get("DFR_BENCH_PRODUCTION", "200"))


def _rate(workers: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder, production_stack(Path(folder), workers) as stack:
        submit_concurrently(distinct_submissions(4, "warm"))  # workers up, code imported
        stack.settle()
        started = time.perf_counter()
        submit_concurrently(distinct_submissions(COUNT, "timed"))
        stack.settle()
        elapsed = time.perf_counter() - started
        return COUNT / elapsed, len(stack.follow_up_runs()) - 1


def main() -> None:
    one, runs_one = _rate(1)
    two, runs_two = _rate(2)
    print(f"{COUNT} submissions end to end, 1 worker:  {one:7.1f} per second ({runs_one} runs)")
    print(f"{COUNT} submissions end to end, 2 workers: {two:7.1f} per second ({runs_two} runs)")
    print(f"ratio 2 workers / 1 worker: {two / one:.2f}")


if __name__ == "__main__":
    main()
