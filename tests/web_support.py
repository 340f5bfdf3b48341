"""A real web server for the web tests: uvicorn on a free loopback port, in a thread, over a
migrated SQLite database with the example directory loaded; a client that fills in forms; and
example submissions stored in the site's database."""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from checklists.loader import registry
from checklists.yaml_files import read_yaml
from dfr.cli.main import main as dfr
from dfr.settings import get_settings
from models.db import dispose_engine, engine_for, session_scope
from models.review import ReviewTask
from models.submission import Submission
from services.decide import DecisionRequest, record_decision
from tests.conftest import ROOT
from tests.factories import open_task, submit_row

PASSWORD = "test-password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
EXAMPLES = ROOT / "examples" / "submissions"
RATIONALE = re.compile(r'<div class="dfr-rationale">(.*?)</div>', re.S)


@dataclass(frozen=True)
class Site:
    url: str
    database_url: str
    outbox: Path


@contextmanager
def live_site(folder: Path, template: Path, **env: str) -> Iterator[Site]:
    """Start the web app on a free port over a fresh database (a copy of `template`, or the
    empty one `DFR_DATABASE_URL` in `env` names); stop it afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    url = env.get("DFR_DATABASE_URL", "")
    if not url:
        database = folder / "dfr.sqlite3"
        shutil.copy(template, database)
        url = f"sqlite:///{database}"
    settings_env = {
        "DFR_DATABASE_URL": url,
        "DFR_VAR_DIR": str(folder),
        "DFR_OUTBOX_DIR": str(folder / "outbox"),
        "DFR_WEB_DEMO_PASSWORD": PASSWORD,
        **env,
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in settings_env.items():
            patch.setenv(key, value)
        patch.delenv("PREFECT_API_URL", raising=False)
        get_settings.cache_clear()
        assert dfr(["init"]) == 0
        from dfr.web.app import create_app

        config = uvicorn.Config(
            create_app(), host="127.0.0.1", port=0, log_level="warning", lifespan="off"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the web server did not start"
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            yield Site(f"http://127.0.0.1:{port}", url, folder / "outbox")
        finally:
            server.should_exit = True
            thread.join(10)
            dispose_engine(url)
            get_settings.cache_clear()


class Browserless:
    """An HTTP client that keeps cookies and fills in each form's CSRF token."""

    def __init__(self, site: Site) -> None:
        self.client = httpx.Client(base_url=site.url, follow_redirects=True, timeout=30)
        self.token = ""

    def get(self, path: str) -> httpx.Response:
        response = self.client.get(path)
        self._remember(response)
        return response

    def post(self, path: str, data: Mapping[str, object] | None = None, *, csrf: bool = True):
        payload = dict(data or {})
        if csrf:
            payload.setdefault("csrf_token", self.token)
        response = self.client.post(path, data=payload)
        self._remember(response)
        return response

    def sign_in(self, person: str, language: str = "en") -> httpx.Response:
        self.get(f"/language/{language}?next=/sign-in")  # the browser's explicit choice
        response = self.post("/sign-in", {"person": person, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return response

    def _remember(self, response: httpx.Response) -> None:
        found = CSRF.search(response.text)
        if found:
            self.token = found.group(1)

    def close(self) -> None:
        self.client.close()


def submit_example(site: Site, example: Path) -> tuple[Submission, ReviewTask]:
    """The example submission at `example`, stored in the site's database: the row and its open
    review task."""
    with session_scope(engine_for(site.database_url)) as session:
        submission = submit_row(session, read_yaml(example), registry())
        return submission, open_task(session, submission.id or 0)


def rationale_shown(site: Site, rationale: str) -> tuple[str, str]:
    """A policy with no digital service (example 01) approved by its reviewer with `rationale`,
    and its page as the submitter sees it: (the rationale as shown, the whole page)."""
    reg = registry()
    with session_scope(engine_for(site.database_url)) as session:
        data = read_yaml(EXAMPLES / "01-policy-no-digital-service.yaml")
        submission = submit_row(session, data, reg)
        task = open_task(session, submission.id or 0)
        record_decision(
            session,
            DecisionRequest(
                submission_id=submission.id or 0,
                stage=task.stage,
                outcome="approve",
                rationale=rationale,
                actor_id=task.assignee_id or "",
            ),
            reg,
        )
    client = Browserless(site)
    client.sign_in(submission.submitter_id)
    page = client.get(f"/submissions/{submission.id}")
    client.close()
    assert page.status_code == 200
    shown = RATIONALE.search(page.text)
    assert shown is not None
    return shown.group(1), page.text
