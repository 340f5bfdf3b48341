"""Production mode end to end: a real `prefect server` on PostgreSQL, two `dfr worker`
processes on the work pool, the application on PostgreSQL, Slack as a local fake. Every
submission is routed once and every notification delivered once — also when a worker is
killed in the middle of a flow run."""

from __future__ import annotations

import collections

import pytest
from sqlmodel import func, select

from harness.production import (
    distinct_submissions,
    process_tree,
    production_stack,
    submit_concurrently,
    wait_for,
)
from models.audit import LogEntry
from models.audit_check import verify_all
from models.db import session_scope
from models.notification import Notification
from models.submission import Submission

# A Prefect server, two workers and the application on PostgreSQL: minutes.
pytestmark = [pytest.mark.postgres, pytest.mark.prefect, pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with production_stack(tmp_path_factory.mktemp("production"), workers=2) as running:
        yield running


def assert_each_routed_and_told_exactly_once(stack, expected_submissions):
    with session_scope(read_only=True) as session:
        keys = session.exec(select(Submission.intake_key)).all()
        submitted = session.exec(
            select(LogEntry.submission_id).where(LogEntry.event == "submission.submitted")
        ).all()
        rows = session.exec(select(Notification)).all()
        assert verify_all(session).ok
        assert session.exec(select(func.count()).select_from(Submission)).one() == len(keys)
    assert len(keys) == expected_submissions
    assert len(set(keys)) == len(keys) and None not in keys  # one submission per intake key
    assert sorted(collections.Counter(submitted).values()) == [1] * expected_submissions
    assert rows and {r.status for r in rows} == {"delivered"}
    posted = collections.Counter(
        m["metadata"]["event_payload"]["notification_id"] for m in stack.slack.messages
    )
    assert posted == collections.Counter(r.id for r in rows)  # each one posted once


def test_two_hundred_concurrent_submissions_are_routed_and_told_exactly_once(stack):
    items = distinct_submissions(200, "burst")
    ids = submit_concurrently(items + items[:20])  # 20 sent twice, as a double-click would
    assert len(set(ids)) == 200
    stack.settle()
    assert_each_routed_and_told_exactly_once(stack, 200)
    assert not stack.follow_up_runs("FAILED", "CRASHED")


def test_a_worker_killed_mid_run_loses_nothing_and_repeats_nothing(stack):
    before = len(stack.slack.messages)
    stack.slack.received.clear()
    stack.slack.hold_seconds = 0.3  # a slow Slack keeps a follow-up run busy delivering
    submit_concurrently(distinct_submissions(20, "kill"))

    def busy_worker():
        for run in stack.follow_up_runs("RUNNING"):
            for name, worker in stack.workers.items():
                if run.infrastructure_pid and int(run.infrastructure_pid) in process_tree(
                    worker.pid
                ):
                    return name, run
        return None

    wait_for(
        lambda: stack.slack.received.is_set() and busy_worker() is not None,
        what="a follow-up run delivering on a worker",
    )
    name, run = busy_worker()
    stack.kill_worker(name)
    assert len(stack.slack.messages) > before  # it was in the middle of delivering
    stack.slack.hold_seconds = 0
    stack.start_worker(name)
    stack.settle()

    assert_each_routed_and_told_exactly_once(stack, 220)
    [killed] = [r for r in stack.follow_up_runs() if r.id == run.id]
    assert killed.state_type.value != "COMPLETED"  # killed, not finished, yet nothing is lost
