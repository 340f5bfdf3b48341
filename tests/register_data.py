"""CSV files for the register's tests: services and monthly returns, built row by row."""

from __future__ import annotations

from models.service_returns import FIGURES
from services.register import COLUMNS as SERVICE_COLUMNS
from services.register_returns import COLUMNS as RETURN_COLUMNS

SERVICE = {
    "slug": "fishing-licence",
    "name_cy": "Trwydded bysgota",
    "name_en": "Fishing licence",
    "description_cy": "Gwneud cais am drwydded i bysgota mewn afonydd.",
    "description_en": "Apply for a licence to fish in rivers.",
    "dg": "EST",
    "transaction_type": "licence",
    "customer_type": "citizens",
    "channels": "online;phone",
    "assisted_digital": "yes",
    "phase": "live",
    "web_address": "https://example.org/fishing",
}


def services_csv(*rows: dict[str, str]) -> str:
    lines = [",".join(SERVICE_COLUMNS)]
    for row in rows:
        cells = {**SERVICE, **row}
        lines.append(",".join(_quoted(cells[c]) for c in SERVICE_COLUMNS))
    return "\n".join(lines) + "\n"


def figures(**given: str) -> dict[str, str]:
    """Every figure of a return as CSV text: 10 of each, unless given."""
    return {name: given.get(name, "10") for name in FIGURES}


def returns_csv(*rows: dict[str, str]) -> str:
    lines = [",".join(RETURN_COLUMNS)]
    for row in rows:
        cells = {"service": "fishing-licence", "month": "2026-04", **figures(), **row}
        lines.append(",".join(_quoted(cells[c]) for c in RETURN_COLUMNS))
    return "\n".join(lines) + "\n"


def _quoted(cell: str) -> str:
    return f'"{cell}"' if any(c in cell for c in ',"\n') else cell
