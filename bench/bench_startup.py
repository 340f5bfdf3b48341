"""How long a person waits for `dfr` to start: `dfr --help` and `dfr show DFR-00001` (targets
under 0.5 s and under 1 s, and under 60 MB for `--help`), and the other everyday commands
(`tasks`, `checklists list`, `audit verify`, no target), against `python -c pass` in the same
run.

Each command runs ROUNDS times as a new process, the commands taking turns; times are medians of
wall-clock time from start to exit, memory the largest peak RSS (from `wait4`, in a small
launcher process whose start every command pays alike). The commands read one example
submission from a SQLite file of their own, with a var/ folder of their own in which the first
(unmeasured) run of each keeps the parsed checklist files, as after any first run; a command
after an edit to a checklist file parses that file again. DFR_BENCH_STARTUP_ROUNDS changes the
number of rounds (default 5, the median of 5 the targets name).

The project's own modules are compiled to bytecode first, as an installed wheel has them: where
PYTHONDONTWRITEBYTECODE is set, an editable install would otherwise compile every module again
in every run, a cost no installed `dfr` pays.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from bench.fixtures import load_demo_directory, submission_document
from checklists.loader import registry
from dfr.settings import get_settings
from models.db import dispose_engine, engine_for, session_scope
from models.migrate import upgrade
from services.submit import submit

ROUNDS = int(os.environ.get("DFR_BENCH_STARTUP_ROUNDS", "5"))
DFR = [sys.executable, "-c", "from dfr.cli.main import run; run()"]
COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "dfr --help": [*DFR, "--help"],
    "dfr show DFR-00001": [*DFR, "show", "DFR-00001"],
    "dfr tasks": [*DFR, "tasks"],
    "dfr checklists list": [*DFR, "checklists", "list"],
    "dfr audit verify": [*DFR, "audit", "verify"],
}
TARGETS = {"dfr --help": (0.5, 60), "dfr show DFR-00001": (1.0, None)}
# The project's packages, beside this one.
PROJECT = Path(__file__).resolve().parent.parent
PACKAGES = ("dfr", "models", "services", "checklists", "flows", "notifications")


# A small process that starts the command and reports its peak RSS and CPU time: a child forked
# from this benchmark would count this process's memory, held until its exec, as its own.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_pid, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def _run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds from start to exit, CPU seconds of the command itself and its peak RSS in MB,
    of one run; it must succeed. The wall-clock time includes the launcher's own start, the
    same for every command. On a machine shared with other work the CPU time varies less than
    the wall-clock time, which counts the waits for a core."""
    began = time.perf_counter()
    launched = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    took = time.perf_counter() - began
    code, cpu, peak_kb = launched.stdout.split()[-3:]
    assert code == "0", f"{command} exited with {code}: {launched.stderr[-2000:]}"
    return took, float(cpu), int(peak_kb) / 1024


def _one_submission(folder: Path) -> str:
    """A SQLite file holding the demo directory and one example submission (DFR-00001), its
    decision log anchored with the audit key generated into `folder` (the commands' var/, so
    that `audit verify` finds the log intact)."""
    url = f"sqlite:///{folder / 'dfr.sqlite3'}"
    with mock.patch.dict(os.environ, {"DFR_VAR_DIR": str(folder), "DFR_DATABASE_URL": url}):
        get_settings.cache_clear()
        upgrade(url)
        engine = engine_for(url)
        load_demo_directory(engine)
        with session_scope(engine) as session:
            submit(session, submission_document(), registry())
        dispose_engine(url)
    get_settings.cache_clear()
    return url


def _compile_project() -> None:
    """Bytecode for the project's own modules, as an installed wheel has it."""
    for package in PACKAGES:
        compileall.compile_dir(PROJECT / package, quiet=1)


def main() -> None:
    _compile_project()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DFR_DATABASE_URL": _one_submission(Path(folder))}
        env["DFR_VAR_DIR"] = folder
        env.pop("PREFECT_API_URL", None)
        times: dict[str, list[float]] = {label: [] for label in COMMANDS}
        cpus: dict[str, list[float]] = {label: [] for label in COMMANDS}
        peaks: dict[str, float] = dict.fromkeys(COMMANDS, 0.0)
        for command in COMMANDS.values():  # a first run of each warms the disk cache
            _run_once(command, env)
        for _round in range(ROUNDS):
            for label, command in COMMANDS.items():
                took, cpu, peak = _run_once(command, env)
                times[label].append(took)
                cpus[label].append(cpu)
                peaks[label] = max(peaks[label], peak)
    base_time = statistics.median(times["python -c pass (baseline)"])
    base_peak = peaks["python -c pass (baseline)"]
    print(
        f"  {ROUNDS} runs each, taking turns; median wall-clock time (median CPU time), "
        "largest peak RSS"
    )
    for label in COMMANDS:
        took = statistics.median(times[label])
        line = (
            f"  {label}: {took * 1000:.0f} ms ({took / base_time:.1f} times the baseline; "
            f"CPU {statistics.median(cpus[label]) * 1000:.0f} ms), "
            f"{peaks[label]:.0f} MB ({peaks[label] / base_peak:.1f} times)"
        )
        if label in TARGETS:
            seconds, megabytes = TARGETS[label]
            met = took < seconds and (megabytes is None or peaks[label] < megabytes)
            target = f"< {seconds} s" + (f", < {megabytes} MB" if megabytes else "")
            line += f"; {'meets' if met else 'misses'} the target ({target})"
        print(line)


if __name__ == "__main__":
    main()
