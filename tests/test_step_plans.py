"""A step reads nothing whole: every query and update a submission and its decisions send finds
its rows through an index, so a step costs the same with a government's directory and years of
history as with the demo's. Checked on the database's own plans, not by timing: on SQLite,
`EXPLAIN QUERY PLAN` shows no `SCAN` of a table; on PostgreSQL, with sequential scans priced
out of reach (`enable_seqscan = off`), `EXPLAIN` still shows none, nor an index walked whole
(a scan with no condition on the index), which it would only when no index can serve the
statement. (A `bench/bench_directory_size.py` run measures the same thing
as time.)

INSERTs are not planned here: the only tables they read are the parents their foreign keys
name, by primary key."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from models.db import session_scope
from models.directory import Delegation
from services.decide import DecisionRequest, record_decision
from services.submit import submit
from tests.factories import make_submission, submission_data

Sent = tuple[str, Any]
_PLANNED = ("SELECT", "WITH", "UPDATE", "DELETE")


@contextmanager
def sent(engine: Engine) -> Iterator[list[Sent]]:
    """Each planned statement sent while the block runs, with its first set of parameters."""
    seen: list[Sent] = []

    def keep(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, many: bool
    ) -> None:
        if statement.lstrip().upper().startswith(_PLANNED):
            seen.append((statement, parameters[0] if many else parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def whole_reads(engine: Engine, statements: list[Sent]) -> list[str]:
    """Each statement that reads a table whole, with the plan's words for it."""
    tables = set(SQLModel.metadata.tables)
    found = []
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if engine.dialect.name == "postgresql":
            cursor.execute("SET enable_seqscan = off")
        for statement, parameters in statements:
            if engine.dialect.name == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                lines = [row[3] for row in cursor.fetchall()]
                whole = [
                    line for line in lines if line.startswith("SCAN ") and line.split()[1] in tables
                ]
            else:
                cursor.execute(f"EXPLAIN (VERBOSE, FORMAT JSON) {statement}", parameters)
                (explained,) = cursor.fetchall()
                plan = explained[0][0]["Plan"]
                hashed = set(re.findall(r"hashed (SubPlan \d+)", json.dumps(plan)))
                whole = list(_whole_scans(plan, hashed))
            if whole:
                found.append(f"{whole}: {' '.join(statement.split())[:200]}")
    finally:
        connection.rollback()
        connection.close()
    return found


def _whole_scans(node: dict[str, Any], hashed: set[str]) -> Iterator[str]:
    """PostgreSQL: each scan in the plan that reads a table whole: a sequential scan, or an
    index scan with no condition on the index (walking all of it). Not in a hashed subplan
    (`hashed`: their names): PostgreSQL hashes a subquery's whole table once when the table is
    as small as a test's, and looks up each row by index when it is not (as it did for the
    decision's flags with 24,000 of them)."""
    if node.get("Subplan Name") in hashed:
        return
    kind = node["Node Type"]
    if (
        kind == "Seq Scan"
        or (kind.endswith("Index Scan") and "Index Cond" not in node)
        or (kind == "Index Only Scan" and "Index Cond" not in node)
    ):
        yield f"{kind} on {node.get('Relation Name', node.get('Index Name'))}"
    for child in node.get("Plans", []):
        yield from _whole_scans(child, hashed)


def _decide(engine: Engine, registry: Any, sid: int, stage: str, actor: str) -> None:
    request = DecisionRequest(sid, stage, "approve", "Digital options considered.", actor)
    with session_scope(engine) as session:
        record_decision(session, request, registry)


def test_a_submission_and_its_decisions_read_no_table_whole(people, checklist_registry):
    make_submission(people, checklist_registry)  # the log has a head, the ids a start
    today = date.today()
    with session_scope(people) as session:  # cover running today, and some long over
        session.add(
            Delegation(
                person_id="dl.est",
                delegate_id="cm.est",
                starts_on=today - timedelta(days=1),
                ends_on=today + timedelta(days=1),
                reason="Annual leave",
            )
        )
        session.add(
            Delegation(
                person_id="cm.est",
                delegate_id="dl.est",
                starts_on=today - timedelta(days=400),
                ends_on=today - timedelta(days=390),
                reason="Annual leave",
            )
        )
    data = submission_data(kind="procurement", buys_digital=True)
    with sent(people) as statements:
        with session_scope(people) as session:
            sid = submit(session, data, checklist_registry).submission_id
        # cm.est decides dl.est's review as their cover, then the category review as themself
        _decide(people, checklist_registry, sid, "digital_options_review", "cm.est")
        _decide(people, checklist_registry, sid, "category_review", "cm.est")
    assert len(statements) >= 6, statements  # the reads and updates of three steps were seen
    found = whole_reads(people, statements)
    assert found == [], "\n".join(found)
