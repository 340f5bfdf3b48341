"""Bulk intake from a JSON-lines file: every submission stored and routed, chunk by chunk,
each chunk whole or not at all, and exactly what intake one by one would have stored."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlmodel import func, select

from dfr.errors import NotFoundError, ValidationError
from flows.intake import intake, intake_many
from models import audit
from models.audit import LogEntry
from models.audit_check import verify_all
from models.db import session_scope
from models.directory import Delegation
from models.notification import Notification
from models.review import Action, ReviewTask
from models.submission import Submission
from models.tables import load_every_table
from models.working_days import london_today
from tests.conftest import empty_database
from tests.factories import CATEGORY_REVIEW, SERVICE, add_person, load_people, submission_data

# Columns that differ between any two runs: when a row was written, random ids, and the
# hashes that cover the log's timestamps.
UNSTABLE = {
    "created_at",
    "updated_at",
    "opened_at",
    "occurred_at",
    "hash",
    "prev_hash",
    "emitted_at",
}


def count(engine, model):
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def write_lines(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def mixed_submissions():
    """Every route intake can take: plain initiatives in two DGs and languages, procurements
    with a category review, services (assessment later, obligations), spend above the
    spend-control threshold (the Digital CoE reviews, least loaded first), wet ink."""
    big = dict(CATEGORY_REVIEW, contract_value=9_000_000)
    shapes = [
        submission_data(),
        submission_data(dg="HSS", submitter="policy.hss"),
        submission_data(kind="procurement", buys_digital=True),
        submission_data(**SERVICE),
        submission_data(**{**SERVICE, "service_phase": "discovery"}),
        submission_data(estimated_cost=9_000_000, **SERVICE),
        submission_data(wet_ink_signature=True, dg="HSS", submitter="policy.hss"),
        submission_data(kind="procurement", buys_digital=True, estimated_cost=9_000_000),
    ]
    shapes[7]["answers"]["category_review"] = big
    shapes += [shapes[5], shapes[7], shapes[5]]  # several CoE reviews in each chunk
    return [json.loads(json.dumps(shapes[n % len(shapes)])) for n in range(27)]


def prepare_directory(engine):
    """Two Digital CoE reviewers (least loaded decides between them), and the HSS Digital
    Leader away, covered by one of them."""
    load_people(engine)
    add_person(engine, "coe.two", "CoE Two", "c2@example.org", {"role": "coe"})
    today = london_today()
    with session_scope(engine) as session:
        session.add(
            Delegation(
                person_id="dl.hss",
                delegate_id="coe.two",
                starts_on=today - timedelta(days=1),
                ends_on=today + timedelta(days=1),
                reason="Leave",
            )
        )


def snapshot(engine):
    """Every row of every table, ordered by key, without the columns that differ by run."""
    tables = {}
    with engine.connect() as conn:
        for table in load_every_table().sorted_tables:
            keys = [c for c in table.primary_key.columns]
            rows = conn.execute(table.select().order_by(*keys)).mappings().all()
            tables[table.name] = [
                {k: v for k, v in row.items() if k not in UNSTABLE} for row in rows
            ]
    for row in tables["notification"]:
        del row["id"]
    tables["notification"].sort(key=lambda r: r["idempotency_key"])
    return tables


def test_bulk_intake_stores_what_intake_one_by_one_stores(people, tmp_path):
    rows = mixed_submissions()
    empty_database(people)
    prepare_directory(people)
    for data in rows:
        asyncio.run(intake.fn(data=data))
    one_by_one = snapshot(people)

    empty_database(people)
    prepare_directory(people)
    stored = asyncio.run(intake_many.fn(path=write_lines(tmp_path / "b.jsonl", rows), chunk=9))
    in_bulk = snapshot(people)

    assert stored == len(rows) == len(in_bulk["submission"])
    for name, expected in one_by_one.items():
        assert in_bulk[name] == expected, name
    assignees = [t["assignee_id"] for t in in_bulk["review_task"] if t["status"] == "open"]
    assert {"coe.one", "coe.two", "dl.est"} <= set(assignees)  # least loaded and cover used
    assert {"dl.hss"}.isdisjoint(assignees)
    assert in_bulk["raised_flag"] and in_bulk["action"] and in_bulk["notification"]
    with session_scope(people) as session:
        assert verify_all(session).ok


def test_bulk_intake_stores_routes_and_queues_every_submission(people, tmp_path):
    path = write_lines(tmp_path / "bulk.jsonl", [submission_data() for _ in range(25)])
    stored = asyncio.run(intake_many.fn(path=path, chunk=10))  # in-process, no server
    assert stored == 25 == count(people, Submission)
    assert count(people, Notification) == 25 * 2  # submitter told, reviewer assigned
    with session_scope(people) as session:
        assert audit.verify(session).ok


def test_a_chunk_is_stored_with_its_notifications_or_not_at_all(people, tmp_path, monkeypatch):
    """A chunk's notifications are queued in the transaction that stores it: when they
    cannot be, nothing of the chunk is kept (no submission left without its messages)."""
    from notifications import queue

    path = write_lines(tmp_path / "bulk.jsonl", [submission_data() for _ in range(4)])
    reachable, real_render = [False], queue.render

    def render(*args, **kwargs):
        if not reachable[0]:
            raise RuntimeError("the template store is unreachable")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(queue, "render", render)
    with pytest.raises(RuntimeError, match="unreachable"):
        asyncio.run(intake_many.fn(path=path, chunk=10))
    assert count(people, Submission) == count(people, LogEntry) == 0
    assert count(people, Notification) == 0
    reachable[0] = True
    assert asyncio.run(intake_many.fn(path=path, chunk=10)) == 4
    assert count(people, Notification) == 4 * 2  # submitter told, reviewer assigned


def test_a_bad_submission_rejects_its_chunk_naming_the_line(people, tmp_path):
    rows = [submission_data() for _ in range(25)]
    rows[23]["dg"] = "NOPE"
    path = write_lines(tmp_path / "bulk.jsonl", rows)
    with pytest.raises(NotFoundError) as raised:
        asyncio.run(intake_many.fn(path=path, chunk=10))
    assert raised.value.message.startswith("Line 24: Unknown DG NOPE.")
    assert "Nothing from lines 21 to 25 was stored" in raised.value.message
    assert count(people, Submission) == 20  # the first two chunks; none of the third
    assert count(people, ReviewTask) == 20
    assert count(people, LogEntry) == 40 and count(people, Notification) == 40
    with session_scope(people) as session:
        assert verify_all(session).ok


def six_lines_the_fifth_failing_its_checklist(tmp_path) -> str:
    rows = [submission_data() for _ in range(6)]
    rows[4]["answers"]["digital_options"]["estimated_cost"] = "lots"
    return write_lines(tmp_path / "bulk.jsonl", rows)


def test_a_submission_failing_its_checklist_rejects_its_chunk(people, tmp_path):
    path = six_lines_the_fifth_failing_its_checklist(tmp_path)
    with pytest.raises(ValidationError, match=r"^Line 5: "):
        asyncio.run(intake_many.fn(path=path, chunk=3))
    assert count(people, Submission) == 3
    assert count(people, Action) == 0


def test_a_bad_line_is_reported_even_when_publishing_the_stored_chunks_fails(
    people, tmp_path, monkeypatch, caplog
):
    """After a bad line the chunks before it are published; if that fails too (the Prefect
    API gone), the person still learns which line to correct and where to resume."""
    import flows.prefect_tasks

    def api_gone(*_args, **_kwargs):
        raise RuntimeError("Prefect API unreachable")

    monkeypatch.setattr(flows.prefect_tasks, "emit_pending_events", api_gone)
    path = six_lines_the_fifth_failing_its_checklist(tmp_path)
    with pytest.raises(ValidationError, match=r"(?s)^Line 5: .*from line 4\.") as raised:
        asyncio.run(intake_many.fn(path=path, chunk=3))
    assert raised.value.resume_line == 4
    assert count(people, Submission) == 3
    assert "Could not publish the events of 3 stored submissions" in caplog.text


def test_resuming_from_a_line_stores_only_the_lines_from_there(people, tmp_path):
    rows = [submission_data() for _ in range(5)]
    path = write_lines(tmp_path / "bulk.jsonl", rows)
    assert asyncio.run(intake_many.fn(path=path, chunk=2, from_line=4)) == 2
    assert count(people, Submission) == 2


def test_a_line_that_is_not_json_rejects_its_chunk(people, tmp_path):
    path = tmp_path / "bulk.jsonl"
    lines = [json.dumps(submission_data()) for _ in range(4)]
    lines[3] = '{"kind": "initiative",'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"^Line 4: It is not valid JSON \("):
        asyncio.run(intake_many.fn(path=str(path), chunk=2))
    assert count(people, Submission) == 2


def test_blank_lines_and_windows_line_ends_keep_line_numbers_right(people, tmp_path):
    good = json.dumps(submission_data())
    bad = json.dumps(submission_data(dg="NOPE"))
    path = tmp_path / "bulk.jsonl"
    path.write_bytes("\r\n".join(["", good, "", good, good, "", bad, good, ""]).encode())
    with pytest.raises(NotFoundError, match=r"^Line 7: Unknown DG NOPE\."):
        asyncio.run(intake_many.fn(path=str(path), chunk=2))
    assert count(people, Submission) == 2  # lines 2 and 4; lines 5 to 7 were one chunk


def test_a_line_that_gives_a_field_twice_rejects_its_chunk_naming_it(people, tmp_path):
    path = tmp_path / "bulk.jsonl"
    lines = [json.dumps(submission_data()) for _ in range(3)]
    lines[2] = lines[2].replace(
        '"kind": "initiative"', '"kind": "initiative", "kind": "procurement"'
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        ValidationError, match=r"^Line 3: It gives kind twice; give each field once"
    ):
        asyncio.run(intake_many.fn(path=str(path), chunk=2))
    assert count(people, Submission) == 2


def test_lines_naming_register_services_are_linked_and_an_unknown_one_names_its_line(
    people, tmp_path
):
    from models.service_links import ServiceLink
    from services.register import save_service
    from tests.register_data import SERVICE as FISHING

    with session_scope(people) as session:
        save_service(session, FISHING, "admin.one")
    rows = [{**submission_data(**SERVICE), "service": "fishing-licence"} for _ in range(3)]
    rows[1]["service"] = "new"
    path = write_lines(tmp_path / "bulk.jsonl", rows)
    assert asyncio.run(intake_many.fn(path=path, chunk=10)) == 3
    with session_scope(people) as session:
        links = session.exec(select(ServiceLink).order_by(ServiceLink.submission_id)).all()
        assert [(link.kind, link.service_id is None) for link in links] == [
            ("changes", False),
            ("creates", True),
            ("changes", False),
        ]
    rows[2]["service"] = "fishing-licences"
    path = write_lines(tmp_path / "again.jsonl", rows)
    with pytest.raises(ValidationError) as raised:
        asyncio.run(intake_many.fn(path=path, chunk=10))
    assert raised.value.message.startswith(
        "Line 3: There is no service fishing-licences on the register for the submission"
    )
    assert count(people, Submission) == 3 and count(people, ServiceLink) == 3
