"""What a person reading one language would see of the other: the texts each language's sources
hold (the Welsh catalog, the checklists, the notification templates, the examples), and the
visible text of a page, command output or message that is not marked as the other language.

A Welsh speaker who meets an English sentence on a Welsh page is treated less favourably
(Welsh Language Standards); an English sentence that must stay English (an English-only title)
is marked `lang="en"` on its element, and then is no leak. Use:

    sources = Sources.load()
    leaks = sources.leaks_in_page(html, "cy")   # English phrases shown outside lang="en"
    leaks = sources.leaks_in_text(text, "cy")   # CLI output, a message: no markup at all
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from dfr.i18n import catalog_path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("cy", "en")
MIN_WORDS = 3  # a shorter piece ("at the", "Yes") is too often shared or ambiguous to judge

_TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{[^{}\s]*\}", re.S)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_LIST_OR_HEADING = re.compile(r"^\s*(?:[-*+]|\d+\.|#+)\s+", re.M)
_BLOCKS = r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.|#+)\s)|^Subject: "
_EMPHASIS = re.compile(r"\*\*|__|[*`]")
_NOT_WORD = re.compile(r"[^\w£%]+")
_APOSTROPHE = re.compile(r"(?<=\w)['\u2019](?=\w)")
# What people write in their own words, in whichever language they chose: shown as written.
OWN_WORDS = ("rationale", "done_well", "to_explore", "reason", "text")


def other(language: str) -> str:
    return "en" if language == "cy" else "cy"


# An email or web address is in no language: its words are not read as text.
_ADDRESS = re.compile(r"\S+@\S+|\w+://\S+")


def normalise(text: str) -> str:
    """Words only, lower case, single spaces: how a reader compares two texts."""
    # "wedi'i gymeradwyo" is two words, as a reader counts them
    text = _ADDRESS.sub(" ", text.casefold())
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHE.sub("", text)).split())


def phrases(text: str) -> list[str]:
    """The runs of words a source text shows as one piece: split where template code or a
    placeholder goes, at paragraph breaks and list items; Markdown marks taken out. A text
    shown whole ("Category review") counts from two words, a piece of one from three."""
    pieces = []
    for piece in _TEMPLATE_CODE.split(text):
        piece = _EMPHASIS.sub("", _LINK.sub(r"\1", piece))
        for block in re.split(_BLOCKS, piece, flags=re.M):
            words = normalise(_LIST_OR_HEADING.sub("", block))
            if re.search(r"[^\W\d_]", words):
                pieces.append(words)
    least = MIN_WORDS - 1 if len(pieces) == 1 else MIN_WORDS
    return [words for words in pieces if len(words.split()) >= least]


def _mappings(node: object) -> Iterator[dict[object, object]]:
    """Every mapping in a YAML tree, each before those inside it."""
    if isinstance(node, dict):
        yield node
        children: Iterable[object] = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return
    for child in children:
        yield from _mappings(child)


def _paired(node: object) -> list[dict[str, str]]:
    """Every {cy, en} pair in a YAML tree."""
    return [
        {"cy": str(m["cy"]), "en": str(m["en"])}
        for m in _mappings(node)
        if set(m) == {"cy", "en"} and all(isinstance(v, str) for v in m.values())
    ]


def _content_pairs() -> list[dict[str, str]]:
    files = sorted((ROOT / "checklists" / "data").rglob("*.yaml"))
    files += sorted((ROOT / "examples").rglob("*.yaml"))
    pairs = []
    for path in files:
        pairs += _paired(yaml.safe_load(path.read_text(encoding="utf-8")))
    return pairs


def _own_words(node: object) -> list[str]:
    """The examples' rationales, notes and reasons: a person's words, not the service's."""
    return [
        value
        for m in _mappings(node)
        for key, value in m.items()
        if key in OWN_WORDS and isinstance(value, str)
    ]


def _catalog_pairs() -> list[dict[str, str]]:
    with catalog_path("cy").open("rb") as handle:
        catalog = read_po(handle, locale="cy")
    return [
        {"cy": str(m.string), "en": str(m.id)}
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    ]


def _template_texts(language: str) -> list[str]:
    folder = ROOT / "notifications" / "templates" / language
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.j2"))]


@dataclass
class Sources:
    """Each language's phrases; a phrase found in the other language's sources too (a proper
    name, "GOV.UK Notify") belongs to both and is never a leak."""

    own: dict[str, set[str]] = field(default_factory=dict)
    people_wrote: list[str] = field(default_factory=list)  # normalised, longest first

    @classmethod
    @cache
    def load(cls) -> Sources:
        texts: dict[str, list[str]] = {lang: _template_texts(lang) for lang in LANGUAGES}
        for pair in _catalog_pairs() + _content_pairs():
            if normalise(pair["cy"]) == normalise(pair["en"]):
                continue  # the same in both: not a sign of either
            for lang in LANGUAGES:
                texts[lang].append(pair[lang])
        found = {lang: {p for t in texts[lang] for p in phrases(t)} for lang in LANGUAGES}
        corpus = {lang: "|" + "|".join(found[lang]) + "|" for lang in LANGUAGES}
        shared = {
            lang: {p for p in found[lang] if _contains(corpus[other(lang)], p)}
            for lang in LANGUAGES
        }
        steps = [
            text
            for path in sorted((ROOT / "examples" / "submissions").glob("*.yaml"))
            for step in yaml.safe_load(path.read_text(encoding="utf-8")).get("steps") or []
            for text in _own_words(step)
        ]
        wrote = sorted({normalise(text) for text in steps if text.strip()}, key=len, reverse=True)
        return cls({lang: found[lang] - shared[lang] for lang in LANGUAGES}, wrote)

    def leaks_in_text(self, text: str, language: str) -> list[str]:
        """The other language's phrases in `text` (read as all in `language`)."""
        return self._leaks([text], language)

    def leaks_in_page(self, html: str, language: str) -> list[str]:
        """The other language's phrases shown on the page outside an element marked with it."""
        return self._leaks(visible_text(html, exclude_language=other(language)), language)

    def _leaks(self, chunks: list[str], language: str) -> list[str]:
        shown = "|" + "|".join(normalise(c) for c in chunks) + "|"
        for words in self.people_wrote:  # a person's own words are theirs to choose
            shown = shown.replace(words, "|")
        return sorted(p for p in self.own[other(language)] if _contains(shown, p))


def _contains(haystack: str, phrase: str) -> bool:
    """`phrase` as whole words in `haystack` (words separated by spaces, pieces by `|`)."""
    if phrase not in haystack:  # most phrases are not there: a plain search says so quickly
        return False
    return re.search(rf"(?:^|[ |]){re.escape(phrase)}(?=$|[ |])", haystack) is not None


# -- the visible text of a page ----------------------------------------------------------------

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
_HIDDEN = {"script", "style", "template"}
_READ_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")


class _Reader(HTMLParser):
    """Text nodes and read attributes, each with the language of its element."""

    def __init__(self, exclude_language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.exclude = exclude_language
        self.stack: list[tuple[str, str | None]] = []
        self.chunks: list[str] = []
        self.current: list[str] = []

    def _language(self) -> str | None:
        for _tag, lang in reversed(self.stack):
            if lang is not None:
                return lang.split("-")[0].lower()
        return None

    def _hidden(self) -> bool:
        return any(tag in _HIDDEN for tag, _lang in self.stack)

    def _break(self) -> None:
        if self.current:
            self.chunks.append(" ".join(self.current))
            self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        lang = attributes.get("lang")
        if lang is not None:
            self._break()  # text either side of an element marked with a language is not one run
        if tag not in _VOID:
            self.stack.append((tag, lang))
        own = lang.split("-")[0].lower() if lang else self._language()
        if own != self.exclude and not self._hidden():
            read = [attributes.get(name) or "" for name in _READ_ATTRIBUTES]
            if tag == "input" and attributes.get("type") in ("submit", "button"):
                read.append(attributes.get("value") or "")
            self.chunks += [text for text in read if text.strip()]

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                if any(lang is not None for _tag, lang in self.stack[index:]):
                    self._break()
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._hidden() or self._language() == self.exclude:
            return
        if data.strip():
            self.current.append(data.strip())


def visible_text(html: str, exclude_language: str) -> list[str]:
    """The page's readable text in runs, leaving out scripts, styles and whatever is inside an
    element marked `lang=exclude_language`."""
    reader = _Reader(exclude_language)
    reader.feed(html)
    reader.close()
    reader._break()
    return reader.chunks
