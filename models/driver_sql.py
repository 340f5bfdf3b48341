"""A step's hot statements, each built once, run on the session's own DBAPI connection (in the
session's transaction) without SQLAlchemy's execution around each run: its execution context,
cursor result and compiled-cache look-up cost 20-30 us a statement, more than SQLite itself
takes for most of them, and a creation or an approval runs eight.

A statement is compiled once per dialect and set of parameter names, with SQLAlchemy's own
compiler (so the SQL is the same text it would send), and its binds are turned into values
with the column types' own `bind_processor`s (dates as text on SQLite, JSON serialised, JSON
wrapped for psycopg) and its rows read back with their `result_processor`s: what goes to the
driver and what comes back is what SQLAlchemy would have sent and given.

What stays as through `Connection.execute`: `before_cursor_execute` and `after_cursor_execute`
listeners see every statement (with no execution context); an error is raised by the
connection's own error handling (`DBAPIError` subclasses such as `IntegrityError`, a
`StatementError` for a value a type refuses, disconnect detection and `handle_error` events).
Statements this cannot run as SQLAlchemy would (expanding or literal binds, Python-side column
defaults, RETURNING with executemany) are refused when first prepared.

Two private names of SQLAlchemy are read, each the one place that holds what is needed:
`SQLCompiler._result_columns` (a query's result columns and types, as its rows are built from)
and `Connection._handle_dbapi_exception` (how an error is raised). The lock file pins the
version they were read in.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlmodel import Session

Processor = Callable[[Any], Any] | None
_INFO_KEY = "dfr_driver_connection"


@dataclass(frozen=True, slots=True, eq=False)
class Prepared:
    """One statement as the driver takes it: SQL text, the parameter names in the driver's
    order (positional paramstyles) or as keys (named ones), each with its fallback value
    (the statement's own literal binds) and bind processor, and for rows, their names and
    result processors."""

    sql: str
    positional: bool
    binds: tuple[tuple[str, str, Any, bool, Processor], ...]  # name, key, value, required, proc
    columns: tuple[str, ...]
    row_type: Any  # a namedtuple of `columns`
    column_types: tuple[Any, ...]  # dialect types of the columns, for their result processors


@lru_cache(maxsize=256)
def prepare(
    statement: ClauseElement, dialect: Dialect, keys: tuple[str, ...], many: bool
) -> Prepared:
    """`statement` compiled for `dialect` with parameters named `keys` (as `Connection.execute`
    compiles it: the columns an INSERT names are the keys given). Cached: for statements built
    once only."""
    compiled: Any = statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=many)
    if compiled.post_compile_params or compiled.literal_execute_params:
        raise ValueError("driver_sql: expanding or literal binds are not supported")
    if compiled.escaped_bind_names:
        raise ValueError("driver_sql: bind names that need escaping are not supported")
    if compiled.insert_prefetch or compiled.update_prefetch:
        raise ValueError("driver_sql: columns with Python-side defaults are not supported")
    returning = compiled.effective_returning if compiled.isinsert or compiled.isupdate else None
    if returning and many:
        raise ValueError("driver_sql: RETURNING with executemany is not supported")
    positional = bool(compiled.positional)
    if positional:
        named = [(compiled.binds[name], name) for name in compiled.positiontup]
    else:
        named = list(compiled.bind_names.items())
    binds = []
    for bind, name in named:
        if bind.callable is not None:
            raise ValueError("driver_sql: callable bind values are not supported")
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        binds.append((name, bind.key, bind.value, bind.required, processor))
    if returning:
        selected = [(c.key, c.type) for c in returning]
    elif compiled.isinsert or compiled.isupdate or compiled.isdelete:
        selected = []
    else:
        selected = [(entry[0], entry[3]) for entry in compiled._result_columns]
    columns = tuple(name for name, _type in selected)
    return Prepared(
        compiled.string,
        positional,
        tuple(binds),
        columns,
        namedtuple("Row", columns, rename=True) if columns else tuple,
        tuple(type_.dialect_impl(dialect) for _name, type_ in selected),
    )


def step_connection(session: Session) -> Connection:
    """The connection of the session's transaction, kept while the same transaction and
    savepoint are current: it does not change until the transaction ends, and asking the
    session for it again costs ~10 us a statement. A new savepoint (`begin_nested`) asks the
    session once more: that is when the session sends its SAVEPOINT."""
    current = (session.get_transaction(), session.get_nested_transaction())
    kept = session.info.get(_INFO_KEY)
    if kept is not None and current[0] is not None and kept[0] == current:
        connection: Connection = kept[1]
        return connection
    connection = session.connection()
    session.info[_INFO_KEY] = (
        (session.get_transaction(), session.get_nested_transaction()),
        connection,
    )
    return connection


def read(
    session: Session, statement: ClauseElement, params: Mapping[str, Any] | None = None
) -> list[Any]:
    """The rows of a built-once query (named tuples, processed as SQLAlchemy's rows are), after
    flushing pending changes as `session.execute` would (unless autoflush is off)."""
    if session.autoflush:
        session.flush()
    return run(session, statement, params).rows


@dataclass(frozen=True, slots=True)
class Ran:
    """What a statement gave: its rows (or RETURNING rows), and the new row's id (SQLite's
    `lastrowid`, for an INSERT that gave no RETURNING)."""

    rows: list[Any]
    lastrowid: int | None


def run(
    session: Session,
    statement: ClauseElement,
    params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> Ran:
    """Run a built-once statement in the session's transaction: one set of `params`, or a
    list of them (an executemany)."""
    connection = step_connection(session)
    dialect = connection.dialect
    # As `Connection.execute`: a list of one set of parameters is a single execution.
    rows_in: Sequence[Mapping[str, Any]] = (
        params if isinstance(params, list | tuple) else [params or {}]  # type: ignore[list-item]
    )
    many = len(rows_in) > 1
    prepared = prepare(statement, dialect, tuple(sorted(rows_in[0])), many)
    sql: str = prepared.sql
    parameters: Any = rows_in
    cursor: Any = None
    try:  # every error raised as through SQLAlchemy: IntegrityError, StatementError, disconnects
        values = [_values(prepared, row) for row in rows_in]
        parameters = values if many else values[0]
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        before = connection.dispatch.before_cursor_execute
        if before:  # listeners, as `Connection.execute` calls them (no execution context)
            for listener in before:
                sql, parameters = listener(connection, cursor, sql, parameters, None, many)
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        fetched = cursor.fetchall() if prepared.columns else []
    except Exception as err:
        connection._handle_dbapi_exception(err, sql, parameters, cursor, None)
    after = connection.dispatch.after_cursor_execute
    if after:
        after(connection, cursor, sql, parameters, None, many)
    rows = _rows(prepared, dialect, cursor, fetched) if fetched else []
    lastrowid = cursor.lastrowid if dialect.name == "sqlite" else None
    cursor.close()
    return Ran(rows, lastrowid)


def _values(prepared: Prepared, params: Mapping[str, Any]) -> Any:
    values = []
    for _name, key, value, required, processor in prepared.binds:
        if key in params:
            value = params[key]
        elif required:
            raise ValueError(f"a value is required for bind parameter {key!r}")
        values.append(processor(value) if processor is not None else value)
    if prepared.positional:
        return tuple(values)
    return {bind[0]: value for bind, value in zip(prepared.binds, values, strict=True)}


def _rows(prepared: Prepared, dialect: Dialect, cursor: Any, fetched: list[Any]) -> list[Any]:
    type_codes = tuple(column[1] for column in cursor.description)
    readers = _readers(prepared, dialect, type_codes)
    make = prepared.row_type._make
    if not any(readers):
        return [make(row) for row in fetched]
    return [
        make(
            value if reader is None else reader(value)
            for reader, value in zip(readers, row, strict=True)
        )
        for row in fetched
    ]


@lru_cache(maxsize=256)
def _readers(prepared: Prepared, dialect: Dialect, type_codes: tuple[Any, ...]) -> list[Processor]:
    """The columns' result processors, for the types the driver says it returned."""
    return [
        type_.result_processor(dialect, code)
        for type_, code in zip(prepared.column_types, type_codes, strict=True)
    ]
