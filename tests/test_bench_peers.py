"""The benchmark's approval workflow (`bench/peers/`) on dfr's side: with a handful of
submissions, every one ends approved after the reviews its route calls for, and its
notifications are queued. (The peers themselves need the bench-peers group, which `make test`
does not install; `make bench` checks their final states on every run.)"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import col, func, select

from bench.peers.dfr_engine import Dfr
from bench.peers.plain_rows import PlainRows
from bench.peers.workload import measure
from models.db import engine_for, session_scope
from models.notification import Notification
from models.review import Decision
from models.submission import Submission


def test_every_dfr_submission_ends_approved_after_its_reviews(database_url):
    measured = measure(Dfr(database_url, notifications=True), 4)

    assert (measured.count, measured.approvals) == (4, 6)
    assert measured.create_statements.reads > 0 < measured.approve_statements.writes
    with session_scope(engine_for(database_url), read_only=True) as session:
        kinds = {s.id: (s.kind, s.state) for s in session.exec(select(Submission))}
        stages = defaultdict(list)
        for submission_id, stage in session.exec(
            select(Decision.submission_id, Decision.stage).order_by(col(Decision.id))
        ):
            stages[submission_id].append(stage)
        notifications = session.exec(select(func.count()).select_from(Notification)).one()
    assert (
        sorted(kinds.values())
        == [("initiative", "approved")] * 2 + [("procurement", "approved")] * 2
    )
    for submission_id, (kind, _state) in kinds.items():
        expected = ["digital_options_review"]
        if kind == "procurement":
            expected.append("category_review")
        assert stages[submission_id] == expected
    assert notifications > 0


def test_the_baseline_approves_every_submission_with_two_rows_a_step(tmp_path):
    measured = measure(PlainRows(f"sqlite:///{tmp_path / 'plain.sqlite3'}"), 4)

    assert (measured.count, measured.approvals) == (4, 6)
    assert (measured.create_statements.reads, measured.create_statements.writes) == (0, 8)
    assert (measured.approve_statements.reads, measured.approve_statements.writes) == (12, 12)
