"""Orchestration overhead and bulk intake, under a real (test-harness) Prefect server.

1. Overhead: median wall time of the `intake` flow for one submission (warm), against a bare
   async no-op Prefect flow in the same process. Targets: ratio ≤ 1.5, median ≤ 150 ms.
2. Bulk: 10,000 submissions through `intake_many` in one flow run on SQLite, against a plain
   SQLModel insert of the same submission and answer rows. Target ≥ 1,000 per second.
   Reported twice: until every submission is stored, routed, assigned and its notifications
   queued (from the run's start to its last notification row), and for the whole run, which then
   publishes the 20,000 events at the pace the Prefect server stores them. The bench then
   counts the events the server stored: a dropped event shows as a shortfall.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prefect import flow
from sqlmodel import func, select

from bench.baseline import insert_plain
from dfr.settings import get_settings
from models.db import dispose_engine, engine_for, session_scope
from models.migrate import upgrade
from models.notification import Notification

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.fixtures import load_demo_directory, submission_document

WARM, TIMED = 3, 30
BULK = int(os.environ.get("DFR_BENCH_BULK", "10000"))


@flow(name="bench-noop", persist_result=False)
async def noop() -> int:
    return 1


def _medians_ms(runs: list[Any], count: int) -> list[float]:
    """Median wall time of each run, taken in turns so that both see the machine alike."""
    times: list[list[float]] = [[] for _ in runs]
    for index in range(count):
        for run, taken in zip(runs, times, strict=True):
            started = time.perf_counter()
            run(index)
            taken.append((time.perf_counter() - started) * 1000)
    return [statistics.median(taken) for taken in times]


def _baseline_insert(url: str, items: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    with session_scope(engine_for(url)) as session:
        for data in items:
            insert_plain(session, data)
    return len(items) / (time.perf_counter() - started)


def _stored_by(url: str) -> datetime:
    """When the last submission's notifications were queued (the storing phase's end)."""
    with session_scope(engine_for(url)) as session:
        last = session.exec(select(func.max(Notification.created_at))).one()
    assert last is not None
    return last if last.tzinfo else last.replace(tzinfo=UTC)


def _events_stored_since(began: datetime, expected: int) -> tuple[int, float]:
    """How many dfr events the server has stored since `began`, waiting (up to 3 minutes)
    for the last ones sent; and how long that wait took."""
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter

    wanted = EventFilter(
        event=EventNameFilter(prefix=["dfr."]),
        occurred=EventOccurredFilter(since=began, until=datetime.now(UTC) + timedelta(hours=1)),
    )
    started, total = time.perf_counter(), 0
    with get_client(sync_client=True) as client:
        while time.perf_counter() - started < 180:
            total = client.read_events(filter=wanted, limit=1).total
            if total >= expected:
                break
            time.sleep(0.5)
    return total, time.perf_counter() - started


def _in_process(folder: str, bulk_file: Path, run: Any) -> float:
    """The same bulk intake without a Prefect server (what the CLI does without one): the
    domain's share of the cost, on a fresh database."""
    url = f"sqlite:///{Path(folder) / 'in_process.sqlite3'}"
    os.environ["DFR_DATABASE_URL"] = url
    get_settings.cache_clear()
    upgrade(url)
    load_demo_directory(engine_for(url))
    started = time.perf_counter()
    stored: int = asyncio.run(run(path=str(bulk_file)))
    rate = stored / (time.perf_counter() - started)
    dispose_engine(url)
    return rate


def main() -> None:
    from prefect.testing.utilities import prefect_test_harness

    from flows.intake import intake, intake_many

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        os.environ["DFR_DATABASE_URL"] = url
        os.environ["DFR_OUTBOX_DIR"] = str(Path(folder) / "outbox")
        # The harness's server would write usage telemetry at start, racing its own start-up
        # for the SQLite file ("database is locked" in the output); a bench has none to send.
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        get_settings.cache_clear()
        upgrade(url)
        load_demo_directory(engine_for(url))
        with prefect_test_harness(server_startup_timeout=180):
            for index in range(WARM):
                asyncio.run(noop())
                asyncio.run(intake(data=submission_document(), intake_key=f"warm-{index}"))
            noop_ms, intake_ms = _medians_ms(
                [
                    lambda _i: asyncio.run(noop()),
                    lambda i: asyncio.run(
                        intake(data=submission_document(), intake_key=f"timed-{i}")
                    ),
                ],
                TIMED,
            )
            items = [submission_document() for _ in range(BULK)]
            bulk_file = Path(folder) / "bulk.jsonl"
            bulk_file.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
            began, started = datetime.now(UTC), time.perf_counter()
            stored = asyncio.run(intake_many(path=str(bulk_file)))
            bulk_rate = stored / (time.perf_counter() - started)
            routed_rate = stored / (_stored_by(url) - began).total_seconds()
            events_stored, waited = _events_stored_since(began, expected=2 * stored)
        domain_rate = _in_process(folder, bulk_file, intake_many.fn)
        baseline_url = f"sqlite:///{Path(folder) / 'baseline.sqlite3'}"
        upgrade(baseline_url)
        load_demo_directory(engine_for(baseline_url))
        base_rate = _baseline_insert(baseline_url, items)
        dispose_engine(url)
        dispose_engine(baseline_url)
    print(f"no-op async flow, warm median:      {noop_ms:8.1f} ms")
    print(f"intake flow (1 submission), median: {intake_ms:8.1f} ms")
    ratio = intake_ms / noop_ms
    print(f"ratio intake/no-op:                 {ratio:8.2f}  (target <= 1.5, <= 150 ms)")
    print(f"bulk intake_many, {BULK} submissions:")
    print(f"  stored, routed, notifications queued: {routed_rate:8.1f} per second (target >= 1000)")
    print(f"  whole run, events published too:      {bulk_rate:8.1f} per second")
    print(
        f"  events stored by the Prefect server:  {events_stored} of {2 * BULK} "
        f"({waited:.1f} s after the run)"
    )
    print(f"same, in-process (no Prefect):      {domain_rate:8.1f} per second")
    print(f"baseline plain SQLModel insert:     {base_rate:8.1f} per second")
    print(f"ratio stored/baseline throughput:   {routed_rate / base_rate:8.2f}")
