"""Markdown (rationales, checklist guidance, comments, messages) to HTML that is safe to put in a
page or an email: the one sanitiser, used by the web pages and the email HTML alike.

Rendered with `markdown`, then cleaned with nh3 (ammonia): no scripts, handlers or styles; no
images (an image would fetch from someone else's server when the page or email is opened and
tell them who read it, and when); links only to http, https or mailto, each with
`rel="noopener noreferrer nofollow"` (the text is someone's, so is every link in it). Core: it
imports no other layer.
"""

from __future__ import annotations

import re
import threading

import markdown
import nh3

# Images, and image maps (whose areas are links drawn on an image), are left out.
TAGS = frozenset(nh3.ALLOWED_TAGS - {"img", "map", "area"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

_converters = threading.local()
_BULLET = re.compile(r"[ \t]*[-*+][ \t]+\S")


def _blank_line_before_lists(text: str) -> str:
    """A bullet list straight after a line of text, as people (and our checklists) write it,
    made a list: Python-Markdown wants a blank line first, CommonMark does not. Lines inside a
    list (a wrapped item) are left as they are."""
    lines: list[str] = []
    in_list = False
    for line in text.split("\n"):
        if not line.strip():
            in_list = False
        elif _BULLET.match(line):
            if lines and lines[-1].strip() and not in_list:
                lines.append("")
            in_list = True
        lines.append(line)
    return "\n".join(lines)


def markdown_to_html(text: str) -> str:
    """Markdown to HTML that is safe to show, as the module docstring says."""
    # One converter per thread, reset between documents: building one costs more than
    # converting a message (a Markdown instance is not safe to share between threads).
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(extensions=["sane_lists"])
    return nh3.clean(
        converter.reset().convert(_blank_line_before_lists(text)),
        tags=set(TAGS),
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
    )


# GOV.UK Frontend's typography for what Markdown makes, so a rationale reads like the page
# around it (the sanitised HTML has no class attributes of its own: nh3 allows none).
GOVUK_CLASSES = {
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "h1": "govuk-heading-m",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "h5": "govuk-heading-s",
    "h6": "govuk-heading-s",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--visible",
    "table": "govuk-table",
}
_OPENING_TAG = re.compile(r"<(" + "|".join(GOVUK_CLASSES) + r")(?=[\s>/])")


def markdown_to_govuk_html(text: str) -> str:
    """`markdown_to_html`, with the GOV.UK typography classes on its paragraphs, lists, links
    and headings (for the web pages; an email keeps plain HTML)."""
    return _OPENING_TAG.sub(
        lambda tag: f'<{tag.group(1)} class="{GOVUK_CLASSES[tag.group(1)]}"',
        markdown_to_html(text),
    )
