"""`dfr` starts without what a command does not use: `--help` loads neither the database layer
nor pydantic, and the everyday commands (`show`, `tasks`, `checklists`, `audit verify`) load
neither Prefect nor the web stack. Each command runs in a fresh interpreter, as from a
terminal, which then says which packages it imported (no timing is asserted: the benchmark in
`bench/bench_startup.py` measures that)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer

import dfr.cli.main  # noqa: F401 - registers every command on the app
from dfr.cli.app import app

# Prefect and the web stack: only `run`, `serve`, `web`, `deploy`, `worker`, `remind` and
# `submit-many` need them.
ORCHESTRATION_AND_WEB = {"prefect", "fastapi", "uvicorn", "starlette", "jinja2", "httpx"}

# What `dfr --help` must not wait for either: the database, settings and checklists.
DATA = {"sqlalchemy", "sqlmodel", "pydantic", "pydantic_settings", "yaml", "alembic", "babel"}

RUN_AND_LIST_PACKAGES = """
import json, sys
from dfr.cli.main import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "packages": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def run_fresh(*args: str) -> tuple[int, str, set[str]]:
    """Run `dfr ARGS` in a new interpreter; its exit code, what it printed and the top-level
    packages it had imported when it finished."""
    ran = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_PACKAGES, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    said, _newline, report = ran.stdout.rstrip("\n").rpartition("\n")
    result = json.loads(report)
    return result["code"], said + ran.stderr, set(result["packages"])


def test_help_lists_every_command_without_loading_the_database_or_prefect():
    code, said, packages = run_fresh("--help")
    assert code == 0
    assert packages.isdisjoint(ORCHESTRATION_AND_WEB | DATA), packages & (
        ORCHESTRATION_AND_WEB | DATA
    )
    commands = typer.main.get_command(app).commands
    assert len(commands) > 20
    for name, command in commands.items():
        assert f"\n  {name} " in said, f"{name} is missing from dfr --help"
        first_sentence = (command.help or "").split(".")[0].split()
        assert " ".join(first_sentence) in " ".join(said.split()), f"{name}'s help is cut"


def test_help_of_a_group_lists_its_commands():
    code, said, _packages = run_fresh("audit", "--help")
    assert code == 0
    assert "verify" in said and "anchor" in said


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("show", "1"), "DFR-00001"),
        (("tasks",), "DFR-00001"),
        (("checklists", "list"), "digital_options v1 [published]"),
        (("checklists", "show", "digital_options"), "digital_options"),
        (("audit", "verify"), "verif"),
    ],
)
def test_everyday_commands_start_without_prefect_or_the_web_stack(submitted, args, shown):
    code, said, packages = run_fresh(*args)
    assert code == 0, said
    assert shown in said
    assert packages.isdisjoint(ORCHESTRATION_AND_WEB), packages & ORCHESTRATION_AND_WEB
