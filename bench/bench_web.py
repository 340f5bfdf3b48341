"""Web pages under load: the review queue ("your work") and the DG overview with 50,000
submissions in SQLite, 20 concurrent clients on loopback (target: p95 ≤ 100 ms).

The web UI runs as `dfr web` in its own process; this process is only the clients. The
baseline is a static file served by the same server, measured the same way in the same run,
so the ratio shows what the page itself costs. The 50,000 submissions and their open review
tasks are written with bulk inserts (bench data, not a decision-log history): the pages read
submissions and tasks only.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from models.db import dispose_engine, engine_for
from models.lifecycle import Stage
from models.review import ReviewTask
from models.submission import Submission
from models.working_days import london_today

SUBMISSIONS = int(os.environ.get("DFR_BENCH_WEB_SUBMISSIONS", "50000"))
CLIENTS = 20
REQUESTS_PER_CLIENT = 25
PASSWORD = "bench-password"
DGS = ["EST", "DfES", "LGC", "SF", "HSS", "PSD", "FCS"]
REVIEWERS = {
    Stage.DIGITAL_OPTIONS_REVIEW: ["rhian.evans", "carys.llewelyn", "james.oconnor"],
    Stage.CATEGORY_REVIEW: ["huw.jenkins", "emma.clarke", "owain.thomas"],
    Stage.SERVICE_ASSESSMENT: ["sian.davies", "mark.wilson"],
}


def _populate(url: str) -> None:
    today = london_today()
    rng = random.Random(7)
    engine = engine_for(url)
    subs, tasks = [], []
    for n in range(1, SUBMISSIONS + 1):
        state = rng.choices(
            ["in_review", "changes_requested", "approved", "rejected"], [6, 1, 2, 1]
        )[0]
        dg = DGS[n % len(DGS)]
        subs.append(
            {
                "id": n,
                "kind": "initiative",
                "title_cy": f"Menter {n}",
                "title_en": f"Initiative {n}",
                "summary_cy": "s",
                "summary_en": "s",
                "dg_code": dg,
                "submitter_id": "iwan.parry",
                "state": state,
                "submitted_on": today - timedelta(days=n % 90),
                "round": 1,
                "version": 1,
                "created_at": today,
                "updated_at": today,
            }
        )
        stage = rng.choice(list(Stage))
        tasks.append(
            {
                "submission_id": n,
                "stage": stage.value,
                "position": 1,
                "round": 1,
                "attempt": 1,
                "status": "open" if state == "in_review" else "decided",
                "assignee_id": rng.choice(REVIEWERS[stage]),
                "due_date": today + timedelta(days=rng.randint(-15, 30)),
            }
        )
    with engine.begin() as conn:
        for start in range(0, len(subs), 5000):
            conn.execute(insert(Submission), subs[start : start + 5000])
            conn.execute(insert(ReviewTask), tasks[start : start + 5000])
    dispose_engine(url)


def _client(site: str, person: str) -> httpx.Client:
    client = httpx.Client(base_url=site, timeout=30)
    page = client.get("/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no sign-in form"
    signed = client.post(
        "/sign-in", data={"csrf_token": token.group(1), "person": person, "password": PASSWORD}
    )
    assert signed.status_code == 303, signed.text[:500]
    return client


def _load(site: str, path: str, person: str) -> list[float]:
    """CLIENTS threads, each signed in, each fetching `path` REQUESTS_PER_CLIENT times."""
    clients = [_client(site, person) for _ in range(CLIENTS)]
    timings: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def run(client: httpx.Client) -> None:
        start.wait()
        mine = []
        for _ in range(REQUESTS_PER_CLIENT):
            began = time.perf_counter()
            response = client.get(path)
            mine.append(time.perf_counter() - began)
            assert response.status_code == 200, (path, response.status_code)
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    return timings


def _percentiles(timings: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(timings, n=100)
    return cuts[49] * 1000, cuts[94] * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'dfr.sqlite3'}"
        env = {
            **os.environ,
            "DFR_DATABASE_URL": url,
            "DFR_VAR_DIR": folder,
            "DFR_WEB_DEMO_PASSWORD": PASSWORD,
            "DFR_WEB_PORT": str(8700 + os.getpid() % 200),
            "DFR_WEB_WORKERS": "2",  # one per core on this machine
        }
        env.pop("PREFECT_API_URL", None)
        dfr = [sys.executable, "-c", "from cli.main import run; run()"]
        subprocess.run([*dfr, "init"], env=env, check=True, capture_output=True)
        began = time.perf_counter()
        os.environ["DFR_DATABASE_URL"] = url
        _populate(url)
        print(f"  {SUBMISSIONS:,} submissions written in {time.perf_counter() - began:.1f} s")
        site = f"http://127.0.0.1:{env['DFR_WEB_PORT']}"
        server = subprocess.Popen([*dfr, "web"], env=env, stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if httpx.get(f"{site}/sign-in", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "dfr web did not start"
                time.sleep(0.2)
            _load(site, "/work", "huw.jenkins")  # warm-up
            base50, base95 = _percentiles(_load(site, "/static/app/app.css", "huw.jenkins"))
            print(
                f"  {CLIENTS} concurrent clients x {REQUESTS_PER_CLIENT} requests per page; "
                f"baseline (a static file, same server): p50 {base50:.1f} ms, p95 {base95:.1f} ms"
            )
            for label, path, person in (
                ("review queue (/work, a category manager)", "/work", "huw.jenkins"),
                ("DG overview (/dg/EST, its Digital Leader)", "/dg/EST", "rhian.evans"),
            ):
                p50, p95 = _percentiles(_load(site, path, person))
                verdict = "meets" if p95 <= 100 else "misses"
                print(
                    f"  {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
                    f"({p95 / base95:.1f} times the baseline p95; {verdict} the 100 ms target)"
                )
        finally:
            server.terminate()
            server.wait(15)


if __name__ == "__main__":
    print(f"== web pages with {date.today():%Y-%m-%d} data")
    main()
