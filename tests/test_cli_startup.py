"""`dfr` starts without what a command does not use: `--help` loads neither the database layer
nor pydantic, and the everyday commands (`show`, `tasks`, `checklists`, `audit verify`) load
neither Prefect nor the web stack; they load only the tables they read and, in English, not
Babel. Each command runs in a fresh interpreter, as from a terminal, which then says which
modules it imported (no timing is asserted: the benchmark in `bench/bench_startup.py`
measures that)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from babel.dates import format_date

import dfr.cli.main  # noqa: F401 - registers every command on the app
from dfr.cli.app import app
from models.tables import TABLE_MODULES
from models.working_days import london_today

# Prefect and the web stack: only `run`, `serve`, `web`, `deploy`, `worker`, `remind` and
# `submit-many` need them.
ORCHESTRATION_AND_WEB = {"prefect", "fastapi", "uvicorn", "starlette", "jinja2", "httpx"}

# What `dfr --help` must not wait for either: the database, settings and checklists.
DATA = {"sqlalchemy", "sqlmodel", "pydantic", "pydantic_settings", "yaml", "alembic", "babel"}

# What the everyday commands read: a submission, its reviews, the people and the log. The other
# table modules (the register, reports, sign-in…) are loaded by the commands that use them.
EVERYDAY_TABLES = {"models.audit", "models.directory", "models.review", "models.submission"}

RUN_AND_LIST_PACKAGES = """
import json, sys
from dfr.cli.main import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "packages": sorted(sys.modules)}))
"""


def run_fresh(*args: str) -> tuple[int, str, set[str]]:
    """Run `dfr ARGS` in a new interpreter; its exit code, what it printed and the modules it
    had imported when it finished, with their top-level packages."""
    ran = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_PACKAGES, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    said, _newline, report = ran.stdout.rstrip("\n").rpartition("\n")
    result = json.loads(report)
    modules = set(result["packages"])
    return result["code"], said + ran.stderr, modules | {m.split(".")[0] for m in modules}


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
    assert packages & set(TABLE_MODULES) <= EVERYDAY_TABLES, packages & set(TABLE_MODULES)
    # English dates and messages are written without Babel and its locale data.
    assert "babel" not in packages


@pytest.mark.parametrize("args", [("tasks",), ("audit", "verify")])
def test_commands_that_read_no_checklist_do_not_load_the_checklists(submitted, args):
    code, said, packages = run_fresh(*args)
    assert code == 0, said
    assert "yaml" not in packages and "checklists.loader" not in packages


def test_welsh_output_still_names_the_months_in_welsh(submitted):
    code, said, _packages = run_fresh("--lang", "cy", "show", "1")
    assert code == 0, said
    submitted_on = format_date(london_today(), "d MMMM y", locale="cy")  # e.g. 1 Rhagfyr 2026
    assert "DFR-00001" in said and submitted_on in said, said
