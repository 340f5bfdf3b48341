"""Concurrent writers on the same database: one decision per task, a linear decision log.
Database guarantees (row locks on PostgreSQL, immediate transactions on SQLite), not Python
locks, keep them right — these tests use separate connections in separate threads."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from dfr.errors import TransitionError
from models import audit
from models.db import session_scope
from models.review import Decision
from models.working_days import london_today
from services.decide import DecisionRequest, record_decision
from services.reassign import delegate
from tests.factories import load_people, make_submission


def race(workers):
    """Start every worker at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(workers))
    results: list[object] = [None] * len(workers)

    def run(index, work):
        barrier.wait()
        try:
            results[index] = work()
        except Exception as err:  # the loser's error is part of the result
            results[index] = err

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.parametrize("attempt", range(5))
def test_two_reviewers_deciding_at_once_record_exactly_one_decision(
    engine, checklist_registry, attempt
):
    load_people(engine)
    sid = make_submission(engine, checklist_registry)
    # Both may decide it tomorrow: the review's holder, and the CoE member covering for them.
    tomorrow = london_today() + timedelta(days=1)
    with session_scope(engine) as session:
        delegate(session, "dl.est", "coe.one", tomorrow, tomorrow, "Away", "dl.est")

    def decide_as(actor, outcome):
        def work():
            with session_scope(engine) as session:
                return record_decision(
                    session,
                    DecisionRequest(sid, "digital_options_review", outcome, "Race", actor),
                    checklist_registry,
                    tomorrow,
                ).outcome

        return work

    results = race([decide_as("dl.est", "approve"), decide_as("coe.one", "reject")])
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], TransitionError) and "not open" in losers[0].message
    with session_scope(engine) as session:
        assert len(session.exec(select(Decision)).all()) == 1
        assert audit.verify(session).ok


def test_concurrent_submissions_keep_the_log_linear(engine, checklist_registry):
    load_people(engine)

    def submit_some():
        return [make_submission(engine, checklist_registry) for _ in range(3)]

    results = race([submit_some for _ in range(6)])
    assert all(isinstance(r, list) for r in results), results
    with session_scope(engine) as session:
        result = audit.verify(session)
        entries = session.exec(select(audit.LogEntry)).all()
    assert result.ok and result.checked == len(entries) == 6 * 3 * 2


def test_two_workers_taking_the_same_intake_route_it_once(engine, checklist_registry):
    from flows.prefect_tasks import store_submission
    from models.review import ReviewTask
    from models.submission import Submission
    from tests.factories import submission_data

    load_people(engine)
    data = submission_data()
    results = race([lambda: store_submission.fn(data, "same-key") for _ in range(4)])
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    with session_scope(engine) as session:
        assert len(session.exec(select(Submission)).all()) == 1
        assert len(session.exec(select(ReviewTask)).all()) == 1
        assert audit.verify(session).ok
