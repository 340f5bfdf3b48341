"""The four KPIs as the register publishes them: per service, per DG and overall, for each of
the last 12 months. One query reads the returns of every service in the window (the number of
statements does not grow with the number of services); the formulas are `models.register_kpis`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, select

from dfr.i18n import _n
from models.register_kpis import KPIS, KpiValue, combine, kpis_of, months_ending
from models.service_register import Service
from models.service_returns import Figure, MonthlyReturn, figures_of
from models.working_days import london_today

# A KPI's monthly values, oldest first: (first day of the month, value).
Series = list[tuple[date, KpiValue]]


@dataclass(frozen=True)
class RegisterKpis:
    """Every service's KPIs and each group's, over the same months."""

    months: list[date]
    by_service: dict[int, dict[str, Series]]
    by_dg: dict[str, dict[str, Series]]
    overall: dict[str, Series]


def latest_month(session: Session) -> date:
    """The newest month any return is for; the month before this one when there are none."""
    newest = session.exec(
        select(MonthlyReturn).order_by(col(MonthlyReturn.month).desc()).limit(1)
    ).first()
    if newest is not None:
        return newest.month
    this_month = london_today().replace(day=1)
    return months_ending(this_month, 2)[0]


def _series(per_month: dict[date, dict[str, KpiValue]], months: list[date]) -> dict[str, Series]:
    return {kpi: [(month, per_month[month][kpi]) for month in months] for kpi in KPIS}


# Beyond this many services, reading the window whole is cheaper than a long list of ids.
_NAMED_AT_MOST = 200


Computed = dict[int, dict[date, dict[str, KpiValue]]]  # service id → month → KPI → value


def _computed(
    session: Session, last: date | None, services: list[Service] | None
) -> tuple[list[date], list[Service], Computed]:
    """The 12 months ending with `last` (default: the newest month with a return), the
    services (every one on the register, or `services`) and each one's KPIs per month."""
    months = months_ending(last or latest_month(session))
    chosen = services if services is not None else list(session.exec(select(Service)).all())
    # Plain rows, not ORM objects: a page of KPIs reads thousands of returns.
    window = select(MonthlyReturn.__table__).where(  # type: ignore[attr-defined]
        col(MonthlyReturn.month) >= months[0], col(MonthlyReturn.month) <= months[-1]
    )
    if services is not None and len(chosen) <= _NAMED_AT_MOST:
        # A service's page or a DG's summary reads its own returns, not the whole register's
        # (a page of one service out of 1,000 would read 12,000 rows to keep 12).
        window = window.where(col(MonthlyReturn.service_id).in_([s.id for s in chosen]))
    figures: dict[tuple[int, date], dict[str, Figure]] = {
        (row.service_id, row.month): figures_of(row._mapping, row.not_applicable)
        for row in session.connection().execute(window)
    }
    computed = {
        service.id or 0: {month: kpis_of(figures.get((service.id or 0, month))) for month in months}
        for service in chosen
    }
    return months, chosen, computed


def _group(computed: Computed, ids: list[int], months: list[date]) -> dict[str, Series]:
    return {
        kpi: [(m, combine(computed[sid][m][kpi] for sid in ids)) for m in months] for kpi in KPIS
    }


def register_kpis(
    session: Session, last: date | None = None, services: list[Service] | None = None
) -> RegisterKpis:
    """The KPIs of every service on the register (or of `services`) for the 12 months ending
    with `last` (default: the newest month with a return), and of each DG and all of them."""
    months, chosen, computed = _computed(session, last, services)
    members: dict[str, list[int]] = defaultdict(list)
    for service in chosen:
        members[service.dg_code].append(service.id or 0)
    return RegisterKpis(
        months,
        {sid: _series(values, months) for sid, values in computed.items()},
        {dg: _group(computed, ids, months) for dg, ids in sorted(members.items())},
        _group(computed, list(computed), months),
    )


def group_kpis(
    session: Session, services: list[Service], last: date | None = None
) -> tuple[list[date], dict[str, Series]]:
    """The months and the KPIs of `services` added together (a DG's summary, or the whole
    register's), as `register_kpis` has them as `overall`, without each service's series
    and each DG's, which such a page does not show."""
    months, _chosen, computed = _computed(session, last, services)
    return months, _group(computed, list(computed), months)


MONEY_KPIS = frozenset({"cost_per_transaction"})


def shown(kpi: str, value: KpiValue) -> str | None:
    """A KPI's value as people read it (£12.50, 70.0%), or None when it is missing: a page
    says why instead (`MISSING`), never a number."""
    number = value.value
    if number is None:
        return None
    if kpi in MONEY_KPIS:
        return f"£{number.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"
    return f"{(number * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def shown_with_coverage(kpi: str, value: KpiValue) -> str | None:
    """`shown`, and when services were left out of a group's figure, how many it counts and
    how many it leaves out: "20.0% (from 2 services; 1 left out: figures not provided)" in the
    current language. None when the value is missing. The register's pages and
    `dfr register kpis` both say a figure this way, so they cannot drift apart."""
    figure = shown(kpi, value)
    if figure is None or not value.left_out:
        return figure
    # Plural forms by the services counted: English "1 service", Welsh "2 wasanaeth".
    return _n(
        "{figure} (from {counted} service; {left_out} left out: figures not provided)",
        "{figure} (from {counted} services; {left_out} left out: figures not provided)",
        value.counted,
        figure=figure,
        counted=value.counted,
        left_out=value.left_out,
    )
