"""Strict CSV files for the register: a file with any bad row stores nothing, and the refusal
lists every bad row with its line, its column and what is wrong, in the reader's language.

The CoE keeps the register in a spreadsheet; a spreadsheet exports a header row and one row a
record. Lines are the file's own (the header is line 1), so a person can find them in an
editor; a quoted cell that spans lines is reported at the line its row starts on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from dfr.errors import ValidationError
from dfr.i18n import _, _n

# The most problems a refusal lists; the count says how many there were in all.
SHOWN_PROBLEMS = 200


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str | None  # None: the row as a whole
    reason: str

    def __str__(self) -> str:
        if self.column is None:
            return _("Line {line}: {reason}", line=self.line, reason=self.reason)
        return _(
            "Line {line}, column {column}: {reason}",
            line=self.line,
            column=self.column,
            reason=self.reason,
        )


class CsvRejectedError(ValidationError):
    """A file refused as a whole: nothing from it was stored. `problems` lists every bad row."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        shown = [str(problem) for problem in self.problems[:SHOWN_PROBLEMS]]
        heading = _(
            "The file was not imported: nothing from it was stored. Correct each problem "
            "below, then import the whole file again."
        )
        more = len(self.problems) - len(shown)
        if more > 0:
            shown.append(_n("…and {count} more.", "…and {count} more.", more, count=more))
        super().__init__("\n".join([heading, *shown]), field="file")


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]


@dataclass
class Problems:
    """The problems found so far; `check` raises them all at once."""

    found: list[RowProblem] = field(default_factory=list)

    def add(self, line: int, column: str | None, reason: str) -> None:
        self.found.append(RowProblem(line, column, reason))

    def check(self) -> None:
        if self.found:
            raise CsvRejectedError(sorted(self.found, key=lambda p: p.line))


def read_rows(text: str, columns: Sequence[str], optional: Sequence[str] = ()) -> list[Row]:
    """The rows of a CSV file whose header names exactly `columns` (in any order, plus any of
    `optional`), each cell stripped of surrounding spaces. A wrong header refuses the file."""
    text = text.removeprefix("\ufeff")  # a spreadsheet's byte-order mark
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems = Problems()
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        problems.add(1, None, _("The file is empty: it needs a header row and a row a record."))
        problems.check()
        raise AssertionError("unreachable") from None
    except csv.Error as err:
        problems.add(1, None, _("This is not a CSV row ({problem}).", problem=str(err)))
        problems.check()
        raise AssertionError("unreachable") from None
    for name in columns:
        if name not in header:
            problems.add(1, name, _("The header has no column {column}.", column=name))
    for name in header:
        if name not in columns and name not in optional:
            problems.add(
                1,
                name or "-",
                _("This column is not one the file can have; remove it or correct its name."),
            )
    seen = {name for name in header if header.count(name) > 1}
    for name in sorted(seen):
        problems.add(1, name, _("The header names this column twice."))
    problems.check()
    rows, start = [], reader.line_num + 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problems.add(
                    line,
                    None,
                    _n(  # plural forms: Welsh "2 gell", "6 chell"; English "1 cell"
                        "The row has {found} cell; the header has {expected}.",
                        "The row has {found} cells; the header has {expected}.",
                        len(cells),
                        found=len(cells),
                        expected=len(header),
                    ),
                )
                continue
            rows.append(Row(line, {n: c.strip() for n, c in zip(header, cells, strict=True)}))
    except csv.Error as err:
        problems.add(start, None, _("This is not a CSV row ({problem}).", problem=str(err)))
    if not rows and not problems.found:
        problems.add(2, None, _("The file has a header but no rows."))
    problems.check()
    return rows


def decode(data: bytes) -> str:
    """A file's text, which must be UTF-8 (a spreadsheet's "CSV UTF-8")."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise CsvRejectedError(
            [
                RowProblem(
                    line,
                    None,
                    _("The file is not UTF-8 text; save it as CSV UTF-8 and import it again."),
                )
            ]
        ) from None
