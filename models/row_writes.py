"""A step's few writes to rows, as single statements built once per table and set of columns,
instead of the ORM's unit of work: a decision changes two or three rows it has loaded and adds
one, and flushing them through the session cost more than the rest of the decision.

`update_row` writes at once (so the row is locked, on PostgreSQL, when it returns: a step that
changes a review and then locks the decision log's head keeps that order) and leaves the
object as the database now has it, with nothing pending. `insert_row` writes a new row and
gives the object its id; the object stays outside the session.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Insert, Table, Update, bindparam, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel

from models import driver_sql

_ROW_ID = "row_id"


def update_row(session: Session, row: SQLModel, **values: Any) -> None:
    """Set `values` on `row` (loaded in `session`, with an `id` primary key) and write them
    with one UPDATE, in the session's transaction. The object is left clean: the session
    will not write these values again."""
    table = type(row).__table__  # type: ignore[attr-defined]
    columns = tuple(sorted(values))
    params = {f"new_{name}": values[name] for name in columns}
    driver_sql.run(session, _update_by_id(table, columns), {_ROW_ID: row.id, **params})  # type: ignore[attr-defined]
    for name, value in values.items():
        set_committed_value(row, name, value)


def insert_row(session: Session, row: SQLModel) -> int:
    """Write a new `row` (an `id` primary key, given by the database) with one INSERT of every
    other column as the object holds it (a column the object leaves None is written NULL, not
    given a server default), in the session's transaction; set and return its id."""
    table = type(row).__table__  # type: ignore[attr-defined]
    values = {c.name: getattr(row, c.name) for c in table.columns if c.name != "id"}
    ran = driver_sql.run(session, insert_into(table), values)
    new_id = int(ran.rows[0][0] if ran.rows else ran.lastrowid)  # type: ignore[arg-type]
    row.id = new_id
    return new_id


@lru_cache(maxsize=64)
def _update_by_id(table: Table, columns: tuple[str, ...]) -> Update:
    return (
        update(table)
        .where(table.c.id == bindparam(_ROW_ID))
        .values({name: bindparam(f"new_{name}") for name in columns})
    )


@lru_cache(maxsize=64)
def insert_into(table: Table) -> Insert:
    """The INSERT for `table`, built once: a statement reused is compiled once and found in
    SQLAlchemy's cache without being walked again (a new one is walked for its cache key at
    every execution)."""
    return insert(table)
