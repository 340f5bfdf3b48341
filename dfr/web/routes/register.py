"""The public register of transactional services: the register with filters, a page per
service with its KPI trends (charts with a text alternative and the data table beside them),
and the open data (CSV and JSON) at stable addresses. Open to anyone, signed in or not."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from dfr import labels
from dfr.dates import long_month
from dfr.i18n import _, get_language, gettext
from dfr.web.charts import chart_data_uri, is_drawn
from dfr.web.templating import render
from models.db import session_scope
from models.register_kpis import DEFINITIONS, KPIS, MISSING, KpiValue
from models.service_register import CHANNELS, CUSTOMER_TYPES, PHASES
from services.register_kpis import MONEY_KPIS, Series, shown, shown_with_coverage
from services.register_publication import (
    KPI_FIELDS,
    LICENCE,
    LICENCE_URL,
    RETURN_FIELDS,
    SERVICE_FIELDS,
    RegisterFilters,
    group_view,
    kpi_records,
    register_view,
    return_records,
    service_records,
    service_view,
)

router = APIRouter()


def _names(table: dict[str, str]) -> dict[str, str]:
    """A vocabulary's names in the page's language, by key."""
    return {key: gettext(name) for key, name in table.items()}


@router.get("/services")
async def register_page(request: Request) -> Response:
    query = request.query_params
    filters = RegisterFilters(
        dg=query.get("dg", ""),
        phase=query.get("phase", "") if query.get("phase", "") in PHASES else "",
        customer_type=query.get("customer_type", "")
        if query.get("customer_type", "") in CUSTOMER_TYPES
        else "",
        channel=query.get("channel", "") if query.get("channel", "") in CHANNELS else "",
        words=query.get("words", "")[:200],
    )
    language = get_language()
    with session_scope(read_only=True) as session:
        view = register_view(session, filters, language)
    return render(
        request,
        "register.html",
        title=_("Register of transactional services"),
        view=view,
        filters=filters,
        phases=_names(PHASES),
        customer_types=_names(CUSTOMER_TYPES),
        channels=_names(CHANNELS),
    )


def _describe(kpi: str, series: Series, language: str) -> str:
    """A chart's text alternative: the months it covers, its range and its latest value."""
    name = gettext(KPIS[kpi])
    first, last = long_month(series[0][0], language), long_month(series[-1][0], language)
    known = [(month, value) for month, value in series if value.value is not None]
    missing = len(series) - len(known)
    if not known:
        return _(
            "{kpi} from {first} to {last}: no month has a value.", kpi=name, first=first, last=last
        )
    low = min(known, key=lambda item: item[1].value or 0)
    high = max(known, key=lambda item: item[1].value or 0)
    latest = known[-1]
    return _(
        "{kpi} from {first} to {last}: lowest {low} ({low_month}), highest {high} "
        "({high_month}), latest {latest} ({latest_month}); months without a value: {missing}.",
        kpi=name,
        first=first,
        last=last,
        low=shown(kpi, low[1]),
        low_month=long_month(low[0], language),
        high=shown(kpi, high[1]),
        high_month=long_month(high[0], language),
        latest=shown(kpi, latest[1]),
        latest_month=long_month(latest[0], language),
        missing=missing,
    )


def _cell(kpi: str, value: KpiValue) -> dict[str, str | None]:
    """A month's figure for the data table: the number, or "missing" and why."""
    figure = shown_with_coverage(kpi, value)
    if figure is not None:
        return {"figure": figure, "why": None}
    return {"figure": None, "why": gettext(MISSING[value.missing or "no_return"])}


def _chart(kpi: str, series: Series, language: str) -> tuple[Any, ...]:
    """What a KPI's chart shows: its months, their values, whether in pounds; the language."""
    return [m for m, _v in series], [v.value for _m, v in series], kpi in MONEY_KPIS, language


def _trends(kpis: dict[str, Series], language: str) -> list[dict[str, Any]]:
    """Each KPI's name, definition, chart, text alternative and table rows."""
    return [
        {
            "kpi": kpi,
            "name": gettext(KPIS[kpi]),
            "definition": gettext(DEFINITIONS[kpi]),
            "chart": chart_data_uri(*_chart(kpi, kpis[kpi], language)),
            "description": _describe(kpi, kpis[kpi], language),
            "rows": [{"month": long_month(m, language), **_cell(kpi, v)} for m, v in kpis[kpi]],
        }
        for kpi in KPIS
    ]


async def _drawn_trends(kpis: dict[str, Series], language: str) -> list[dict[str, Any]]:
    """`_trends`, made here in the event loop when every chart is drawn already (the pages
    are async: a page per worker at a time answers sooner at the tail than ten sharing a
    thread pool), and in the thread pool when one must be drawn first, which takes tens of
    ms that would hold up every other page on this worker."""
    if all(is_drawn(*_chart(kpi, kpis[kpi], language)) for kpi in KPIS):
        return _trends(kpis, language)
    return await run_in_threadpool(_trends, kpis, language)


@router.get("/services-summary")
async def overall_summary_page(request: Request) -> Response:
    language = get_language()
    with session_scope(read_only=True) as session:
        view = group_view(session, None, language)
        dgs = register_view(session, RegisterFilters(), language).dgs
    counts: dict[str, int] = {}
    for service in view.services:
        counts[service.dg_code] = counts.get(service.dg_code, 0) + 1
    return render(
        request,
        "register_summary.html",
        title=_("How the register's services work, all together"),
        view=view,
        dgs=sorted(
            ((dgs[code], count) for code, count in counts.items()),
            key=lambda item: item[0].name(language),
        ),
        trends=await _drawn_trends(view.kpis, language),
    )


@router.get("/services/dg/{code}")
async def dg_summary_page(request: Request, code: str) -> Response:
    language = get_language()
    with session_scope(read_only=True) as session:
        view = group_view(session, code, language)
    assert view.dg is not None
    return render(
        request,
        "register_group.html",
        title=view.dg.name(language),
        view=view,
        trends=await _drawn_trends(view.kpis, language),
    )


@router.get("/services/{slug}")
async def service_page(request: Request, slug: str) -> Response:
    language = get_language()
    with session_scope(read_only=True) as session:
        view = service_view(session, slug)
    return render(
        request,
        "register_service.html",
        title=view.service.name(language),
        view=view,
        trends=await _drawn_trends(view.kpis, language),
        channel_names=[labels.label(CHANNELS, c) for c in view.service.channels],
        phases=_names(PHASES),
        customer_types=_names(CUSTOMER_TYPES),
    )


# -- open data: stable addresses, documented on /open-data ---------------------------


def _csv(records: Iterable[dict[str, Any]], fields: Sequence[str], name: str) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _number(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _json(records: Sequence[dict[str, Any]]) -> Response:
    body = {"licence": LICENCE, "licence_url": LICENCE_URL, "records": records}
    return Response(
        json.dumps(body, default=_number, ensure_ascii=False, indent=1),
        media_type="application/json",
    )


@router.get("/open-data")
async def open_data_page(request: Request) -> Response:
    return render(
        request,
        "register_open_data.html",
        title=_("Open data: the register of services"),
        licence_url=LICENCE_URL,
        definitions=[(gettext(KPIS[k]), gettext(DEFINITIONS[k])) for k in KPIS],
    )


@router.get("/open-data/services.csv")
async def services_csv() -> Response:
    with session_scope(read_only=True) as session:
        return _csv(service_records(session), SERVICE_FIELDS, "services.csv")


@router.get("/open-data/services.json")
async def services_json() -> Response:
    with session_scope(read_only=True) as session:
        return _json(service_records(session))


@router.get("/open-data/returns.csv")
async def returns_csv() -> Response:
    with session_scope(read_only=True) as session:
        return _csv(list(return_records(session)), RETURN_FIELDS, "returns.csv")


@router.get("/open-data/returns.json")
async def returns_json() -> Response:
    with session_scope(read_only=True) as session:
        return _json(list(return_records(session)))


@router.get("/open-data/kpis.csv")
async def kpis_csv() -> Response:
    with session_scope(read_only=True) as session:
        return _csv(kpi_records(session), KPI_FIELDS, "kpis.csv")


@router.get("/open-data/kpis.json")
async def kpis_json() -> Response:
    with session_scope(read_only=True) as session:
        return _json(kpi_records(session))
