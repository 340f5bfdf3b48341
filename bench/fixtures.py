"""What the benchmarks run on, of their own: the demo directory and an example submission from
`examples/` (found through `dfr.paths`), never the tests' factories."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.engine import Engine

from checklists.yaml_files import read_yaml
from dfr.paths import resource
from models.db import session_scope
from services.directory import load_directory, merge_directory_files

EXAMPLES = resource("examples")
SUBMITTER = "iwan.parry"  # a policy officer of EST in the demo directory
CATEGORY_MANAGER = "huw.jenkins"  # a category manager in every DG
_DOCUMENT = read_yaml(EXAMPLES / "submissions" / "01-policy-no-digital-service.yaml")["submission"]
_PROCUREMENT = read_yaml(EXAMPLES / "submissions" / "03-procurement-below-threshold.yaml")[
    "submission"
]


def load_demo_directory(engine: Engine) -> None:
    """The demo DGs and people, as `dfr init` loads them."""
    directory = merge_directory_files([EXAMPLES / "directorates.yaml", EXAMPLES / "people.yaml"])
    with session_scope(engine) as session:
        load_directory(session, directory)


def submission_document() -> dict[str, Any]:
    """An example submission (a policy with no digital service), a fresh copy each time."""
    return copy.deepcopy(_DOCUMENT)


def procurement_document() -> dict[str, Any]:
    """An example procurement below the threshold (a digital-options review, then a category
    review, no flags), a fresh copy each time."""
    return copy.deepcopy(_PROCUREMENT)


def submission_row(n: int, dg: str, state: str, **more: Any) -> dict[str, Any]:
    """A bench submission row (initiative `n` of `dg`, from the demo's policy officer), for a
    bulk insert; `more` gives or overrides its other columns (dates, phase…)."""
    return {
        "id": n,
        "kind": "initiative",
        "title_cy": f"Menter {n}",
        "title_en": f"Initiative {n}",
        "summary_cy": "s",
        "summary_en": "s",
        "dg_code": dg,
        "submitter_id": "iwan.parry",
        "state": state,
        "round": 1,
        "version": 1,
        **more,
    }
