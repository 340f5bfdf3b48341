"""Welsh and English parity: every UI message has a Welsh translation, and every piece of
checklist and example content exists in both languages (Welsh Language Standards)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from dfr.i18n import catalog_path
from tests.conftest import ROOT

KEYWORDS = {"_": None, "gettext": None, "both": None, "N_": None, "_n": (1, 2)}
PACKAGES = ("dfr", "checklists", "models", "services", "flows", "notifications")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def source_messages() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        folder = ROOT / package
        if not folder.is_dir():
            continue
        method_map = [("**.py", "python")]
        if package == "dfr":  # the web pages' templates call _() too
            method_map.append(("web/templates/**.html", "jinja2"))
        for _file, _line, message, _comments, _context in extract_from_dir(
            folder, method_map=method_map, keywords=KEYWORDS
        ):
            if isinstance(message, str) and message:
                found.add(message)
            elif isinstance(message, tuple) and message[0]:  # plural forms: the singular
                found.add(message[0])
    return found


def welsh_catalog() -> dict[str, tuple[str, ...]]:
    """Each msgid's Welsh: one text, or (for a message with a count) one per plural form."""
    with catalog_path("cy").open("rb") as handle:
        catalog = read_po(handle, locale="cy")
    found: dict[str, tuple[str, ...]] = {}
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        if isinstance(m.id, tuple):
            forms = tuple(str(s) for s in m.string) if isinstance(m.string, tuple) else ()
            found[str(m.id[0])] = forms if len(forms) == catalog.num_plurals else ()
        else:
            found[str(m.id)] = (str(m.string),)
    return found


def test_every_message_has_a_welsh_translation():
    """Every form of it: Welsh has six plural forms (0, 1, 2, 3, 6, other)."""
    catalog = welsh_catalog()
    missing = sorted(
        m
        for m in source_messages()
        if not catalog.get(m) or not all(text.strip() for text in catalog[m])
    )
    assert missing == [], (
        "Add Welsh for these (run `make translations`, then fill msgstr):\n" + "\n".join(missing)
    )


def test_welsh_translations_keep_their_placeholders():
    wrong = {
        msgid: text
        for msgid, forms in welsh_catalog().items()
        for text in forms
        if text and set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(text))
    }
    assert wrong == {}


def paired_texts(node, where="") -> list[tuple[str, object, object]]:
    """Every {cy, en} pair in a YAML tree, with where it is."""
    pairs = []
    if isinstance(node, dict):
        if {"cy", "en"} & set(node) and set(node) <= {"cy", "en"}:
            pairs.append((where, node.get("cy"), node.get("en")))
        for key, value in node.items():
            pairs += paired_texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            label = value.get("id", index) if isinstance(value, dict) else index
            pairs += paired_texts(value, f"{where}[{label}]")
    return pairs


CONTENT = sorted((ROOT / "checklists" / "data").rglob("*.yaml")) + sorted(
    (ROOT / "examples").rglob("*.yaml")
)


@pytest.mark.parametrize("path", CONTENT, ids=lambda p: str(p.relative_to(ROOT)))
def test_content_exists_in_welsh_and_english(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = []
    for where, cy, en in paired_texts(data):
        if not (isinstance(cy, str) and cy.strip()):
            problems.append(f"{where}: Welsh missing")
        if not (isinstance(en, str) and en.strip()):
            problems.append(f"{where}: English missing")
        if isinstance(cy, str) and cy == en and len(cy) > 25:
            problems.append(f"{where}: the Welsh is a copy of the English")
    assert problems == []
