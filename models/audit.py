"""The decision log: append-only and hash-chained (each entry holds the previous entry's hash).

hash = SHA-256 of the canonical JSON of {seq, occurred_at, actor_id, event, submission_id,
payload, prev_hash}. A one-row head table holds the last seq and hash, so deleting the newest
entries is detected too. `verify` names the first entry that does not fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, insert
from sqlmodel import Field, Session, SQLModel, select

from checklists.canonical import sha256_hex
from dfr.i18n import _

GENESIS_HASH = "0" * 64


class LogEntry(SQLModel, table=True):
    __tablename__ = "decision_log"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    occurred_at: str = Field(max_length=40)  # ISO 8601 UTC text: hashed exactly as stored
    actor_id: str | None = Field(default=None, max_length=64)
    event: str = Field(max_length=64)
    submission_id: int | None = Field(default=None, index=True)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class LogHead(SQLModel, table=True):
    """The chain's newest seq and hash. One row, locked while appending."""

    __tablename__ = "decision_log_head"

    id: int = Field(default=1, primary_key=True)
    seq: int
    hash: str = Field(max_length=64)


class EventEmission(SQLModel, table=True):
    """Which log entries have been published as Prefect events (so none is emitted twice)."""

    __tablename__ = "event_emission"

    log_seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    event: str = Field(max_length=64)
    emitted_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


def entry_hash(
    *,
    seq: int,
    occurred_at: str,
    actor_id: str | None,
    event: str,
    submission_id: int | None,
    payload: dict[str, Any],
    prev_hash: str,
) -> str:
    return sha256_hex(
        {
            "seq": seq,
            "occurred_at": occurred_at,
            "actor_id": actor_id,
            "event": event,
            "submission_id": submission_id,
            "payload": payload,
            "prev_hash": prev_hash,
        }
    )


def hash_of(entry: LogEntry) -> str:
    """The hash an entry's stored content should have."""
    return entry_hash(
        seq=entry.seq,
        occurred_at=entry.occurred_at,
        actor_id=entry.actor_id,
        event=entry.event,
        submission_id=entry.submission_id,
        payload=entry.payload,
        prev_hash=entry.prev_hash,
    )


@dataclass(frozen=True)
class NewEntry:
    event: str
    actor_id: str | None
    submission_id: int | None
    payload: dict[str, Any]


def _locked_head(session: Session) -> LogHead | None:
    return session.exec(select(LogHead).where(LogHead.id == 1).with_for_update()).one_or_none()


def _chained(
    head: LogHead | None, entries: list[NewEntry], at: datetime | None
) -> list[dict[str, Any]]:
    """Each new entry's columns, hashed onto the chain after `head`."""
    seq = head.seq if head else 0
    prev_hash = head.hash if head else GENESIS_HASH
    occurred_at = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
    rows = []
    for new in entries:
        seq += 1
        fields: dict[str, Any] = {
            "seq": seq,
            "occurred_at": occurred_at,
            "actor_id": new.actor_id,
            "event": new.event,
            "submission_id": new.submission_id,
            "payload": new.payload,
            "prev_hash": prev_hash,
        }
        prev_hash = entry_hash(**fields)
        rows.append(fields | {"hash": prev_hash})
    return rows


def _move_head(session: Session, head: LogHead | None, last: dict[str, Any]) -> None:
    if head is None:
        session.add(LogHead(id=1, seq=last["seq"], hash=last["hash"]))
    else:
        head.seq, head.hash = last["seq"], last["hash"]
        session.add(head)
    session.flush()


def append_many(
    session: Session, entries: list[NewEntry], at: datetime | None = None
) -> list[LogEntry]:
    """Add entries in order, in the caller's transaction, locking the head row once: the
    chain stays linear under concurrent writers and the query count does not grow with the
    number of entries."""
    if not entries:
        return []
    head = _locked_head(session)
    made = [LogEntry(**row) for row in _chained(head, entries, at)]
    session.add_all(made)
    _move_head(session, head, made[-1].model_dump())
    return made


def append_rows(
    session: Session, entries: list[NewEntry], at: datetime | None = None
) -> list[dict[str, Any]]:
    """`append_many` for bulk intake: the same chain, written with one executemany, returning
    each entry's columns instead of ORM objects (building thousands of those costs more than
    hashing them)."""
    if not entries:
        return []
    head = _locked_head(session)
    rows = _chained(head, entries, at)
    session.connection().execute(insert(LogEntry.__table__), rows)  # type: ignore[attr-defined]
    _move_head(session, head, rows[-1])
    return rows


def append(
    session: Session,
    *,
    event: str,
    actor_id: str | None,
    submission_id: int | None,
    payload: dict[str, Any],
    at: datetime | None = None,
) -> LogEntry:
    """Add one entry in the caller's transaction. The head row lock keeps the chain linear."""
    [entry] = append_many(session, [NewEntry(event, actor_id, submission_id, payload)], at)
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None


def verify_entries(entries: Iterable[LogEntry], head: LogHead | None) -> VerifyResult:
    """Walk the chain in seq order; the first entry that does not fit is reported."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                expected_seq,
                _(
                    "entry {seq} is missing (the next entry found is {found}): entries were "
                    "deleted or renumbered",
                    seq=expected_seq,
                    found=entry.seq,
                ),
            )
        if entry.prev_hash != prev_hash:
            return VerifyResult(
                False,
                checked,
                entry.seq,
                _(
                    "entry {seq} does not follow entry {previous}: entries were deleted or "
                    "reordered",
                    seq=entry.seq,
                    previous=entry.seq - 1,
                ),
            )
        if hash_of(entry) != entry.hash:
            return VerifyResult(
                False,
                checked,
                entry.seq,
                _(
                    "entry {seq} has been edited: its content no longer matches its hash",
                    seq=entry.seq,
                ),
            )
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head_seq = head.seq if head else 0
    if head_seq != checked or (head is not None and head.hash != prev_hash):
        return VerifyResult(
            False,
            checked,
            checked + 1 if head_seq > checked else head_seq,
            _(
                "the log ends at entry {last} but its head records entry {head}: the newest "
                "entries were deleted or the head was altered",
                last=checked,
                head=head_seq,
            ),
        )
    return VerifyResult(True, checked)


def verify(session: Session) -> VerifyResult:
    entries = session.exec(select(LogEntry).order_by(LogEntry.seq)).yield_per(1000)  # type: ignore[arg-type]
    head = session.get(LogHead, 1)
    return verify_entries(entries, head)
