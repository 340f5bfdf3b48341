"""Published assessment reports: the public finder under load and the open data's memory.

- The finder with 5,000 published reports in SQLite, 20 concurrent clients (wrk) for a
  faceted search page (words, DG, phase and result chosen) against a static file served by
  the same `dfr web` in the same run, as in `bench_web`: p50, p95 and the ratio of the p95s
  (the issue's target: p95 under 100 ms).
- The CSV of every report, streamed: the peak of Python's allocations (tracemalloc) while the
  whole file is produced, for 5,000 and 50,000 reports. Constant memory means the two peaks
  are close: the stream holds one batch of reports at a time, not the table.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

import httpx

from bench.bench_web import CLIENTS, SECONDS, _session_cookie
from harness.published_reports import write_published_reports
from models.db import dispose_engine, engine_for
from models.migrate import upgrade

DGS = ("EST", "DfES", "LGC", "SF", "HSS", "PSD", "FCS")
FIRST = date(2020, 1, 1)
PUBLISHER = "carys.llewelyn"
FINDER = "/reports?lang=en&words=school&dg=EST&phase=beta&result=amber&result=green"


def _load(site: str, path: str, person: str) -> tuple[float, float, int, int]:
    """wrk as in `bench_web`, but failed requests (timeouts on a loaded machine) are counted
    and reported rather than stopping the run."""
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CLIENTS}", f"-d{SECONDS}s", "--timeout", "10s",
         "-H", f"Cookie: {_session_cookie(site, person)}",
         "-s", str(Path(__file__).with_name("percentiles.lua")), f"{site}{path}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"RESULT requests=(\d+) errors=(\d+) p50=(\d+) p95=(\d+)", result.stdout)
    assert found, result.stdout + result.stderr
    requests, errors, p50, p95 = (int(g) for g in found.groups())
    return p50 / 1000, p95 / 1000, requests, errors


def _database(folder: str, reports: int, env: dict[str, str]) -> str:
    url = f"sqlite:///{Path(folder) / 'reports.sqlite3'}"
    dfr = [sys.executable, "-c", "from dfr.cli.main import run; run()"]
    subprocess.run([*dfr, "init"], env={**env, "DFR_DATABASE_URL": url}, check=True,
                   capture_output=True)  # fmt: skip
    write_published_reports(engine_for(url), reports, DGS, PUBLISHER, first=FIRST)
    dispose_engine(url)
    return url


def finder_under_load(reports: int = 5_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DFR_VAR_DIR": folder,
            "DFR_WEB_DEMO_PASSWORD": "bench-password",
            "DFR_WEB_PORT": str(8900 + os.getpid() % 90),
            "DFR_WEB_WORKERS": os.environ.get("DFR_BENCH_WEB_WORKERS", "2"),
        }
        env.pop("PREFECT_API_URL", None)
        began = time.perf_counter()
        env["DFR_DATABASE_URL"] = _database(folder, reports, env)
        os.environ["DFR_DATABASE_URL"] = env["DFR_DATABASE_URL"]
        print(f"  {reports:,} published reports written in {time.perf_counter() - began:.1f} s")
        site = f"http://127.0.0.1:{env['DFR_WEB_PORT']}"
        dfr = [sys.executable, "-c", "from dfr.cli.main import run; run()"]
        server = subprocess.Popen([*dfr, "web"], env=env, stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if httpx.get(f"{site}/reports", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "dfr web did not start"
                time.sleep(0.2)
            page = httpx.get(f"{site}{FINDER}", timeout=10).text
            assert "reports" in page, page[:300]
            _load(site, FINDER, PUBLISHER)  # warm-up
            base50, base95, _n, _e = _load(site, "/static/app/app.css", PUBLISHER)
            p50, p95, requests, errors = _load(site, FINDER, PUBLISHER)
        finally:
            server.terminate()
            server.wait(15)
    verdict = "meets" if p95 <= 100 else "misses"
    print(f"  {CLIENTS} concurrent clients for {SECONDS} s a page (wrk); baseline (a static "
          f"file, same server): p50 {base50:.1f} ms, p95 {base95:.1f} ms")  # fmt: skip
    print(f"  faceted search ({FINDER}): {requests / SECONDS:.0f} pages/s, p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms ({p95 / base95:.1f} times the baseline p95; {verdict} the 100 ms "
          f"target; {errors} failed requests)")  # fmt: skip


def csv_peak(reports: int) -> tuple[float, int, float]:
    """The peak of Python allocations (MiB) while streaming reports.csv, its size in bytes,
    and the time it took."""
    from dfr.web.routes.reports import _csv_lines
    from services.report_finder import REPORT_FIELDS, report_records

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'reports.sqlite3'}"
        upgrade(url)
        env = {**os.environ, "DFR_VAR_DIR": folder}
        env.pop("PREFECT_API_URL", None)
        _database(folder, reports, env)
        os.environ["DFR_DATABASE_URL"] = url
        from dfr.settings import get_settings

        get_settings.cache_clear()
        size = 0
        tracemalloc.start()
        began = time.perf_counter()
        for chunk in _csv_lines(report_records(), REPORT_FIELDS):
            size += len(chunk.encode())
        elapsed = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        dispose_engine(url)
    return peak / 2**20, size, elapsed


def main() -> None:
    finder_under_load()
    for reports in (5_000, 50_000):
        peak, size, elapsed = csv_peak(reports)
        print(f"  reports.csv, {reports:,} reports: {size / 2**20:.1f} MiB streamed in "
              f"{elapsed:.1f} s, peak Python allocations {peak:.1f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
