"""dfr against the workflow engines people would pick instead, on the same two-stage approval
(`bench/peers/`): plain SQLAlchemy rows (the baseline), SpiffWorkflow and django-viewflow, each
on its own SQLite file, and dfr through its services, domain only and with notifications
queued; then dfr and the baseline again on PostgreSQL (a scratch database per run, dropped
after it).

Every engine runs `DFR_BENCH_PEERS_COUNT` submissions (default 1,000: every other one a
procurement, so 1.5 approvals a submission) in a fresh process per round, the engines taking
turns, `DFR_BENCH_PEERS_ROUNDS` rounds (default 5). Reported per engine: creations/s and
approvals/s (medians over the rounds), peak RSS (the largest over the rounds) and data
statements per step, each with its ratio to the baseline on the same database; then the
statements per creation and per approval (reads in brackets) and the engine process's CPU time
per creation and per approval (medians), which a busy machine's disk waits do not blur.
Nothing here is asserted: figures are printed.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from bench.scratch import POSTGRESQL, SQLITE, postgresql_reachable, scratch_database

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("DFR_BENCH_PEERS_COUNT", "1000"))
ROUNDS = int(os.environ.get("DFR_BENCH_PEERS_ROUNDS", "5"))


@dataclass(frozen=True)
class Contender:
    label: str
    engine: str  # a name `bench.peers.child` knows
    database: str
    needs: tuple[str, ...] = ()  # modules of the bench-peers group


CONTENDERS = (
    Contender("plain SQLAlchemy rows (baseline)", "plain", SQLITE),
    Contender("SpiffWorkflow (BPMN, JSON per step)", "spiff", SQLITE, ("SpiffWorkflow",)),
    Contender("django-viewflow (View/If nodes)", "viewflow", SQLITE, ("django", "viewflow")),
    Contender("dfr, domain services only", "dfr", SQLITE),
    Contender("dfr with notifications queued", "dfr-notify", SQLITE),
    Contender("plain SQLAlchemy rows (baseline)", "plain", POSTGRESQL),
    Contender("dfr, domain services only", "dfr", POSTGRESQL),
    Contender("dfr with notifications queued", "dfr-notify", POSTGRESQL),
)


def _run(contender: Contender) -> dict[str, Any]:
    with scratch_database(contender.database) as url:
        done = subprocess.run(
            [sys.executable, "-m", "bench.peers.child", contender.engine, url, str(COUNT)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"{contender.engine} on {contender.database} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def _available() -> list[Contender]:
    missing = sorted({m for c in CONTENDERS for m in c.needs if find_spec(m) is None})
    if missing:
        print(f"left out: {', '.join(missing)} not installed (`make bench` installs them)")
    postgresql = postgresql_reachable()
    return [
        c
        for c in CONTENDERS
        if not set(c.needs) & set(missing) and (postgresql or c.database != POSTGRESQL)
    ]


@dataclass(frozen=True)
class Figures:
    creations: float  # per second, median
    approvals: float  # per second, median
    peak_rss_mb: float  # largest
    per_creation: tuple[float, float]  # statements, of which reads
    per_approval: tuple[float, float]
    per_step: float  # statements per creation or approval
    cpu_ms: tuple[float, float]  # this process's CPU per creation, per approval


def _statements(run: dict[str, Any], step: str) -> int:
    return int(run[f"{step}_statements"]["reads"] + run[f"{step}_statements"]["writes"])


def _figures(runs: list[dict[str, Any]]) -> Figures:
    def median(values: Iterable[float]) -> float:
        return float(statistics.median(values))

    return Figures(
        creations=median(r["count"] / r["create_seconds"] for r in runs),
        approvals=median(r["approvals"] / r["approve_seconds"] for r in runs),
        peak_rss_mb=max(r["peak_rss_mb"] for r in runs),
        per_creation=(
            median(_statements(r, "create") / r["count"] for r in runs),
            median(r["create_statements"]["reads"] / r["count"] for r in runs),
        ),
        per_approval=(
            median(_statements(r, "approve") / r["approvals"] for r in runs),
            median(r["approve_statements"]["reads"] / r["approvals"] for r in runs),
        ),
        per_step=median(
            (_statements(r, "create") + _statements(r, "approve")) / (r["count"] + r["approvals"])
            for r in runs
        ),
        cpu_ms=(
            median(1000 * r["create_cpu_seconds"] / r["count"] for r in runs),
            median(1000 * r["approve_cpu_seconds"] / r["approvals"] for r in runs),
        ),
    )


def _table(database: str, rows: list[tuple[str, Figures]]) -> None:
    base = rows[0][1]
    print(
        f"\n{database}, {COUNT:,} submissions, medians of {ROUNDS} rounds; ratio: to the "
        "baseline; statements: data statements sent (reads in brackets)"
    )
    print(
        "| engine | creations/s | ratio | approvals/s | ratio | peak RSS MB | ratio "
        "| statements per step | ratio | per creation · per approval | CPU ms per creation · "
        "per approval |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for label, f in rows:
        print(
            f"| {label} | {f.creations:,.0f} | {f.creations / base.creations:.2f} "
            f"| {f.approvals:,.0f} | {f.approvals / base.approvals:.2f} "
            f"| {f.peak_rss_mb:.0f} | {f.peak_rss_mb / base.peak_rss_mb:.2f} "
            f"| {f.per_step:.1f} | {f.per_step / base.per_step:.1f} "
            f"| {f.per_creation[0]:.1f} ({f.per_creation[1]:.1f}) · "
            f"{f.per_approval[0]:.1f} ({f.per_approval[1]:.1f}) "
            f"| {f.cpu_ms[0]:.2f} · {f.cpu_ms[1]:.2f} |"
        )


def main() -> None:
    contenders = _available()
    runs: dict[Contender, list[dict[str, Any]]] = {c: [] for c in contenders}
    for round_ in range(ROUNDS):
        # The engines take turns, each round starting with the next one, so that none is
        # always measured right after the same neighbour.
        shift = round_ % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            runs[contender].append(_run(contender))
    for database in (SQLITE, POSTGRESQL):
        rows = [(c.label, _figures(runs[c])) for c in contenders if c.database == database]
        if rows:
            _table(database, rows)


if __name__ == "__main__":
    main()
