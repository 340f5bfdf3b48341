"""The decision log's hash chain catches any edit, deletion or reordering made in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models import audit
from models.db import session_scope
from tests.factories import decide, load_people, make_submission


@pytest.fixture
def logged(engine, checklist_registry):
    """A database with a few submissions and decisions: a chain of about ten entries."""
    load_people(engine)
    first = make_submission(engine, checklist_registry)
    decide(engine, checklist_registry, first, "digital_options_review", "approve", "dl.est")
    second = make_submission(engine, checklist_registry, dg="HSS", submitter="policy.hss")
    decide(
        engine, checklist_registry, second, "digital_options_review", "request_changes", "dl.hss"
    )
    make_submission(engine, checklist_registry)
    return engine


def verify(engine):
    with session_scope(engine) as session:
        return audit.verify(session)


def run_sql(engine, sql, **params):
    with engine.begin() as conn:
        conn.execute(text(sql), params)


def test_untouched_log_verifies(logged):
    result = verify(logged)
    assert result.ok and result.checked >= 8


def test_edited_payload_is_detected(logged):
    run_sql(logged, "UPDATE decision_log SET payload = :p WHERE seq = 3", p='{"outcome": "reject"}')
    result = verify(logged)
    assert not result.ok and result.broken_seq == 3 and "edited" in result.reason


def test_edited_actor_is_detected(logged):
    run_sql(logged, "UPDATE decision_log SET actor_id = 'someone.else' WHERE seq = 5")
    assert verify(logged).broken_seq == 5


def test_deleted_entry_is_detected(logged):
    run_sql(logged, "DELETE FROM decision_log WHERE seq = 4")
    result = verify(logged)
    assert not result.ok and result.broken_seq == 4 and "missing" in result.reason


def test_deleted_newest_entry_is_detected(logged):
    last = verify(logged).checked
    run_sql(logged, "DELETE FROM decision_log WHERE seq = :s", s=last)
    result = verify(logged)
    assert not result.ok and result.broken_seq == last


def test_reordered_entries_are_detected(logged):
    run_sql(logged, "UPDATE decision_log SET seq = -1 WHERE seq = 3")
    run_sql(logged, "UPDATE decision_log SET seq = 3 WHERE seq = 4")
    run_sql(logged, "UPDATE decision_log SET seq = 4 WHERE seq = -1")
    result = verify(logged)
    assert not result.ok and result.broken_seq == 3 and "reordered" in result.reason


def test_rehashing_one_entry_still_breaks_the_next(logged):
    """Someone who edits an entry and recomputes its hash breaks the link to the next entry."""
    with session_scope(logged) as session:
        entry = session.get(audit.LogEntry, 2)
        entry.payload = {**entry.payload, "assignee_id": "someone.else"}
        entry.hash = audit.hash_of(entry)
        session.add(entry)
    result = verify(logged)
    assert not result.ok and result.broken_seq == 3


def verify_everything(engine):
    from models.audit_check import verify_all

    with session_scope(engine) as session:
        return verify_all(session)


def test_untouched_tables_match_the_log(logged):
    assert verify_everything(logged).ok


def test_edited_decision_row_is_detected(logged):
    run_sql(logged, "UPDATE decision SET outcome = 'reject' WHERE id = 1")
    result = verify_everything(logged)
    assert not result.ok and "no longer matches decision-log entry" in result.reason
    assert "outcome" in result.reason


def test_edited_submission_state_is_detected(logged):
    run_sql(logged, "UPDATE submission SET state = 'approved' WHERE id = 2")
    result = verify_everything(logged)
    assert (
        not result.ok
        and "DFR-00002 is approved but the decision log says changes requested" in result.reason
    )


def test_edited_answers_are_detected(logged):
    from sqlmodel import select

    from models.submission import ChecklistAnswers

    with session_scope(logged) as session:
        row = session.exec(
            select(ChecklistAnswers).where(ChecklistAnswers.submission_id == 1)
        ).one()
        row.answers = {**row.answers, "wet_ink_signature": True}
        session.add(row)
    result = verify_everything(logged)
    assert not result.ok and "changed after they were logged" in result.reason


# -- the head's anchor: truncating the log and rewriting its head ------------------------


def truncate(engine, keep: int) -> None:
    """What someone with write access to the database (and no key) can do: delete the newest
    entries, and the messages queued for them (which name them), and point the head at the new
    last one, so that the chain itself still fits."""
    run_sql(engine, "DELETE FROM notification WHERE log_seq > :k", k=keep)
    run_sql(engine, "DELETE FROM decision_log WHERE seq > :k", k=keep)
    run_sql(
        engine,
        "UPDATE decision_log_head SET seq = :k, hash = (SELECT hash FROM decision_log "
        "WHERE seq = :k) WHERE id = 1",
        k=keep,
    )


def test_truncating_the_log_and_rewriting_its_head_is_detected(logged):
    last = verify(logged).checked
    truncate(logged, last - 3)
    result = verify(logged)
    assert not result.ok and result.broken_seq == last - 3
    assert f"the head of the log (entry {last - 3}) does not match its anchor" in result.reason


def test_copying_the_head_into_its_anchor_does_not_forge_it(logged):
    last = verify(logged).checked
    truncate(logged, last - 2)
    run_sql(
        logged,
        "UPDATE decision_log_head SET seq = :k, hash = (SELECT hash FROM decision_log_head "
        "WHERE id = 1) WHERE id = 2",
        k=last - 2,
    )
    assert not verify(logged).ok


def test_deleting_the_anchor_is_detected(logged):
    run_sql(logged, "DELETE FROM decision_log_head WHERE id = 2")
    result = verify(logged)
    assert not result.ok and "has no anchor" in result.reason


def test_the_untouched_log_verifies_only_with_its_own_key(logged):
    with session_scope(logged) as session:
        assert audit.verify(session).ok
        wrong = audit.verify(session, key=b"not the key the log was written with")
    assert not wrong.ok and wrong.broken_seq == wrong.checked
    assert "the audit key is not the one the log was written with" in wrong.reason


def test_the_next_entry_does_not_re_anchor_a_rewritten_head(logged, checklist_registry, caplog):
    """Otherwise the next decision would vouch for the truncation and hide it."""
    last = verify(logged).checked
    truncate(logged, last - 2)
    make_submission(logged, checklist_registry)
    result = verify(logged)
    assert not result.ok and "does not match its anchor" in result.reason
    assert any(
        r.name == "dfr.models.audit" and "does not match its anchor" in r.getMessage()
        for r in caplog.records
    )


def test_checking_and_re_anchoring_a_head_makes_it_verify_again(logged):
    from services.audit import reanchor

    run_sql(logged, "DELETE FROM decision_log_head WHERE id = 2")  # as a log from before anchors
    with session_scope(logged) as session:
        seq = reanchor(session)
    result = verify(logged)
    assert result.ok and seq == result.checked


def test_re_anchoring_refuses_a_log_that_does_not_verify(logged):
    from dfr.errors import IntegrityError
    from services.audit import reanchor

    run_sql(logged, "UPDATE decision_log SET actor_id = 'someone.else' WHERE seq = 2")
    with pytest.raises(IntegrityError, match="was not anchored"), session_scope(logged) as s:
        reanchor(s)
    assert verify(logged).broken_seq == 2
