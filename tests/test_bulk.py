"""Bulk intake from a JSON-lines file: every submission stored and routed, chunk by chunk,
each chunk whole or not at all."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlmodel import func, select

from dfr.errors import NotFoundError
from flows.intake import intake_many
from models import audit
from models.db import session_scope
from models.submission import Submission
from notifications.records import Notification
from tests.factories import submission_data


def count(engine, model):
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_bulk_intake_stores_routes_and_queues_every_submission(people, tmp_path):
    path = tmp_path / "bulk.jsonl"
    path.write_text(
        "".join(json.dumps(submission_data()) + "\n" for _ in range(25)), encoding="utf-8"
    )
    stored = asyncio.run(intake_many.fn(path=str(path), chunk=10))  # in-process, no server
    assert stored == 25 == count(people, Submission)
    assert count(people, Notification) == 25 * 2  # submitter told, reviewer assigned
    with session_scope(people) as session:
        assert audit.verify(session).ok


def test_a_bad_submission_rejects_its_chunk_only(people, tmp_path):
    rows = [submission_data() for _ in range(25)]
    rows[23]["dg"] = "NOPE"
    path = tmp_path / "bulk.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(NotFoundError, match="Unknown DG NOPE"):
        asyncio.run(intake_many.fn(path=str(path), chunk=10))
    assert count(people, Submission) == 20  # the first two chunks; none of the third
