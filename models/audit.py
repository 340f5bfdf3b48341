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
from typing import Any

from sqlalchemy import JSON, Column, DateTime, insert
from sqlmodel import Field, Session, SQLModel, col, select

from checklists.canonical import sha256_hex
from dfr.i18n import _
from dfr.keys import audit_key
from dfr.settings import get_settings

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


@dataclass(frozen=True)
class NewEntry:
    event: str
    actor_id: str | None
    submission_id: int | None
    payload: dict[str, Any]


def anchor_of(key: bytes, seq: int, head_hash: str) -> str:
    """The HMAC-SHA-256 under `key` that vouches for a head at `seq` with `head_hash`."""
    message = f"dfr-decision-log-head:{seq}:{head_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def is_anchored(head: LogHead | None, anchor: LogHead | None, key: bytes) -> bool:
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


def _locked_head(session: Session) -> tuple[LogHead | None, LogHead | None]:
    """The head and its anchor, locked, in one statement. On PostgreSQL a row locked by the
    previous appender is read again once its lock is released (so both rows are current),
    but an anchor that appender *inserted* (the first ever) is not in this statement's
    snapshot: then, and only then, a second statement, taken with the head's lock held,
    looks for it."""
    rows = session.exec(
        select(LogHead)
        .where(col(LogHead.id).in_((HEAD_ID, ANCHOR_ID)))
        .order_by(col(LogHead.id))
        .with_for_update()
    ).all()
    found = {row.id: row for row in rows}
    head, anchor = found.get(HEAD_ID), found.get(ANCHOR_ID)
    if head is not None and head.seq > 0 and anchor is None:
        anchor = session.exec(
            select(LogHead).where(LogHead.id == ANCHOR_ID).with_for_update()
        ).one_or_none()
    return head, anchor


def _write_anchor(session: Session, anchor: LogHead | None, head: LogHead, key: bytes) -> None:
    anchor = anchor or LogHead(id=ANCHOR_ID, seq=0, hash="")
    anchor.seq, anchor.hash = head.seq, anchor_of(key, head.seq, head.hash)
    session.add(anchor)


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
        prev_hash = entry_hash(fields)
        rows.append(fields | {"hash": prev_hash})
    return rows


def _move_head(
    session: Session, head: LogHead | None, anchor: LogHead | None, last: dict[str, Any]
) -> None:
    """Point the head at `last` and anchor it, in the caller's transaction. A head that was
    not anchored (rewritten, or under another key) keeps its stale anchor: extending it would
    vouch for the rewrite."""
    key = _current_key()
    extend = is_anchored(head, anchor, key)
    old_seq = head.seq if head else 0
    if head is None:
        head = LogHead(id=HEAD_ID, seq=last["seq"], hash=last["hash"])
    else:
        head.seq, head.hash = last["seq"], last["hash"]
    session.add(head)
    if extend:
        _write_anchor(session, anchor, head, key)
    else:
        log.error(
            "decision log head (entry %s) does not match its anchor; appended entries up to %s "
            "without re-anchoring: run `dfr audit verify`",
            old_seq,
            head.seq,
        )
    session.flush()


def anchor_head(session: Session, key: bytes | None = None) -> LogHead:
    """Anchor the current head under `key` (default: the configured one), whatever anchored
    it before: after an import, a change of key, or once someone has checked a broken head.
    The caller verifies the chain first."""
    head, anchor = _locked_head(session)
    if head is None:
        head = LogHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH)
        session.add(head)
    _write_anchor(session, anchor, head, key or _current_key())
    session.flush()
    return head


def append_many(
    session: Session, entries: list[NewEntry], at: datetime | None = None
) -> list[LogEntry]:
    """Add entries in order, in the caller's transaction, locking the head row once: the
    chain stays linear under concurrent writers and the query count does not grow with the
    number of entries."""
    if not entries:
        return []
    head, anchor = _locked_head(session)
    made = [LogEntry(**row) for row in _chained(head, entries, at)]
    session.add_all(made)
    _move_head(session, head, anchor, made[-1].model_dump())
    return made


def append_rows(
    session: Session, entries: list[NewEntry], at: datetime | None = None
) -> list[dict[str, Any]]:
    """`append_many` for bulk intake: the same chain, written with one executemany, returning
    each entry's columns instead of ORM objects (building thousands of those costs more than
    hashing them)."""
    if not entries:
        return []
    head, anchor = _locked_head(session)
    rows = _chained(head, entries, at)
    session.connection().execute(insert(LogEntry.__table__), rows)  # type: ignore[attr-defined]
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


def verify_chain(session: Session) -> VerifyResult:
    """The chain and that it ends at the head, without the head's anchor: for an import,
    which anchors the head under its own key once this passes. Otherwise use `verify`."""
    entries = session.exec(select(LogEntry).order_by(LogEntry.seq)).yield_per(1000)  # type: ignore[arg-type]
    head = session.get(LogHead, HEAD_ID)
    return verify_entries(entries, head)


def verify(session: Session, key: bytes | None = None) -> VerifyResult:
    """The chain, that it ends at the head, and that the head is anchored under `key`
    (default: the configured one)."""
    chain = verify_chain(session)
    if not chain.ok:
        return chain
    head, anchor = session.get(LogHead, HEAD_ID), session.get(LogHead, ANCHOR_ID)
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
