"""Idempotency keys (the IETF `Idempotency-Key` draft): a retry with the same key and document
returns the first submission; the same key with another document is refused and stores
nothing; a key is scoped to the person who sent it; a request still being stored answers
"in progress" instead of waiting."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from checklists.loader import Registry
from dfr.errors import InProgressError, ValidationError
from models.db import engine_for, session_scope
from models.submission import Submission
from services.submit import submit
from tests.factories import load_people, submission_data


def stored(engine) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(Submission)).one()


def test_a_retry_with_the_same_key_and_document_returns_the_first(
    people, checklist_registry: Registry
):
    with session_scope(people) as session:
        first = submit(
            session, submission_data(), checklist_registry, intake_key="k", actor_id="policy.est"
        )
    with session_scope(people) as session:
        again = submit(
            session, submission_data(), checklist_registry, intake_key="k", actor_id="policy.est"
        )
    assert again.submission_id == first.submission_id and not again.created
    assert stored(people) == 1


def test_the_same_key_with_another_document_is_refused_and_stores_nothing(
    people, checklist_registry: Registry
):
    with session_scope(people) as session:
        submit(
            session, submission_data(), checklist_registry, intake_key="k", actor_id="policy.est"
        )
    changed = submission_data()
    changed["title"] = {"cy": "Teitl arall", "en": "Another title"}
    with pytest.raises(ValidationError) as refused, session_scope(people) as session:
        submit(session, changed, checklist_registry, intake_key="k", actor_id="policy.est")
    assert refused.value.field == "idempotency_key"
    assert "already used for a different submission" in refused.value.message
    assert "DFR-" not in refused.value.message  # the first submission is not revealed
    assert stored(people) == 1


def test_a_key_belongs_to_the_person_who_sent_it(people, checklist_registry: Registry):
    with session_scope(people) as session:
        mine = submit(
            session,
            submission_data(),
            checklist_registry,
            intake_key="key-1",
            actor_id="policy.est",
        )
    theirs_document = submission_data(dg="HSS", submitter="policy.hss")
    with session_scope(people) as session:
        theirs = submit(
            session, theirs_document, checklist_registry, intake_key="key-1", actor_id="policy.hss"
        )
    assert theirs.created and theirs.submission_id != mine.submission_id
    assert stored(people) == 2


@pytest.mark.postgres
def test_a_request_still_being_stored_answers_in_progress(
    pg_database, checklist_registry, monkeypatch
):
    """PostgreSQL: while one transaction holds the key, another with the same key is told to
    try again instead of waiting (SQLite has one writer at a time, so it cannot happen there)."""
    from tests.conftest import _truncate_all

    engine = engine_for(pg_database)
    _truncate_all(engine)
    load_people(engine)
    with Session(engine) as first:
        submit(
            first, submission_data(), checklist_registry, intake_key="slow", actor_id="policy.est"
        )
        with pytest.raises(InProgressError) as busy, Session(engine) as second:
            submit(
                second,
                submission_data(),
                checklist_registry,
                intake_key="slow",
                actor_id="policy.est",
                refuse_in_progress=True,
            )
        assert busy.value.field == "idempotency_key"
        first.commit()
    assert stored(engine) == 1
