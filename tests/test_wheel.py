"""The wheel is all an installation needs: built from the checkout, installed into a fresh
environment outside it (dependencies from requirements.lock), `dfr init`, `dfr demo` and
`dfr web` work from another folder, and the pages come in Welsh with their GOV.UK Frontend
styles, fonts and images."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from dfr.processes import stop
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

UV = Path(sys.executable).parent / "uv"  # installed into .venv by `make env`
CATALOG = ROOT / "locales" / "cy" / "LC_MESSAGES" / "dfr"


@dataclass(frozen=True)
class Installed:
    wheel: Path
    bin: Path
    work: Path  # the working directory: not the checkout
    env: dict[str, str]

    def dfr(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "dfr"), *args],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _uv(*args: str | Path, cwd: Path = ROOT) -> None:
    done = subprocess.run(
        [str(UV), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    mo, po = CATALOG.with_suffix(".mo"), CATALOG.with_suffix(".po")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        pytest.fail("The compiled Welsh catalog is missing or older than the .po: run `make env`.")
    top = tmp_path_factory.mktemp("wheel")
    _uv("build", "--no-config", "--wheel", "--out-dir", top / "dist")
    [wheel] = (top / "dist").glob("*.whl")
    venv = top / "venv"
    _uv("venv", "--no-config", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    lock = ROOT / "requirements.lock"
    _uv("pip", "install", "--no-config", "--python", python, "--require-hashes", "-r", lock)
    _uv("pip", "install", "--no-config", "--python", python, "--no-deps", wheel)
    work = top / "work"
    work.mkdir()
    env = {
        # Nothing of the checkout's environment: no DFR_ or Prefect settings, no PYTHONPATH.
        # Bytecode is written, or each process would compile Prefect again (~10 s each).
        **{k: v for k, v in os.environ.items() if not k.startswith(("DFR_", "PREFECT_", "PYTHON"))},
        "DFR_DATABASE_URL": f"sqlite:///{work / 'var' / 'dfr.sqlite3'}",
        "DFR_WEB_DEMO_PASSWORD": "wheel-test-password",
        "PREFECT_HOME": str(top / "prefect-home"),
    }
    return Installed(wheel, venv / "bin", work, env)


def test_the_wheel_holds_the_run_time_files_and_no_front_end_sources(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    data = "dfr/_data/"
    govuk = f"{data}node_modules/govuk-frontend/dist/govuk/"
    assert {
        f"{data}alembic.ini",
        f"{data}migrations/env.py",
        f"{data}locales/cy/LC_MESSAGES/dfr.mo",
        f"{data}examples/people.yaml",
        f"{govuk}govuk-frontend.min.css",
        f"{govuk}assets/fonts/bold-b542beb274-v2.woff2",
        "checklists/data/published.lock",
        "dfr/web/templates/base.html",
        "notifications/templates/cy/submitted.md.j2",
    } <= names
    assert not [n for n in names if n.endswith((".scss", ".map", ".mjs", ".pyc"))]


def test_the_installed_wheel_reads_its_own_files_not_the_checkouts(installed):
    where = subprocess.run(
        [str(installed.bin / "python"), "-c", "from dfr.paths import resource as r; print(r())"],
        cwd=installed.work,
        env=installed.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.bin.parent)
    assert Path(where).name == "_data"


def test_init_demo_and_a_welsh_page_with_its_styles_from_the_installed_wheel(installed):
    init = installed.dfr("init")
    assert init.returncode == 0, init.stderr
    dgs = yaml.safe_load((ROOT / "examples" / "directorates.yaml").read_text())["directorates"]
    people = yaml.safe_load((ROOT / "examples" / "people.yaml").read_text())["people"]
    assert f"{len(dgs)} DGs and {len(people)} people" in init.stdout  # the shipped directory

    demo = installed.dfr("demo")
    assert demo.returncode == 0, demo.stderr
    examples = list((ROOT / "examples" / "submissions").glob("*.yaml"))
    assert demo.stdout.count("Outcome:") == len(examples)
    assert list((installed.work / "var" / "outbox").glob("*.md"))  # under the working folder

    with _web(installed) as site, httpx.Client(base_url=site, timeout=30) as client:
        page = client.get("/language/cy?next=/sign-in", follow_redirects=True)  # "Cymraeg"
        assert page.status_code == 200 and page.url.path == "/sign-in"
        assert '<html lang="cy"' in page.text
        assert "Mewngofnodi" in page.text  # "Sign in"
        assert "Iwan Parry (swyddog polisi)" in page.text  # the directory, roles in Welsh
        stylesheet = re.search(r'href="(/static/govuk/[^"]+\.css)"', page.text)
        assert stylesheet is not None
        css = client.get(stylesheet.group(1))
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        font = re.search(r"url\((/assets/fonts/[^)]+\.woff2)\)", css.text)
        assert font is not None
        assert client.get(font.group(1)).status_code == 200
        assert client.get("/static/app/app.css").status_code == 200


@contextmanager
def _web(installed: Installed) -> Iterator[str]:
    """`dfr web` on a free loopback port; yield its address once it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = installed.work / "web.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(installed.bin / "dfr"), "web"],
            cwd=installed.work,
            env={**installed.env, "DFR_WEB_PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    site = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            try:
                httpx.get(f"{site}/sign-in", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        yield site
    finally:
        stop(server, 30)
