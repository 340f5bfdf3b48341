"""Which services to transform first: every service on the register that is not retired,
ranked by the published criteria (`models.register_priorities`) on its last 12 months of
returns, each with the reasons for its place. For the CoE and administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from models.register_kpis import combine
from models.register_priorities import Candidate, Criteria, criteria, measures_of, rank
from models.service_register import Service
from services.register import require_editor
from services.register_kpis import register_kpis


@dataclass(frozen=True)
class Priorities:
    criteria: Criteria
    months: list[date]
    candidates: list[Candidate]
    services: dict[str, Service]


def priorities(session: Session, actor_id: str) -> Priorities:
    """The ranked candidates, with the criteria version and the months measured."""
    require_editor(session, actor_id)
    chosen = [s for s in session.exec(select(Service)).all() if s.phase != "retired"]
    kpis = register_kpis(session, services=chosen)
    measured = {}
    for service in chosen:
        series = kpis.by_service[service.id or 0]
        year = {kpi: combine(value for _month, value in values) for kpi, values in series.items()}
        take_up = year["digital_take_up"]
        measured[service.slug] = measures_of(
            completed=take_up.denominator if take_up.value is not None else None,
            take_up=take_up.value,
            cost=year["cost_per_transaction"].value,
            satisfaction=year["user_satisfaction"].value,
            assisted_digital=service.assisted_digital,
        )
    return Priorities(criteria(), kpis.months, rank(measured), {s.slug: s for s in chosen})
