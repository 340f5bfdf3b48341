"""The pages people use every day read no history whole: each statement the review queue, the
DG overview, the finder (its pages in every order, and its download), a submission's page (with
decisions, conditions and ratings), the cover page and the public register's pages send finds
the rows of a table that grows with use through an index, so a page costs the same after years
of use. Checked on SQLite's own plans, on a copy of the site's database without its statistics
(with them, the planner of a database this small rightly prefers reading a table whole; without
them it plans as for a large one). How long a list's page takes to sort is measured instead, with
500,000 submissions (bench/bench_web.py: the finder's first page, for the Digital CoE and for a
DG's Digital Leader).

Tables that hold reference data of a fixed, small size (the DGs, the kinds of transaction) are
read whole by design, as are the register of services, which its pages list in full, and its
monthly returns, which the register's summary adds up (once for each change: services.
register_memo). Not here: signing in (tests/test_visits.py), and the Digital CoE's list of
register proposals, which still reads every approved submission to find those that build a
service."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url
from sqlmodel import SQLModel, select

from models.db import engine_for, session_scope
from models.submission import Submission
from tests.web_support import Browserless, Site

READ_WHOLE_BY_DESIGN = {
    "directorate",
    "service_transaction_type",
    "register_service",
    "progress_report",
    "decision_log_head",
    "service_return",
}
_PLANNED = ("SELECT", "WITH", "UPDATE", "DELETE")


@contextmanager
def sent(site: Site) -> Iterator[list[tuple[str, Any]]]:
    """Each planned statement the site sends while the block runs, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _c: Any, many: bool):
        if statement.lstrip().upper().startswith(_PLANNED):
            seen.append((statement, parameters[0] if many else parameters))

    engine = engine_for(site.database_url)
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def whole_reads(site: Site, statements: list[tuple[str, Any]], folder: Path) -> list[str]:
    """Each statement that reads a table of history whole, as SQLite would plan it on a large
    database."""
    source = make_url(site.database_url).database
    assert source is not None
    copy = folder / "plans.sqlite3"
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
        live.backup(target)
    tables = set(SQLModel.metadata.tables) - READ_WHOLE_BY_DESIGN
    found = []
    with sqlite3.connect(copy) as connection:
        if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            connection.execute("DELETE FROM sqlite_stat1")
            connection.commit()
    with sqlite3.connect(copy) as connection:  # opened again: plans made without statistics
        for statement, parameters in dict(statements).items():
            plan = connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            whole = [
                row[3] for row in plan if row[3].startswith("SCAN ") and row[3].split()[1] in tables
            ]
            if whole:
                found.append(f"{whole}: {' '.join(statement.split())[:240]}")
    return found


def test_everyday_pages_read_no_history_whole(examples_site: Site, tmp_path: Path):
    with session_scope(engine_for(examples_site.database_url)) as session:
        everything = session.exec(select(Submission.id)).all()
    visits = {
        "carys.llewelyn": [  # the Digital CoE: every DG
            "/submissions",
            "/submissions?sort=oldest",
            "/submissions?sort=reference",
            "/submissions?state=approved",
            "/submissions.csv",
            "/cover",
            *(f"/submissions/{sid}" for sid in everything),
        ],
        "rhian.evans": ["/work", "/dg/EST", "/submissions", "/submissions?dg=EST"],
        "huw.jenkins": ["/work", "/services", "/services-summary"],
    }
    clients = {person: Browserless(examples_site) for person in visits}
    for person, client in clients.items():
        client.sign_in(person)
    with sent(examples_site) as statements:
        for person, paths in visits.items():
            for path in paths:
                assert clients[person].get(path).status_code == 200, (person, path)
    for client in clients.values():
        client.close()
    assert len(statements) > 50
    found = whole_reads(examples_site, statements, tmp_path)
    assert found == [], "\n".join(found)
