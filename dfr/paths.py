"""Where the files the code reads at run time are: migrations, alembic.ini, the Welsh catalog,
the checklist data, the examples and the web assets.

One resolver for every layer, so the same code works from a checkout and from an installed
wheel (where these files are packaged under `dfr/_data/`).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
PACKAGED = PACKAGE / "_data"


def resource(*parts: str) -> Path:
    """The packaged file or folder `parts` (e.g. `resource("migrations")`): in a wheel under
    `dfr/_data/`, in a checkout at the top level."""
    packaged = PACKAGED.joinpath(*parts)
    if packaged.exists():
        return packaged
    return CHECKOUT.joinpath(*parts)
