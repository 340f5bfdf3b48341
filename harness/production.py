"""A production stack on this machine, for the end-to-end tests and `make bench`: a real
`prefect server` process on loopback backed by its own PostgreSQL database, the application on
another PostgreSQL database, `dfr worker` processes on the work pool, Slack as a local fake.

Submissions come in through the web app (`dfr web`, signed in by the reverse proxy's identity
header, as in production): `submit` POSTs each one to /api/submissions.
"""

from __future__ import annotations

import contextvars
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from sqlmodel import col, func, select

from checklists.canonical import sha256_hex
from dfr.cli.engine import prefect_server
from dfr.processes import stop
from dfr.settings import get_settings
from flows.start import request_follow_up
from harness.fakes.slack import TOKEN, FakeSlack, FakeSlackServer
from harness.samples import load_people, submission_data
from harness.scratch import scratch_databases, url_of
from models.db import dispose_engine, engine_for, session_scope
from models.migrate import upgrade
from models.notification import Notification
from services.announce import unannounced_submissions

ROOT = Path(__file__).resolve().parent.parent
DFR = [sys.executable, "-c", "from dfr.cli.main import run; run()"]


_web: dict[str, str] = {}  # the running stack's web app address


def submit(data: dict[str, Any]) -> int:
    """One submission through the web app, as the submitter (the proxy's identity header); the
    content hash is the idempotency key, so the same document twice is one submission."""
    response = httpx.post(
        f"{_web['url']}/api/submissions",
        json=data,
        headers={"X-Remote-User": data["submitter"], "Idempotency-Key": sha256_hex(data)},
        timeout=120,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def distinct_submissions(count: int, label: str) -> list[dict[str, Any]]:
    """`count` valid submissions that differ (so each has its own intake key)."""
    made = []
    for number in range(count):
        data = submission_data(kind="procurement" if number % 3 == 0 else "initiative")
        data["title"] = {"cy": f"Cyflwyniad {label} {number}", "en": f"Submission {label} {number}"}
        made.append(data)
    return made


def submit_concurrently(items: list[dict[str, Any]], threads: int = 8) -> list[int]:
    """Submit every item from `threads` threads at once; each thread sees this thread's
    Prefect settings (a copy of its context)."""
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(contextvars.copy_context().run, submit, d) for d in items]
        return [f.result() for f in futures]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_tree(root: int) -> list[int]:
    """`root` and every process descended from it (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += parents.get(pid, [])
    return tree


@dataclass
class Stack:
    api_url: str
    database_url: str
    slack: FakeSlack
    env: dict[str, str]
    folder: Path
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    dead_runs: set[UUID] = field(default_factory=set)

    def start_worker(self, name: str) -> None:
        log = (self.folder / f"{name}.log").open("ab")
        self.workers[name] = subprocess.Popen(
            [*DFR, "worker", "--name", name],
            env=self.env,
            cwd=self.folder,  # not the repository: a worker finds the code by import
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def kill_worker(self, name: str) -> None:
        """SIGKILL the worker and every flow-run process it started, as if its machine died.
        Its runs stay Running (or Pending) on the server: `settle` stops waiting for them."""
        worker = self.workers.pop(name)
        tree = process_tree(worker.pid)
        for run in self.follow_up_runs("PENDING", "RUNNING"):
            if run.infrastructure_pid is None or int(run.infrastructure_pid) in tree:
                self.dead_runs.add(run.id)
        for pid in tree:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        worker.wait(30)

    def stop_worker(self, name: str) -> None:
        worker = self.workers.pop(name)
        tree = process_tree(worker.pid)
        stop(worker, 30)
        for pid in tree[1:]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop_all(self) -> None:
        """Stop every worker at once: asked politely together, then killed after a few seconds
        (Prefect's worker can take half a minute to leave; nothing is left to lose by then)."""
        trees = {name: process_tree(worker.pid) for name, worker in self.workers.items()}
        for worker in self.workers.values():
            worker.terminate()
        deadline = time.monotonic() + 5
        for name, worker in list(self.workers.items()):
            with suppress(subprocess.TimeoutExpired):
                worker.wait(max(0.0, deadline - time.monotonic()))
            for pid in trees[name]:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            worker.wait(30)
            del self.workers[name]

    def follow_up_runs(self, *types: str) -> list[Any]:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import (
            DeploymentFilter,
            DeploymentFilterName,
            FlowRunFilter,
            FlowRunFilterState,
            FlowRunFilterStateType,
        )
        from prefect.client.schemas.objects import StateType

        with get_client(sync_client=True) as client:
            return list(
                client.read_flow_runs(
                    deployment_filter=DeploymentFilter(
                        name=DeploymentFilterName(any_=["follow-up"])
                    ),
                    flow_run_filter=FlowRunFilter(
                        state=FlowRunFilterState(
                            type=FlowRunFilterStateType(any_=[StateType(t) for t in types])
                        )
                    )
                    if types
                    else None,
                )
            )

    def outstanding(self) -> tuple[int, int]:
        """(submissions not yet announced, notifications not yet delivered or failed)."""
        with session_scope(read_only=True) as session:
            unannounced = len(unannounced_submissions(session, 1000))
            unsent = session.exec(
                select(func.count())
                .select_from(Notification)
                .where(col(Notification.status).in_(["pending", "sending"]))
            ).one()
        return unannounced, unsent

    def settle(self, timeout: float = 600.0) -> None:
        """Wait until everything is announced and delivered and no follow-up run is left;
        ask for a follow-up when work remains and none is on its way (as the
        `deliver-retries` schedule would, e.g. for a row whose sender was killed)."""
        deadline = time.monotonic() + timeout
        while True:
            active = [
                r
                for r in self.follow_up_runs("SCHEDULED", "PENDING", "RUNNING")
                if r.id not in self.dead_runs
            ]
            left = self.outstanding()
            if not active and left == (0, 0):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"not settled: {left} outstanding, {len(active)} runs")
            if not active:
                request_follow_up()
            time.sleep(1)


def _run(command: list[str], env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{command[-1]} failed: {done.stderr[-2000:]}")


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


@contextmanager
def production_stack(
    folder: Path, workers: int = 2, lease_seconds: float = 10.0
) -> Iterator[Stack]:
    """The whole stack, torn down (processes stopped, databases dropped) on exit."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with ExitStack() as stack:
        app_db, prefect_db = stack.enter_context(scratch_databases("dfr_e2e", 2))
        app_url = url_of(app_db)
        upgrade(app_url)
        load_people(engine_for(app_url))
        stack.callback(dispose_engine, app_url)
        slack = stack.enter_context(
            FakeSlackServer(
                FakeSlack(users={"U0POLEST", "U0DLEST", "U0CMEST"}, channels={"C0EST0001"})
            )
        )
        api_url = stack.enter_context(
            prefect_server(folder / "var", _free_port(), database_url=url_of(prefect_db, "asyncpg"))
        )
        settings = {
            "PREFECT_API_URL": api_url,
            "PREFECT_HOME": str(folder / "prefect-home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "DFR_DATABASE_URL": app_url,
            "DFR_FLOW_MODE": "deployments",
            "DFR_SLACK_TOKEN": TOKEN,
            "DFR_SLACK_API_URL": slack.url,
            "DFR_NOTIFY_LEASE_SECONDS": str(lease_seconds),
            "DFR_NOTIFY_BACKOFF_SECONDS": "0.2",
            "DFR_VAR_DIR": str(folder / "var"),
            "DFR_AUDIT_KEY": uuid.uuid4().hex * 2,
        }
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DFR_", "PREFECT_"))},
            **settings,
        }
        _run([*DFR, "deploy"], env, folder)
        stack.enter_context(_environment(settings))
        stack.enter_context(temporary_settings({PREFECT_API_URL: api_url}))
        running = Stack(api_url, app_url, slack, env, folder)
        stack.callback(running.stop_all)
        for number in range(1, workers + 1):
            running.start_worker(f"worker-{number}")
        _web["url"] = stack.enter_context(_web_app(env, folder))
        stack.callback(_web.clear)
        yield running


@contextmanager
def _web_app(env: dict[str, str], folder: Path) -> Iterator[str]:
    """`dfr web` as production runs it: behind a proxy that signs people in (header auth),
    two worker processes, flows started through the deployments."""
    port = _free_port()
    web_env = {
        **env,
        "DFR_WEB_AUTH": "header",
        "DFR_WEB_PORT": str(port),
        "DFR_WEB_WORKERS": "2",
    }
    log = (folder / "web.log").open("ab")
    web = subprocess.Popen(
        [*DFR, "web"], env=web_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    log.close()
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{url}/sign-in", timeout=2).status_code == 200
        except httpx.HTTPError:
            return web.poll() is not None  # stop waiting: it died (asserted below)

    try:
        wait_for(answers, 180, "the web app to start")
        assert web.poll() is None, (folder / "web.log").read_text()[-2000:]
        yield url
    finally:
        stop(web, 30)


def wait_for(condition: Callable[[], bool], timeout: float = 300.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.2)
