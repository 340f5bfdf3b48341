"""Ranking services as candidates for digital transformation (Digital Action Plan action 11),
pure: the criteria are versioned, bilingual data (`models/data/prioritisation.yaml`); each
criterion scores a service from 0 to 1 against the other candidates (the largest value scores
1, none scores 0), times its weight. A criterion with no value for a service (figures not
provided, or a measure the returns do not hold yet) is left out of that service's score, and
the explanation says so; the score is the weighted share of the criteria that could be scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import Field

from checklists.schema import Strict, Text

CRITERIA_FILE = Path(__file__).parent / "data" / "prioritisation.yaml"
MEASURES = frozenset(
    {
        "completed_transactions",
        "share_not_digital",
        "cost_per_transaction",
        "share_not_satisfied",
        "no_assisted_digital",
        "welsh_language_take_up",
    }
)


class Criterion(Strict):
    id: str
    measure: str
    weight: int = Field(ge=0, le=10)
    name: Text
    why: Text


class Criteria(Strict):
    version: int
    criteria: tuple[Criterion, ...]


@lru_cache(maxsize=1)
def criteria() -> Criteria:
    """The published criteria; a file that does not fit the schema stops here."""
    with CRITERIA_FILE.open(encoding="utf-8") as handle:
        loaded = Criteria.model_validate(yaml.safe_load(handle))
    unknown = [c.measure for c in loaded.criteria if c.measure not in MEASURES]
    if unknown:
        raise ValueError(f"unknown measures in {CRITERIA_FILE.name}: {unknown}")
    return loaded


@dataclass(frozen=True)
class Scored:
    criterion: Criterion
    value: Decimal | None  # the measure; None: not known for this service
    score: Decimal | None  # 0..1 against the other candidates


@dataclass(frozen=True)
class Candidate:
    key: str  # the service's slug
    score: Decimal  # 0..1: the weighted share of the criteria that could be scored
    scored: tuple[Scored, ...]


def rank(
    measured: Mapping[str, Mapping[str, Decimal | None]], given: Criteria | None = None
) -> list[Candidate]:
    """Candidates by score, highest first (ties by key). `measured`: by service, by measure."""
    chosen = given or criteria()
    largest: dict[str, Decimal] = {}
    for values in measured.values():
        for measure, value in values.items():
            if value is not None and value > largest.get(measure, Decimal(0)):
                largest[measure] = value
    ranked = []
    for key, values in measured.items():
        scored: list[Scored] = []
        weighted = weights = Decimal(0)
        for criterion in chosen.criteria:
            value = values.get(criterion.measure)
            top = largest.get(criterion.measure)
            score = None if value is None else (value / top if top else Decimal(0))
            scored.append(Scored(criterion, value, score))
            if score is not None:
                weighted += score * criterion.weight
                weights += criterion.weight
        ranked.append(Candidate(key, weighted / weights if weights else Decimal(0), tuple(scored)))
    return sorted(ranked, key=lambda c: (-c.score, c.key))


def measures_of(
    completed: Decimal | None,
    take_up: Decimal | None,
    cost: Decimal | None,
    satisfaction: Decimal | None,
    assisted_digital: bool,
) -> dict[str, Decimal | None]:
    """A service's measures from its 12-month KPIs (None: not known)."""
    return {
        "completed_transactions": completed,
        "share_not_digital": None if take_up is None else 1 - take_up,
        "cost_per_transaction": cost,
        "share_not_satisfied": None if satisfaction is None else 1 - satisfaction,
        "no_assisted_digital": Decimal(0) if assisted_digital else Decimal(1),
        "welsh_language_take_up": None,  # the returns do not record it yet
    }
