"""A table's row, read as columns (`models.driver_sql`), made the session's object for it, as
a query of the entity would have loaded it with `populate_existing`: the object the session
already holds for that id, its columns overwritten with the row's and left clean, or else a
new object, clean and persistent in the session. Code after the read can change it (the ORM
writes what changes at the next flush), `session.get` it (no query) or write it with
`models.row_writes`, as it could an object the ORM loaded.

Why: loading entities through the ORM (its compile state, execution and loading) cost more
than the statement itself in a decision; a new object here costs a few microseconds.
Only `id`-keyed tables with no relationships are made this way (both refused otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Column, inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict, set_committed_value
from sqlmodel import Session, SQLModel

Model = TypeVar("Model", bound=SQLModel)


@cache
def row_columns(model: type[SQLModel]) -> tuple[Column[Any], ...]:
    """The columns of `model`'s table, in the order `as_object` takes their values."""
    mapper = inspect(model)
    if mapper.relationships or [c.name for c in mapper.primary_key] != ["id"]:
        raise ValueError(f"row_objects: {model.__name__} has relationships or no id key")
    return tuple(mapper.local_table.columns)


@cache
def _keys(model: type[SQLModel]) -> tuple[tuple[str, ...], int]:
    """The attribute of each column, and where the id is among them."""
    mapper = inspect(model)
    keys = tuple(mapper.get_property_by_column(c).key for c in row_columns(model))
    return keys, keys.index("id")


def as_object(session: Session, model: type[Model], values: Sequence[Any]) -> Model:
    """The session's `model` object for a row whose columns (`row_columns(model)`, in that
    order) hold `values`."""
    keys, at = _keys(model)
    mapper = inspect(model)
    row_id = values[at]
    held = session.identity_map.get(mapper.identity_key_from_primary_key([row_id]))
    if held is not None:  # as `populate_existing`: the row's values, nothing left pending
        for key, value in zip(keys, values, strict=True):
            set_committed_value(held, key, value)
        return held  # type: ignore[no-any-return]
    made: Model = mapper.class_manager.new_instance()  # as the ORM's loading makes one
    instance_dict(made).update(zip(keys, values, strict=True))  # as the ORM's loading fills it
    make_transient_to_detached(made)  # its identity, and its values as committed
    session.add(made)  # persistent: in the identity map, nothing to flush
    return made
