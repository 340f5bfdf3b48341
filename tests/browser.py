"""Headless Debian Chromium driven by Playwright (never a downloaded browser), and axe-core."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.fail("Debian's chromium is required for the web tests: run `make test`.")
    return found


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()


# Pages axe-core found nothing on, by their markup (less what changes with every response): the
# same page met again (the sign-in page, once per person in a journey) is not checked twice.
_PASSED: set[str] = set()
_PER_RESPONSE = re.compile(r'\snonce="[^"]*"|(name="csrf_token"\s+value=)"[^"]*"')


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """WCAG 2.2 AA violations axe-core finds on the page as it is now."""
    markup = _PER_RESPONSE.sub(r"\1", page.content())
    seen = hashlib.sha256(f"{page.viewport_size}{markup}".encode()).hexdigest()
    if seen in _PASSED:
        return []
    violations = _axe(page)
    if not violations:
        _PASSED.add(seen)
    return violations


def _axe(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html)}))",
        WCAG_22_AA,
    )
    return list(result)


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=1, ensure_ascii=False)[:4000]
