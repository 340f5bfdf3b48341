"""PyYAML's syntax problems in the reader's language: the ones a person writing a submission
or checklist file meets, each with how to fix it. PyYAML words its problems in English only;
an unknown one is described in general terms (with PyYAML's words for English readers)."""

from __future__ import annotations

import re

from dfr.i18n import _, get_language
from dfr.labels import N_

# (PyYAML's problem, what it means and how to fix it); `{found}` is the character it met.
KNOWN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (
            r"^found character '\\t' that cannot start any token$",
            N_("a tab is used for indenting: YAML indents with spaces only"),
        ),
        (
            r"^found character '(?P<found>.+)' that cannot start any token$",
            N_("{found} cannot start a value: put the value in quotes"),
        ),
        (
            r"^mapping values are not allowed here$",
            N_(
                "a colon is not allowed here: put a text that contains a colon and a space in "
                "quotes, or check the indentation of this line"
            ),
        ),
        (r"^could not find expected ':'$", N_("a key has no colon after it")),
        (
            r"^expected ',' or '\]', but got '(?P<found>.+)'$",
            N_("a list in square brackets is not closed: add the missing ]"),
        ),
        (
            r"^expected ',' or '\}', but got '(?P<found>.+)'$",
            N_("a mapping in curly brackets is not closed: add the missing }"),
        ),
        (
            r"^expected <block end>, but found '(?P<found>.+)'$",
            N_(
                "the indentation does not line up: indent the entries of one list or mapping "
                "by the same number of spaces"
            ),
        ),
        (
            r"^found unexpected end of stream$",
            N_("a quoted text is not closed: add the missing quotation mark"),
        ),
        (
            r"^found unknown escape character '(?P<found>.+)'$",
            N_(
                "\\{found} is not an escape that double quotes know: use single quotes, or "
                "write two backslashes for one"
            ),
        ),
        (
            r"^found undefined alias '(?P<found>.+)'$",
            N_("*{found} refers to an anchor &{found} that the file does not define"),
        ),
        (
            r"^expected a single document in the stream$",
            N_("the file holds more than one document (---): keep one"),
        ),
    )
)


def yaml_problem(problem: str | None) -> str:
    """`problem` (PyYAML's words) as the reader reads it, in their language."""
    text = (problem or "").strip()
    for pattern, message in KNOWN:
        matched = pattern.match(text)
        if matched:
            return _(message, **matched.groupdict())
    general = _("the text here does not follow YAML's rules")
    return f"{general} ({text})" if text and get_language() == "en" else general
