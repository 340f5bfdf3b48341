"""What the public register pages and its open data show: the services, filtered; one
service with its KPI trends; every figure as open data. Anyone may read these, signed in or
not: the register and its KPIs are published (Digital Action Plan actions 12, 18 and 20).

Nothing "not provided" or "not applicable" is ever given as a number: in the open data such a
figure is an empty cell (JSON null) with its status beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from dfr.errors import NotFoundError
from dfr.i18n import _, gettext
from models.directory import Directorate
from models.register_kpis import KPIS, KpiValue
from models.service_register import CHANNELS, Service, TransactionType
from models.service_returns import FIGURES, SATISFACTION_SCALE, MonthlyReturn
from services.register import COLUMNS, service_by_slug
from services.register_kpis import RegisterKpis, Series, group_kpis, register_kpis
from services.register_memo import remembered
from services.service_links import Assessed, published_assessments

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@dataclass(frozen=True)
class RegisterFilters:
    dg: str = ""
    phase: str = ""
    customer_type: str = ""
    channel: str = ""
    words: str = ""

    def keeps(self, service: Service) -> bool:
        words = self.words.lower().split()
        text = " ".join(
            [service.name_cy, service.name_en, service.description_cy, service.description_en]
        ).lower()
        return (
            (not self.dg or service.dg_code == self.dg)
            and (not self.phase or service.phase == self.phase)
            and (not self.customer_type or service.customer_type == self.customer_type)
            and (not self.channel or self.channel in service.channels)
            and all(word in text for word in words)
        )


@dataclass(frozen=True)
class RegisterView:
    services: list[Service]
    total: int  # on the register, before the filters
    dgs: dict[str, Directorate]
    types: dict[str, TransactionType]


def _vocabulary(session: Session) -> tuple[dict[str, Directorate], dict[str, TransactionType]]:
    dgs = {dg.code: dg for dg in session.exec(select(Directorate)).all()}
    types = {t.code: t for t in session.exec(select(TransactionType)).all()}
    return dgs, types


def register_view(session: Session, filters: RegisterFilters, language: str) -> RegisterView:
    """The services the filters keep, by name in the page's language."""
    every = list(session.exec(select(Service)).all())
    kept = sorted((s for s in every if filters.keeps(s)), key=lambda s: s.name(language).lower())
    dgs, types = _vocabulary(session)
    return RegisterView(kept, len(every), dgs, types)


@dataclass(frozen=True)
class ServiceView:
    service: Service
    dg: Directorate
    transaction_type: TransactionType
    months: list[date]
    kpis: dict[str, Series]
    assessments: list[Assessed]  # of linked submissions, once their report is published


def service_view(session: Session, slug: str) -> ServiceView:
    """One service with its KPIs for the last 12 months; NotFoundError for an unknown slug."""
    service = service_by_slug(session, slug)
    kpis = register_kpis(session, services=[service])
    dgs, types = _vocabulary(session)
    return ServiceView(
        service,
        dgs[service.dg_code],
        types[service.transaction_type],
        kpis.months,
        kpis.by_service[service.id or 0],
        published_assessments(session, service),
    )


@dataclass(frozen=True)
class GroupView:
    """A DG's services and their KPIs added together, or (dg None) every service's."""

    dg: Directorate | None
    services: list[Service]
    months: list[date]
    kpis: dict[str, Series]


def _group(
    session: Session, dg_code: str | None
) -> tuple[tuple[Service, ...], tuple[list[date], dict[str, Series]]]:
    every = session.exec(select(Service)).all()
    chosen = [s for s in every if dg_code is None or s.dg_code == dg_code]
    return tuple(chosen), group_kpis(session, chosen)


def group_view(session: Session, dg_code: str | None, language: str) -> GroupView:
    """A DG's summary (NotFoundError for a DG with no services on the register), or, for
    None, every service's. The services and their KPIs are kept while the register and its
    returns stay unchanged (`services.register_memo`); the DG is read each time."""
    chosen, (months, series) = remembered(
        session, ("group", dg_code), lambda: _group(session, dg_code)
    )
    dg = session.get(Directorate, dg_code) if dg_code is not None else None
    if dg_code is not None and (dg is None or not chosen):
        raise NotFoundError(
            _("There are no services of {dg} on the register.", dg=dg_code), field="dg"
        )
    ordered = sorted(chosen, key=lambda s: s.name(language).lower())
    return GroupView(dg, ordered, months, series)


def service_names(session: Session, language: str) -> list[tuple[str, str]]:
    """Every service's slug and name, by name: for a form's list to choose from."""
    every = session.exec(select(Service)).all()
    return sorted(((s.slug, s.name(language)) for s in every), key=lambda p: p[1].lower())


def figure_labels() -> list[tuple[str, str]]:
    """Each figure of a return and its name in the current language, in the CSV's order."""
    labelled = []
    for channel, name in CHANNELS.items():
        labelled.append((f"started_{channel}", _("Started: {channel}", channel=gettext(name))))
    for channel, name in CHANNELS.items():
        labelled.append((f"completed_{channel}", _("Completed: {channel}", channel=gettext(name))))
    labelled.append(("total_cost", _("Total cost, all channels (£)")))
    for point, name in SATISFACTION_SCALE.items():
        labelled.append((f"satisfaction_{point}", _("Satisfaction: {point}", point=gettext(name))))
    return labelled


# -- open data -------------------------------------------------------------------------------

# The open data has the baseline import's columns, so a download can be imported again.
SERVICE_FIELDS = COLUMNS


def service_records(session: Session) -> list[dict[str, Any]]:
    """Every entry on the register, as the open data gives it."""
    return [
        {
            "slug": s.slug,
            "name_cy": s.name_cy,
            "name_en": s.name_en,
            "description_cy": s.description_cy,
            "description_en": s.description_en,
            "dg": s.dg_code,
            "transaction_type": s.transaction_type,
            "customer_type": s.customer_type,
            "channels": ";".join(s.channels),
            "assisted_digital": s.assisted_digital,
            "phase": s.phase,
            "web_address": s.web_address or "",
        }
        for s in session.exec(select(Service).order_by(col(Service.slug))).all()
    ]


RETURN_FIELDS = ("service", "month", *(f"{n}{s}" for n in FIGURES for s in ("", "_status")))


def return_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every monthly return: each figure with its status (`provided`, `not_applicable`,
    `not_provided`); a figure without a number is None, never 0."""
    slugs = {s.id: s.slug for s in session.exec(select(Service)).all()}
    rows = session.exec(
        select(MonthlyReturn).order_by(col(MonthlyReturn.service_id), col(MonthlyReturn.month))
    ).all()
    for row in rows:
        record: dict[str, Any] = {"service": slugs[row.service_id], "month": f"{row.month:%Y-%m}"}
        for name, value in row.figures().items():
            absent = isinstance(value, str)
            record[name] = None if absent else value
            record[f"{name}_status"] = value if absent else "provided"
        yield record


KPI_FIELDS = ("group", "code", "month", "kpi", "value", "status", "services", "left_out")


def _kpi_rows(group: str, code: str, series: dict[str, Series]) -> Iterator[dict[str, Any]]:
    for kpi in KPIS:
        for month, value in series[kpi]:
            yield _kpi_record(group, code, month, kpi, value)


def _kpi_record(group: str, code: str, month: date, kpi: str, value: KpiValue) -> dict[str, Any]:
    number = value.value
    return {
        "group": group,
        "code": code,
        "month": f"{month:%Y-%m}",
        "kpi": kpi,
        "value": None if number is None else round(number, 4),
        "status": value.missing or "provided",
        "services": value.counted,
        "left_out": value.left_out,
    }


def kpi_records(session: Session) -> list[dict[str, Any]]:
    """The four KPIs for each of the last 12 months: per service, per DG and overall."""
    kpis: RegisterKpis = register_kpis(session)
    slugs = {s.id: s.slug for s in session.exec(select(Service)).all()}
    records = list(_kpi_rows("all", "all", kpis.overall))
    for dg, series in kpis.by_dg.items():
        records.extend(_kpi_rows("dg", dg, series))
    for sid, series in sorted(kpis.by_service.items(), key=lambda item: slugs[item[0]]):
        records.extend(_kpi_rows("service", slugs[sid], series))
    return records
