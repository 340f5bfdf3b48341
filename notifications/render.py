"""Render a message for one person: one Jinja2 template per message per language
(`StrictUndefined`), Markdown body rendered to sanitised HTML (dfr.markdown), and to Slack
Block Kit.

Language (Welsh Language Standards): a person's recorded language; where it is unknown, both,
Welsh first and never less prominent.

Every value put into a template is escaped for Markdown unless it is `MarkdownText` (a
reviewer's rationale, a link the app made): a submission titled `[Pay here](https://…)` or
`*urgent*` reads as typed, and cannot put a link or emphasis of its own in a message the
government sends.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

MESSAGES = (
    "submitted",
    "task_assigned",
    "decision_recorded",
    "changes_requested",
    "final_outcome",
    "reminder",
    "escalation",
    "digest",
    "action_reported_done",
    "action_confirmed",
    "action_sent_back",
    "assessment_booked",
    "panel_conflict",
    "ratings_sent",
    "report_sent",
    "report_accepted",
    "report_challenged",
    "challenge_decided",
    "return_late",
    "acknowledged",
    "register_proposal",
)
# Bump a message's version whenever its templates change; each notification stores it.
# escalation 2: names the level; digest 2: titled by the week it covers;
# ratings_sent 2: "1 standard", Welsh "1 o'r safonau" (any number reads right)
TEMPLATE_VERSIONS = {
    **dict.fromkeys(MESSAGES, 1),
    "escalation": 2,
    "digest": 2,
    "ratings_sent": 2,
}


class MarkdownText(str):
    """Text meant as Markdown: goes into a message as it is (other values are escaped)."""


_SPECIAL = r"[\\`*_\[\]>#]"
_ESCAPE = re.compile(f"({_SPECIAL})")
_ESCAPED = re.compile(rf"\\({_SPECIAL})")
_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\u2028\u2029\x85]\s*")
_SET_ASIDE = re.compile("[\ue000\ue001]")  # marks slack_mrkdwn uses; never in a message
# Text with none of what escape_markdown changes: no special character, line break, & or <.
_NOTHING_TO_ESCAPE = re.compile(r"[^\\`*_\[\]>#\r\n\v\f\u2028\u2029\x85&<]*")


def escape_markdown(value: object) -> str:
    """`value` as Markdown that reads as the plain text it is."""
    if isinstance(value, MarkdownText):
        return value
    text = str(value)
    if _NOTHING_TO_ESCAPE.fullmatch(text):  # most names, dates and references
        return text
    # One line: a line break in a title could start a list, a heading or a code block, or
    # split the subject line from the body.
    text = _LINE_BREAKS.sub(" ", text).replace("&", "&amp;").replace("<", "&lt;")
    return _ESCAPE.sub(r"\\\1", text)


def plain_text(text: str) -> str:
    """A message's Markdown as plain text: the escapes `escape_markdown` adds taken out (for
    the subject line and the plain-text part of an email)."""
    return html.unescape(_ESCAPED.sub(r"\1", text))


_env = Environment(
    loader=PackageLoader("notifications", "templates"),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    autoescape=False,  # Markdown, not HTML: the HTML made from it is sanitised (dfr.markdown)
    finalize=escape_markdown,
    # The templates ship with the code (their versions are in TEMPLATE_VERSIONS), so a
    # process loads each once: no stat() of its file at every message to see if it changed.
    auto_reload=False,
)
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass
class Rendered:
    language: str  # cy | en | cy+en
    subject: str
    body_markdown: str
    _html: str | None = None

    @property
    def body_html(self) -> str:
        """The sanitised HTML, made on first use: only email needs it, and making it costs more
        than rendering the message."""
        if self._html is None:
            # Imported here: Markdown and its sanitiser are loaded only by a process that
            # sends email (~15 ms), not by every step that queues messages for the outbox.
            from dfr.markdown import markdown_to_html

            self._html = markdown_to_html(self.body_markdown)
        return self._html


def languages_for(preference: str) -> tuple[str, ...]:
    """The languages to write in: the recorded one, or Welsh then English when unknown."""
    return (preference,) if preference in ("cy", "en") else ("cy", "en")


def _render_one(message: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    text = _env.get_template(f"{language}/{message}.md.j2").render(**context)
    first, _sep, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"template {language}/{message} must start with 'Subject: '")
    subject = plain_text(first.removeprefix("Subject: ").strip())
    return subject, _BLANK_LINES.sub("\n\n", body).strip() + "\n"


def render(message: str, preference: str, contexts: dict[str, dict[str, Any]]) -> Rendered:
    """`contexts` holds the template context for each language in `languages_for(preference)`
    (titles, dates and names differ by language)."""
    if message not in TEMPLATE_VERSIONS:
        raise ValueError(f"unknown message {message!r}")
    parts = [_render_one(message, lang, contexts[lang]) for lang in languages_for(preference)]
    subject = " / ".join(subject for subject, _body in parts)
    body = "\n---\n\n".join(body for _subject, body in parts)
    return Rendered("+".join(languages_for(preference)), subject, body)


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def slack_mrkdwn(text: str) -> str:
    """Markdown to Slack's mrkdwn: **bold** → *bold*, [t](u) → <u|t>, lists → bullets.
    Escaped characters (someone's title) are set aside first, so they make no link, and come
    back as typed. (mrkdwn has no escape for `*`, `_` or `~`: Slack may still show a title's
    `*word*` in bold, and links any bare URL itself.)"""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(1))
        return f"\ue000{len(kept) - 1}\ue001"

    text = html.unescape(_ESCAPED.sub(keep, _SET_ASIDE.sub("", text)))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    text = _BOLD.sub(r"*\1*", text)
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            line = f"*{line.lstrip('#').strip()}*"
        elif line.startswith("- "):
            line = "• " + line[2:]
        lines.append(line)
    kept_back = [char.replace(">", "&gt;") for char in kept]  # the one Slack needs escaped
    return re.sub("\ue000(\\d+)\ue001", lambda m: kept_back[int(m.group(1))], "\n".join(lines))


def slack_blocks(subject: str, body_markdown: str) -> list[dict[str, Any]]:
    """Block Kit: a header, then one section per language part (Slack caps text at 3000)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}}
    ]
    for index, part in enumerate(body_markdown.split("\n---\n")):
        if index:
            blocks.append({"type": "divider"})
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": slack_mrkdwn(part)[:3000]}}
        )
    return blocks
