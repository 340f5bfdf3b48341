"""Welsh and English user-facing strings, from gettext catalogs managed with Babel.

Source strings are English (`_("…")`); the Welsh catalog is `locales/cy/LC_MESSAGES/dfr.po`.
`make env` compiles it to dfr.mo (not committed), which is read when it is at least as new as
the .po; otherwise the .po is read directly with Babel, so a fresh edit works without a build.
A wheel carries the compiled catalog alone (under `dfr/_data/`, found by `dfr.paths`).
`tests/test_parity.py` fails on any msgid without a Welsh translation.

A message with a count has plural forms (`_n`, gettext's ngettext): English has two, Welsh six
(0, 1, 2, 3, 6 and the rest, as the catalog's Plural-Forms says), so "2 gofnod" and "3 chofnod"
take their mutations.
"""

from __future__ import annotations

import contextvars
import gettext as gettext_module
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dfr.paths import resource

if TYPE_CHECKING:  # neither at run time: `dfr --help` starts without pydantic or Babel
    from babel.messages.catalog import Catalog

    from dfr.settings import Language

LOCALES_DIR = resource("locales")
DOMAIN = "dfr"
LANGUAGES: tuple[Language, ...] = ("cy", "en")

_current: contextvars.ContextVar[Language] = contextvars.ContextVar("dfr_language", default="en")


def catalog_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _catalog(language: str) -> gettext_module.GNUTranslations | Catalog | None:
    """The compiled catalog when it is at least as new as the .po, else the .po read with
    Babel; None when the language has neither."""
    path = catalog_path(language)
    compiled = path.with_suffix(".mo")
    if compiled.exists() and (
        not path.exists() or compiled.stat().st_mtime >= path.stat().st_mtime
    ):
        with compiled.open("rb") as handle:
            return gettext_module.GNUTranslations(handle)
    if not path.exists():
        return None
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=language)


@lru_cache(maxsize=4)
def _translations(language: str) -> dict[str, str]:
    catalog = _catalog(language)
    if isinstance(catalog, gettext_module.GNUTranslations):
        return {
            str(msgid): str(text)
            for msgid, text in catalog._catalog.items()  # type: ignore[attr-defined]
            if msgid and isinstance(msgid, str)
        }
    return {
        str(message.id): str(message.string)
        for message in catalog or ()
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


@lru_cache(maxsize=4)
def _plurals(language: str) -> tuple[Callable[[int], int], dict[str, tuple[str, ...]]]:
    """The catalog's plural rule and, by singular msgid, each message's plural forms."""
    catalog = _catalog(language)
    if isinstance(catalog, gettext_module.GNUTranslations):
        forms: dict[str, dict[int, str]] = {}
        for key, text in catalog._catalog.items():  # type: ignore[attr-defined]
            if isinstance(key, tuple):
                forms.setdefault(str(key[0]), {})[int(key[1])] = str(text)
        rule: Callable[[int], int] = catalog.plural  # type: ignore[attr-defined]
        return rule, {m: tuple(f[i] for i in sorted(f)) for m, f in forms.items()}
    if catalog is None:
        return (lambda n: int(n != 1)), {}
    found = {
        str(message.id[0]): tuple(str(form) for form in message.string)
        for message in catalog
        if isinstance(message.id, tuple)
        and isinstance(message.string, tuple)
        and all(message.string)
        and not message.fuzzy
    }
    return gettext_module.c2py(catalog.plural_expr), found


def ngettext(singular: str, plural: str, n: int, language: str | None = None) -> str:
    """The form of a message for the number `n` in the given (or current) language."""
    lang = language or _current.get()
    if lang != "en":
        rule, found = _plurals(lang)
        forms = found.get(singular)
        if forms:
            return forms[min(rule(n), len(forms) - 1)]
    return singular if n == 1 else plural


def _n(singular: str, plural: str, n: int, /, **params: Any) -> str:
    """`_` for a message about `n` things: the form for `n`, with `{named}` parameters filled
    in (pass the number itself as one of them, usually `count=n`)."""
    return ngettext(singular, plural, n).format(**params)


def set_language(language: Language) -> None:
    """Choose the language for messages produced in this context (CLI run, request)."""
    _current.set(language)


def get_language() -> Language:
    return _current.get()


def gettext(message: str, language: str | None = None) -> str:
    """Translate an English source string into the given (or current) language."""
    lang = language or _current.get()
    if lang == "en":
        return message
    return _translations(lang).get(message, message)


def _(message: str, /, **params: Any) -> str:
    """Translate `message` into the current language and fill in `{named}` parameters."""
    text = gettext(message)
    return text.format(**params) if params else text


def both(message: str, /, **params: Any) -> dict[Language, str]:
    """The message in each language, for stores and channels that need both."""
    return {lang: gettext(message, lang).format(**params) for lang in LANGUAGES}
