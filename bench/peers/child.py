"""Run one engine on one database in this process and print its figures as one JSON line:
`python -m bench.peers.child ENGINE DATABASE_URL COUNT`. The runner starts one process per
engine and round, so that each peak RSS is that engine's own (setup included)."""

from __future__ import annotations

import json
import resource
import sys
from dataclasses import asdict
from typing import Any

from bench.peers.workload import Engine, measure

ENGINES = ("plain", "spiff", "viewflow", "dfr", "dfr-notify")


def _sqlite_path(url: str) -> str:
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise SystemExit(f"this engine runs on SQLite only, not {url}")
    return url.removeprefix(prefix)


def engine_for(name: str, url: str) -> Engine[Any]:
    """The engine called `name`, set up on a new database at `url`; only its own imports."""
    if name == "plain":
        from bench.peers.plain_rows import PlainRows

        return PlainRows(url)
    if name == "spiff":
        from bench.peers.spiff import Spiff

        return Spiff(_sqlite_path(url))
    if name == "viewflow":
        from bench.peers.viewflow_engine import Viewflow

        return Viewflow(_sqlite_path(url))
    if name in ("dfr", "dfr-notify"):
        from bench.peers.dfr_engine import Dfr

        return Dfr(url, notifications=name == "dfr-notify")
    raise SystemExit(f"unknown engine {name}: choose one of {', '.join(ENGINES)}")


def main(argv: list[str]) -> None:
    name, url, count = argv
    measured = measure(engine_for(name, url), int(count))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({**asdict(measured), "peak_rss_mb": peak_kb / 1024}))


if __name__ == "__main__":
    main(sys.argv[1:])
