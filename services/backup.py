"""Export the whole database as JSON lines and import it into an empty one, exactly.

Each line is {"table": name, "row": {column: value}}; tables come in dependency order. An
import is one transaction: the decision log and every table it vouches for are verified
before it commits, so a tampered or truncated export changes nothing.

The decision log's anchor (`models.audit`) is not exported: it is made with the exporting
system's key, which the importing one need not share, and a copy of it in a backup file would
let whoever holds the file roll the log back to that point unseen. The import anchors the
verified head under its own key.

Web sessions and sign-in attempts (`TRANSIENT`) are working state, not records: they are not
exported (a session token's hash in a backup file is no one's business), an import ignores
them when it checks the database is empty, and clears them, so a restore signs everyone out.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Date, DateTime, LargeBinary, Numeric, Table, func, insert, select, text
from sqlalchemy import exc as sql_errors
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from dfr.errors import IntegrityError, NotFoundError, ValidationError
from dfr.i18n import _
from models.audit import ANCHOR_ID, anchor_head
from models.audit_check import verify_all_but_anchor
from models.db import engine_for
from models.migrate import upgrade

FORMAT = "dfr-export/1"


TRANSIENT = frozenset({"web_session", "sign_in_attempt"})
# Kept by the database from other tables (`models.overview_counts`): an import rebuilds them.
DERIVED = frozenset({"submission_count", "open_task_count"})


def _tables() -> list[Table]:
    """The tables an export holds: every one but the TRANSIENT and DERIVED ones."""
    from models.tables import load_every_table

    return [t for t in load_every_table().sorted_tables if t.name not in TRANSIENT | DERIVED]


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):  # a published report's documents: base64 text
        return base64.b64encode(value).decode("ascii")
    return value


def export_lines(engine: Engine) -> Iterator[str]:
    yield json.dumps({"format": FORMAT})
    with engine.connect() as conn:
        for table in _tables():
            key = list(table.primary_key.columns)
            for row in conn.execute(select(table).order_by(*key)).mappings():
                if table.name == "decision_log_head" and row["id"] == ANCHOR_ID:
                    continue
                data = {name: _plain(value) for name, value in row.items()}
                yield json.dumps(
                    {"table": table.name, "row": data}, sort_keys=True, ensure_ascii=False
                )


def export_to_file(engine: Engine, path: Path) -> int:
    """Write the export to `path` (replaced only once the whole export is written); returns
    the number of rows."""
    if path.is_dir():
        raise ValidationError(
            _("{file} is a folder; give the name of a file to write.", file=str(path)),
            field="file",
        )
    if not path.parent.is_dir():
        raise NotFoundError(
            _("Folder not found: {folder}. Create it or choose another.", folder=str(path.parent)),
            field="file",
        )
    partial = path.with_name(f".{path.name}.partial")
    count = -1  # the first line is the format header
    try:
        with partial.open("w", encoding="utf-8") as out:
            for line in export_lines(engine):
                out.write(line + "\n")
                count += 1
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise ValidationError(
            _("Cannot write {file}: {problem}.", file=str(path), problem=err.strerror or str(err)),
            field="file",
        ) from None
    return count


def import_from_file(database_url: str, path: Path) -> int:
    """Check that `path` is an export, bring the database to the newest schema, then import
    (`import_lines`); returns the number of rows. A file that is not an export changes
    nothing, not even the schema."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as err:
        raise NotFoundError(
            _("Cannot read {file}: {problem}.", file=str(path), problem=err.strerror or str(err)),
            field="file",
        ) from None
    with handle:
        try:
            _check_header(handle.readline(), path)
        except UnicodeDecodeError:
            raise _not_an_export(path) from None
        handle.seek(0)
        upgrade(database_url)
        return import_lines(engine_for(database_url), handle)


def _not_an_export(path: Path | None = None) -> ValidationError:
    if path is None:
        message = _("This is not a dfr export (expected {format}).", format=FORMAT)
    else:
        message = _(
            "{file} is not a dfr export: its first line does not say {format}.",
            file=str(path),
            format=FORMAT,
        )
    return ValidationError(message, field="file")


def _check_header(line: str, path: Path | None = None) -> None:
    try:
        header = json.loads(line or "{}")
    except ValueError:
        raise _not_an_export(path) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _not_an_export(path)


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    typed = dict(row)
    for column in table.columns:
        value = typed.get(column.name)
        if value is None:
            continue
        if isinstance(column.type, DateTime):
            typed[column.name] = datetime.fromisoformat(value)
        elif isinstance(column.type, Date):
            typed[column.name] = date.fromisoformat(value)
        elif isinstance(column.type, Numeric):
            typed[column.name] = Decimal(value)
        elif isinstance(column.type, LargeBinary):
            typed[column.name] = base64.b64decode(value)
    return typed


def import_lines(engine: Engine, lines: IO[str]) -> int:
    """Load an export into an empty, migrated database; returns the number of rows."""
    tables = {t.name: t for t in _tables()}
    try:
        _check_header(next(lines, ""))
    except UnicodeDecodeError:
        raise _not_an_export() from None
    with Session(engine) as session:
        occupied = [
            name
            for name, table in tables.items()
            if name != "decision_log_head"
            and session.execute(select(func.count()).select_from(table)).scalar()
        ]
        if occupied:
            raise ValidationError(
                _(
                    "Import only into an empty database; these tables have rows: {tables}.",
                    tables=", ".join(occupied),
                )
            )
        session.execute(tables["decision_log_head"].delete())
        for name in sorted(TRANSIENT):  # a restore signs everyone out
            session.execute(SQLModel.metadata.tables[name].delete())
        try:
            count = _insert_rows(session, tables, lines)
        except UnicodeDecodeError:
            session.rollback()
            raise _not_an_export() from None
        session.flush()
        result = verify_all_but_anchor(session)
        if not result.ok:
            session.rollback()
            raise IntegrityError(
                _(
                    "The export failed verification, so nothing was imported: {reason}",
                    reason=result.reason or "",
                )
            )
        anchor_head(session)
        _reset_sequences(session, list(tables.values()))
        session.commit()
    return count


def _insert_rows(session: Session, tables: dict[str, Table], lines: IO[str]) -> int:
    count = 0
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        try:
            table, row = _record(line, tables)
            session.execute(insert(table), [_typed(table, row)])
        except (ValueError, TypeError, sql_errors.IntegrityError, sql_errors.DataError) as err:
            session.rollback()
            raise ValidationError(
                _(
                    "Line {line} of the export is not valid: {problem}. Import the file as it "
                    "was exported, unedited.",
                    line=number,
                    problem=_database_problem(err),
                ),
                field="file",
            ) from None
        count += 1
    return count


def _record(line: str, tables: dict[str, Table]) -> tuple[Table, dict[str, Any]]:
    """The table and row one line of an export names, or ValueError saying what is wrong."""
    record = json.loads(line)
    if not isinstance(record, dict) or not isinstance(record.get("row"), dict):
        raise ValueError(_("each line is a JSON object with a table and its row"))
    table = tables.get(str(record.get("table")))
    if table is None:
        raise ValueError(_("there is no table {table}", table=str(record.get("table"))))
    unknown = sorted(set(record["row"]) - set(table.columns.keys()))
    if unknown:
        raise ValueError(
            _("table {table} has no column {column}", table=table.name, column=unknown[0])
        )
    return table, record["row"]


def _database_problem(err: Exception) -> str:
    """What the database refused, on one line (a driver's message without its details)."""
    if isinstance(err, sql_errors.DBAPIError):
        return str(err.orig).strip().splitlines()[0]
    return str(err)


def _reset_sequences(session: Session, tables: list[Table]) -> None:
    """PostgreSQL: move each serial id's sequence past the imported ids."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and column.type.python_type is int
            ):
                sequence = session.execute(
                    text("SELECT pg_get_serial_sequence(:t, :c)"),
                    {"t": table.name, "c": column.name},
                ).scalar()
                if sequence:
                    highest = f"SELECT COALESCE(MAX({column.name}), 0) + 1 FROM {table.name}"
                    session.execute(text(f"SELECT setval('{sequence}', ({highest}), false)"))
