"""Web pages under load: the review queue ("your work") and the DG overview with 50,000
submissions in SQLite, and the public register of services and a service's page with its KPI
charts (the example register), 20 concurrent clients on loopback (target: p95 ≤ 100 ms).

The web UI runs as `dfr web` (two worker processes, one per core here; DFR_BENCH_WEB_WORKERS
changes it); the clients are wrk, a C load generator (Debian package `wrk`, installed by
`make bench`). The baseline is a static file served by the same server, measured the same way
in the same run, so the ratio shows what the page itself costs. The 50,000 submissions and
their open review tasks are written with bulk inserts (bench data, not a decision-log
history): the pages read submissions and tasks only.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
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
from services.register_examples import load_register_examples

SUBMISSIONS = int(os.environ.get("DFR_BENCH_WEB_SUBMISSIONS", "50000"))
CLIENTS = 20
SECONDS = 10
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
                "dg_code": dg,
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


def _session_cookie(site: str, person: str) -> str:
    """Sign in once, as a browser would, and return the session cookie for the load."""
    with httpx.Client(base_url=site, timeout=30) as client:
        page = client.get("/language/en?next=/sign-in", follow_redirects=True).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, "no sign-in form"
        signed = client.post(
            "/sign-in",
            data={"csrf_token": token.group(1), "person": person, "password": PASSWORD},
        )
        assert signed.status_code == 303, signed.text[:500]
        return f"dfr_session={client.cookies['dfr_session']}; dfr_lang=en"


def _load(site: str, path: str, person: str) -> tuple[float, float, int]:
    """CONNECTIONS concurrent clients for SECONDS with wrk (a C load generator, so the clients
    do not take the server's CPU); returns p50 and p95 in ms and the number of requests."""
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CLIENTS}",
            f"-d{SECONDS}s",
            "-H",
            f"Cookie: {_session_cookie(site, person)}",
            "-s",
            str(Path(__file__).with_name("percentiles.lua")),
            f"{site}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"RESULT requests=(\d+) errors=(\d+) p50=(\d+) p95=(\d+)", result.stdout)
    assert found, result.stdout + result.stderr
    requests, errors, p50, p95 = (int(g) for g in found.groups())
    assert errors == 0, f"{errors} failed requests on {path}"
    return p50 / 1000, p95 / 1000, requests


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'dfr.sqlite3'}"
        env = {
            **os.environ,
            "DFR_DATABASE_URL": url,
            "DFR_VAR_DIR": folder,
            "DFR_WEB_DEMO_PASSWORD": PASSWORD,
            "DFR_WEB_PORT": str(8700 + os.getpid() % 200),
            "DFR_WEB_WORKERS": os.environ.get("DFR_BENCH_WEB_WORKERS", "2"),
        }
        env.pop("PREFECT_API_URL", None)
        dfr = [sys.executable, "-c", "from dfr.cli.main import run; run()"]
        subprocess.run([*dfr, "init"], env=env, check=True, capture_output=True)
        began = time.perf_counter()
        os.environ["DFR_DATABASE_URL"] = url
        _populate(url)
        print(f"  {SUBMISSIONS:,} submissions written in {time.perf_counter() - began:.1f} s")
        # The example register (32 services, 24 months of returns) for its public pages.
        load_register_examples(engine_for(url), Path(__file__).parents[1] / "examples" / "register")
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
            base50, base95, _n = _load(site, "/static/app/app.css", "huw.jenkins")
            print(
                f"  {CLIENTS} concurrent clients for {SECONDS} s a page (wrk); baseline (a "
                f"static file, same server): p50 {base50:.1f} ms, p95 {base95:.1f} ms"
            )
            for label, path, person in (
                ("review queue (/work, a category manager)", "/work", "huw.jenkins"),
                ("DG overview (/dg/EST, its Digital Leader)", "/dg/EST", "rhian.evans"),
                ("the public register (/services)", "/services", "huw.jenkins"),
                ("a service with its KPI charts", "/services/planning-appeal", "huw.jenkins"),
            ):
                for _worker in range(4):  # each worker draws a page's charts once, then keeps them
                    httpx.get(f"{site}{path}", timeout=60)
                p50, p95, requests = _load(site, path, person)
                verdict = "meets" if p95 <= 100 else "misses"
                print(
                    f"  {label}: {requests / SECONDS:.0f} pages/s, p50 {p50:.1f} ms, "
                    f"p95 {p95:.1f} ms "
                    f"({p95 / base95:.1f} times the baseline p95; {verdict} the 100 ms target)"
                )
        finally:
            server.terminate()
            server.wait(15)


if __name__ == "__main__":
    print(f"== web pages with {date.today():%Y-%m-%d} data")
    main()
