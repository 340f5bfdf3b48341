"""The decision log: append-only and hash-chained (each entry holds the previous entry's hash).

hash = SHA-256 of the canonical JSON of {seq, occurred_at, actor_id, event, submission_id,
payload, prev_hash}. A head row holds the last seq and hash, so deleting the newest entries is
detected too; and the head is anchored outside the database: a second row holds an HMAC-SHA-256
of the head under `DFR_AUDIT_KEY` (`dfr.keys.audit_key`), so that someone who can write the
database but does not hold the key cannot delete the newest entries and rewrite the head to
match. `verify` names the first entry that does not fit, or the head.

An append extends the anchor only from a head that is anchored: a head found rewritten keeps
its stale anchor (and fails `verify`) until someone looks and re-anchors it (`anchor_head`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any, NamedTuple, Protocol

from sqlalchemy import JSON, Column, DateTime, Select, Update, bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Field, Session, SQLModel, select

from checklists.canonical import sha256_hex
from dfr.i18n import _
from dfr.keys import audit_key
from dfr.settings import get_settings
from models import driver_sql
from models.db import any_of
from models.row_writes import insert_into

GENESIS_HASH = "0" * 64
HEAD_ID = 1  # the head row: the newest entry's seq and hash
ANCHOR_ID = 2  # the anchor row: the seq it vouches for, and the HMAC of the head in `hash`

log = logging.getLogger("dfr.models.audit")


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
    """Row `HEAD_ID`: the chain's newest seq and hash, locked while appending. Row `ANCHOR_ID`:
    the same seq and, in `hash`, `anchor_of` the head (absent before the first entry)."""

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


# What an entry's hash covers, in the module docstring's words.
HASHED_FIELDS = ("seq", "occurred_at", "actor_id", "event", "submission_id", "payload", "prev_hash")


def entry_hash(fields: Mapping[str, Any]) -> str:
    """The hash of an entry with these fields (those not in HASHED_FIELDS are not hashed)."""
    return sha256_hex({name: fields[name] for name in HASHED_FIELDS})


def hash_of(entry: LogEntry) -> str:
    """The hash an entry's stored content should have."""
    return entry_hash({name: getattr(entry, name) for name in HASHED_FIELDS})


class Logged(Protocol):
    """What is read of an entry once it is in the log: a stored `LogEntry`, or the `Appended`
    columns of one a step has just written (telling people of those needs no ORM object)."""

    @property
    def seq(self) -> int: ...
    @property
    def actor_id(self) -> str | None: ...
    @property
    def event(self) -> str: ...
    @property
    def submission_id(self) -> int | None: ...
    @property
    def payload(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Appended:
    """An entry as `append_rows` wrote it (its columns, by the same names as `LogEntry`'s)."""

    seq: int
    occurred_at: str
    actor_id: str | None
    event: str
    submission_id: int | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class NewEntry:
    event: str
    actor_id: str | None
    submission_id: int | None
    payload: dict[str, Any]


class Head(NamedTuple):
    """A row of the head table as appending reads it: the newest seq and its hash (the head),
    or the seq vouched for and its HMAC (the anchor)."""

    seq: int
    hash: str


def anchor_of(key: bytes, seq: int, head_hash: str) -> str:
    """The HMAC-SHA-256 under `key` that vouches for a head at `seq` with `head_hash`."""
    message = f"dfr-decision-log-head:{seq}:{head_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def is_anchored(head: Head | LogHead | None, anchor: Head | LogHead | None, key: bytes) -> bool:
    """Whether `anchor` vouches for `head` under `key`; an empty log needs no anchor."""
    if head is None or (head.seq == 0 and anchor is None):
        return True
    return (
        anchor is not None
        and anchor.seq == head.seq
        and hmac.compare_digest(anchor.hash, anchor_of(key, head.seq, head.hash))
    )


def _current_key() -> bytes:
    return audit_key(get_settings())


@cache
def _head_query() -> Select[Any]:
    """The head and anchor rows, locked: built once (building it costs more than running it)."""
    table = LogHead.__table__  # type: ignore[attr-defined]
    return (
        sa_select(table.c.id, table.c.seq, table.c.hash)
        .where(any_of(table.c.id, (HEAD_ID, ANCHOR_ID)))
        .order_by(table.c.id)
        .with_for_update()
    )


@cache
def _head_read() -> Select[Any]:
    table = LogHead.__table__  # type: ignore[attr-defined]
    return sa_select(table.c.seq, table.c.hash).where(table.c.id == HEAD_ID)


def log_head(session: Session) -> Head | None:
    """The log's newest seq and hash as committed now (None before the first entry),
    unlocked: one primary-key read. Every logged change moves it, so whatever is derived
    from logged data only can be kept until it moves."""
    rows = driver_sql.read(session, _head_read())
    return Head(rows[0].seq, rows[0].hash) if rows else None


@cache
def _anchor_query() -> Select[Any]:
    table = LogHead.__table__  # type: ignore[attr-defined]
    return sa_select(table.c.seq, table.c.hash).where(table.c.id == ANCHOR_ID).with_for_update()


@cache
def _head_update() -> Update:
    """Move a head-table row (`row_id`) to `new_seq` and `new_hash`: the head and its anchor
    in one executemany."""
    table = LogHead.__table__  # type: ignore[attr-defined]
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
    )


def _locked_head(session: Session) -> tuple[Head | None, Head | None]:
    """The head and its anchor, locked, in one statement (the step's pending changes are
    flushed first, as for any query). On PostgreSQL a row locked by the previous appender is
    read again once its lock is released (so both rows are current), but an anchor that
    appender *inserted* (the first ever) is not in this statement's snapshot: then, and only
    then, a second statement, taken with the head's lock held, looks for it."""
    found = {row.id: Head(row.seq, row.hash) for row in driver_sql.read(session, _head_query())}
    head, anchor = found.get(HEAD_ID), found.get(ANCHOR_ID)
    if head is not None and head.seq > 0 and anchor is None:
        rows = driver_sql.read(session, _anchor_query())
        anchor = Head(rows[0].seq, rows[0].hash) if rows else None
    return head, anchor


def _write_head(session: Session, moves: dict[int, tuple[Head | None, Head]]) -> None:
    """Set head-table rows (row id -> (as read, or None if absent; new seq and hash)): the rows
    read are updated with one executemany, absent ones inserted. Core statements: the rows
    are not loaded as objects for this."""
    table = LogHead.__table__  # type: ignore[attr-defined]
    updates = [
        {"row_id": row_id, "new_seq": new.seq, "new_hash": new.hash}
        for row_id, (old, new) in moves.items()
        if old is not None
    ]
    inserts = [
        {"id": row_id, "seq": new.seq, "hash": new.hash}
        for row_id, (old, new) in moves.items()
        if old is None
    ]
    if updates:
        driver_sql.run(session, _head_update(), updates)
    if inserts:
        driver_sql.run(session, insert_into(table), inserts)


def _anchored(head: Head, key: bytes) -> Head:
    """The anchor row that vouches for `head` under `key`."""
    return Head(head.seq, anchor_of(key, head.seq, head.hash))


def _chained(
    head: Head | None, entries: list[NewEntry], at: datetime | None
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
        prev_hash = entry_hash(fields)
        rows.append(fields | {"hash": prev_hash})
    return rows


def _move_head(
    session: Session, head: Head | None, anchor: Head | None, last: dict[str, Any]
) -> None:
    """Point the head at `last` and anchor it, in the caller's transaction. A head that was
    not anchored (rewritten, or under another key) keeps its stale anchor: extending it would
    vouch for the rewrite."""
    key = _current_key()
    extend = is_anchored(head, anchor, key)
    new = Head(last["seq"], last["hash"])
    moves = {HEAD_ID: (head, new)}
    if extend:
        moves[ANCHOR_ID] = (anchor, _anchored(new, key))
    else:
        log.error(
            "decision log head (entry %s) does not match its anchor; appended entries up to %s "
            "without re-anchoring: run `dfr audit verify`",
            head.seq if head else 0,
            new.seq,
        )
    _write_head(session, moves)


def anchor_head(session: Session, key: bytes | None = None) -> Head:
    """Anchor the current head under `key` (default: the configured one), whatever anchored
    it before: after an import, a change of key, or once someone has checked a broken head.
    The caller verifies the chain first."""
    head, anchor = _locked_head(session)
    moves: dict[int, tuple[Head | None, Head]] = {}
    if head is None:
        head = Head(0, GENESIS_HASH)
        moves[HEAD_ID] = (None, head)
    moves[ANCHOR_ID] = (anchor, _anchored(head, key or _current_key()))
    _write_head(session, moves)
    return head


def append_many(
    session: Session, entries: list[NewEntry], at: datetime | None = None
) -> list[LogEntry]:
    """Add entries in order, in the caller's transaction, locking the head row once: the
    chain stays linear under concurrent writers and the query count does not grow with the
    number of entries. The entries are written with one executemany; the objects returned
    are not in the session."""
    return [LogEntry(**row) for row in append_rows(session, entries, at)]


def append_rows(
    session: Session, entries: list[NewEntry], at: datetime | None = None
) -> list[dict[str, Any]]:
    """`append_many`, returning each entry's columns instead of objects (bulk intake: building
    thousands of those costs more than hashing them)."""
    if not entries:
        return []
    head, anchor = _locked_head(session)
    rows = _chained(head, entries, at)
    driver_sql.run(session, insert_into(LogEntry.__table__), rows)  # type: ignore[attr-defined]
    _move_head(session, head, anchor, rows[-1])
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


def _head_row(session: Session, row_id: int) -> LogHead | None:
    """A head-table row as stored now: appends write it with Core statements, so an object
    this session loaded before one would be stale."""
    return session.get(LogHead, row_id, populate_existing=True)


def verify_chain(session: Session) -> VerifyResult:
    """The chain and that it ends at the head, without the head's anchor: for an import,
    which anchors the head under its own key once this passes. Otherwise use `verify`."""
    entries = session.exec(select(LogEntry).order_by(LogEntry.seq)).yield_per(1000)  # type: ignore[arg-type]
    return verify_entries(entries, _head_row(session, HEAD_ID))


def verify(session: Session, key: bytes | None = None) -> VerifyResult:
    """The chain, that it ends at the head, and that the head is anchored under `key`
    (default: the configured one)."""
    chain = verify_chain(session)
    if not chain.ok:
        return chain
    head, anchor = _head_row(session, HEAD_ID), _head_row(session, ANCHOR_ID)
    if is_anchored(head, anchor, key or _current_key()):
        return chain
    seq = head.seq if head else 0
    if anchor is None:
        reason = _(
            "the head of the log (entry {seq}) has no anchor: the newest entries may have been "
            "deleted and the head rewritten",
            seq=seq,
        )
    else:
        reason = _(
            "the head of the log (entry {seq}) does not match its anchor: the newest entries "
            "were deleted and the head rewritten, or the audit key is not the one the log was "
            "written with",
            seq=seq,
        )
    return VerifyResult(False, chain.checked, seq, reason)
