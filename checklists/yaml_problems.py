"""YAML syntax problems in the reader's language: the ones a person writing a submission or
checklist file meets, each with how to fix it. PyYAML (and libyaml, which the loader uses where
it is built in) words its problems in English only, each in its own way; an unknown problem is
described in general terms (with the parser's words for English readers)."""

from __future__ import annotations

import re

from dfr.i18n import _, get_language
from dfr.labels import N_

TAB = N_("a tab is used for indenting: YAML indents with spaces only")
CANNOT_START = N_("{found} cannot start a value: put the value in quotes")
ESCAPE = N_(
    "\\{found} is not an escape that double quotes know: use single quotes, or write two "
    "backslashes for one"
)
ALIAS = N_("*{found} refers to an anchor &{found} that the file does not define")

# (the parser's problem, PyYAML's or libyaml's words; what it means and how to fix it).
KNOWN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"^found character( '.+')? that cannot start any token$", CANNOT_START),
        (
            r"^mapping values are not allowed (here|in this context)$",
            N_(
                "a colon is not allowed here: put a text that contains a colon and a space in "
                "quotes, or check the indentation of this line"
            ),
        ),
        (r"^could not find expected ':'$", N_("a key has no colon after it")),
        (
            r"^(expected ',' or '\]', but got .*|did not find expected ',' or '\]')$",
            N_("a list in square brackets is not closed: add the missing ]"),
        ),
        (
            r"^(expected ',' or '\}', but got .*|did not find expected ',' or '\}')$",
            N_("a mapping in curly brackets is not closed: add the missing closing bracket"),
        ),
        (
            r"^(expected <block end>, but found .*|did not find expected key)$",
            N_(
                "the indentation does not line up: indent the entries of one list or mapping "
                "by the same number of spaces"
            ),
        ),
        (
            r"^found unexpected end of stream$",
            N_("a quoted text is not closed: add the missing quotation mark"),
        ),
        (r"^found unknown escape character( '.+')?$", ESCAPE),
        (r"^found undefined alias( '.+')?$", ALIAS),
        (
            r"^(expected a single document in the stream|but found another document)$",
            N_("the file holds more than one document (---): keep one"),
        ),
    )
)


def yaml_problem(problem: str | None, line: str = "", column: int = 0) -> str:
    """`problem` (the parser's words) as the reader reads it, in their language; `line` is
    the text of the line it was found on and `column` where (to name what was found there)."""
    text = (problem or "").strip()
    for pattern, message in KNOWN:
        if pattern.match(text):
            return _(_special(message, line, column), found=_found(message, line, column))
    general = _("the text here does not follow YAML's rules")
    return f"{general} ({text})" if text and get_language() == "en" else general


def _special(message: str, line: str, column: int) -> str:
    at = line[column : column + 1]
    return TAB if message == CANNOT_START and at == "\t" else message


def _found(message: str, line: str, column: int) -> str:
    """What the message names: the character, the escaped letter or the alias."""
    if message == ESCAPE:  # the mark is on the backslash (libyaml) or on the letter (PyYAML)
        rest = line[column:]
        return rest[1:2] if rest.startswith("\\") else rest[:1]
    if message == ALIAS:
        name = re.match(r"\*?([^\s,\]\}]+)", line[column:])
        return name.group(1) if name else ""
    return line[column : column + 1] or "?"
