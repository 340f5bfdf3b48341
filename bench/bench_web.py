"""Web pages under load: the review queue ("your work"), the DG overview and the finder's first
page (for the Digital CoE, who sees every DG, and for a DG's Digital Leader) with 50,000
submissions, and the public register of services and a service's page with its KPI charts (the
example register), 20 concurrent clients on loopback (target: p95 ≤ 100 ms), on SQLite and
then on PostgreSQL (a scratch database per run, dropped after it): one table each.

The web UI runs as `dfr web` (two worker processes, one per core here; DFR_BENCH_WEB_WORKERS
changes it) on a database `dfr init` made (the Alembic migrations, triggers included); the
clients are wrk, a C load generator (Debian package `wrk`, installed by `make bench`). The
baseline is a static file served by the same server, measured the same way in the same run, so
the ratio shows what the page itself costs. A request that takes more than 10 s counts as
failed (its own column; the page misses the target). Beside the latencies, the CPU time the
`dfr web` processes spent per page (from /proc, over the same load): on a machine shared with
other work the latencies wait on the CPU, while a page's own cost shows there.

The submissions (DFR_BENCH_WEB_SUBMISSIONS, default 50,000) and their review tasks are bench
data, not a decision-log history: the pages read submissions and tasks only. They go in 5,000
a transaction, with a multi-row insert on SQLite and COPY on PostgreSQL; the database's
triggers keep the DG overview's counts (`models.overview_counts`) for them as for every other
writer. Then PostgreSQL's statistics are refreshed (VACUUM ANALYZE, as autovacuum would have
done by the time people use the pages); `dfr web` refreshes SQLite's when it starts.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from psycopg import sql
from sqlalchemy import Connection, insert

from bench.fixtures import submission_row
from bench.scratch import POSTGRESQL, SQLITE, postgresql_reachable, scratch_database
from models.db import dispose_engine, engine_for
from models.lifecycle import Stage
from models.review import ReviewTask
from models.submission import Submission
from models.working_days import london_today
from services.register_examples import load_register_examples

SUBMISSIONS = int(os.environ.get("DFR_BENCH_WEB_SUBMISSIONS", "50000"))
BATCH = 5000  # submissions a transaction
CLIENTS = 20
SECONDS = 10
TARGET_MS = 100
PASSWORD = "bench-password"
DFR = [sys.executable, "-c", "from dfr.cli.main import run; run()"]
DGS = ["EST", "DfES", "LGC", "SF", "HSS", "PSD", "FCS"]
REVIEWERS = {
    Stage.DIGITAL_OPTIONS_REVIEW: ["rhian.evans", "carys.llewelyn", "james.oconnor"],
    Stage.CATEGORY_REVIEW: ["huw.jenkins", "emma.clarke", "owain.thomas"],
    Stage.SERVICE_ASSESSMENT: ["sian.davies", "mark.wilson"],
}
BASELINE = ("baseline: a static file, same server", "/static/app/app.css", "huw.jenkins")
PAGES = (
    ("review queue (/work, a category manager)", "/work", "huw.jenkins"),
    ("DG overview (/dg/EST, its Digital Leader)", "/dg/EST", "rhian.evans"),
    ("find submissions (/submissions, the Digital CoE)", "/submissions", "carys.llewelyn"),
    ("find submissions (/submissions, a DG's Digital Leader)", "/submissions", "rhian.evans"),
    ("the public register (/services)", "/services", "huw.jenkins"),
    ("a service with its KPI charts", "/services/planning-appeal", "huw.jenkins"),
    ("the register's summary (/services-summary)", "/services-summary", "huw.jenkins"),
)


def _rows(today: date) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """The submissions and their review tasks, BATCH at a time."""
    rng = random.Random(7)
    for first in range(1, SUBMISSIONS + 1, BATCH):
        subs, tasks = [], []
        for n in range(first, min(first + BATCH, SUBMISSIONS + 1)):
            state = rng.choices(
                ["in_review", "changes_requested", "approved", "rejected"], [6, 1, 2, 1]
            )[0]
            dg = DGS[n % len(DGS)]
            subs.append(
                submission_row(
                    n,
                    dg,
                    state,
                    submitted_on=today - timedelta(days=n % 90),
                    created_at=today,
                    updated_at=today,
                )
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
        yield subs, tasks


def _copy(connection: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY into `table`, in the connection's transaction; the table's triggers
    fire for each row as for an insert."""
    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _populate(url: str) -> None:
    engine = engine_for(url)
    postgresql = engine.dialect.name == "postgresql"
    for subs, tasks in _rows(london_today()):
        with engine.begin() as connection:
            if postgresql:
                _copy(connection, "submission", subs)
                _copy(connection, "review_task", tasks)
            else:
                connection.execute(insert(Submission), subs)
                connection.execute(insert(ReviewTask), tasks)
    if postgresql:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # The ids were given, so the sequence is moved past them, as an insert would have.
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('submission', 'id'), max(id)) FROM submission"
            )
            connection.exec_driver_sql("VACUUM ANALYZE")
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


def _load(site: str, path: str, person: str) -> tuple[float, float, int, int]:
    """CLIENTS concurrent clients for SECONDS with wrk (a C load generator, so the clients
    do not take the server's CPU); returns p50 and p95 in ms, the number of requests and how
    many failed. A page slower than 10 s counts as failed (wrk leaves it out of the
    percentiles): on a loaded machine that is reported, rather than stopping the run."""
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CLIENTS}",
            f"-d{SECONDS}s",
            "--timeout",
            "10s",
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
    return p50 / 1000, p95 / 1000, requests, errors


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user and system) used so far by process `pid` and its living descendants
    (`dfr web`'s supervisor and its workers), read from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += used.get(current, 0.0)
        todo.extend(children.get(current, []))
    return total


def _serve(env: dict[str, str], site: str) -> subprocess.Popen[bytes]:
    """`dfr web`, once it answers."""
    server = subprocess.Popen([*DFR, "web"], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(f"{site}/sign-in", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if time.monotonic() >= deadline or server.poll() is not None:
            server.terminate()
            server.wait(15)
            raise RuntimeError("dfr web did not start")
        time.sleep(0.2)


def _measure(database: str, url: str) -> None:
    """Set up `url` as `dfr init` does, fill it, serve it and print its table."""
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DFR_DATABASE_URL": url,
            "DFR_VAR_DIR": folder,
            "DFR_WEB_DEMO_PASSWORD": PASSWORD,
            "DFR_WEB_PORT": str(8700 + os.getpid() % 200),
            "DFR_WEB_WORKERS": os.environ.get("DFR_BENCH_WEB_WORKERS", "2"),
        }
        env.pop("PREFECT_API_URL", None)
        subprocess.run([*DFR, "init"], env=env, check=True, capture_output=True)
        began = time.perf_counter()
        _populate(url)
        print(
            f"\n{database}: {SUBMISSIONS:,} submissions written in "
            f"{time.perf_counter() - began:.1f} s; {CLIENTS} concurrent clients for {SECONDS} s "
            "a page (wrk)"
        )
        # The example register (32 services, 24 months of returns) for its public pages.
        load_register_examples(engine_for(url), Path(__file__).parents[1] / "examples" / "register")
        dispose_engine(url)
        site = f"http://127.0.0.1:{env['DFR_WEB_PORT']}"
        server = _serve(env, site)
        try:
            _load(site, "/work", "huw.jenkins")  # warm-up
            label, path, person = BASELINE
            cpu = _tree_cpu(server.pid)
            base50, base95, requests, failed = _load(site, path, person)
            base_cpu = (_tree_cpu(server.pid) - cpu) * 1000 / max(requests, 1)
            print(
                "| page | pages/s | p50 ms | p95 ms | p95 to the baseline's | server CPU ms a "
                f"page | failed | p95 ≤ {TARGET_MS} ms |"
            )
            print("|---|---:|---:|---:|---:|---:|---:|---|")
            print(
                f"| {label} | {requests / SECONDS:,.0f} | {base50:.1f} | {base95:.1f} | 1.0 "
                f"| {base_cpu:.2f} | {failed} | |"
            )
            for label, path, person in PAGES:
                # Each worker draws a page's charts once, then keeps them: in the language the
                # load asks for (without the cookie, a page is in the default language).
                for _worker in range(8):
                    httpx.get(f"{site}{path}", headers={"Cookie": "dfr_lang=en"}, timeout=60)
                cpu = _tree_cpu(server.pid)
                p50, p95, requests, failed = _load(site, path, person)
                page_cpu = (_tree_cpu(server.pid) - cpu) * 1000 / max(requests, 1)
                verdict = "meets" if p95 <= TARGET_MS and not failed else "misses"
                print(
                    f"| {label} | {requests / SECONDS:,.0f} | {p50:.1f} | {p95:.1f} "
                    f"| {p95 / base95:.1f} | {page_cpu:.2f} | {failed} | {verdict} |"
                )
        finally:
            server.terminate()
            server.wait(15)


def main() -> None:
    for database in (SQLITE, POSTGRESQL):
        if database == POSTGRESQL and not postgresql_reachable():
            continue
        with scratch_database(database) as url:
            _measure(database, url)


if __name__ == "__main__":
    print(f"== web pages with {date.today():%Y-%m-%d} data")
    main()
