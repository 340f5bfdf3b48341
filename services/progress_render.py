"""The progress report as documents: one HTML page per language (a Jinja2 template that holds
only structure: every word comes from here, through `_()`, in the report's language), and the
same page as a PDF drawn by WeasyPrint.

The HTML is self-contained (its style inline, its charts SVG data: URIs), so the bytes stored
when it is published are the whole document. Each chart (the register's, `dfr.charts`) has a
text alternative and its data table beside it. The lessons are the CoE's Markdown, sanitised by
`dfr.markdown`. WeasyPrint is imported when a PDF is made, never before.
"""

from __future__ import annotations

import contextvars
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from dfr.charts import chart_data_uri
from dfr.dates import long_date, long_month
from dfr.i18n import _, _n, gettext, set_language
from dfr.markdown import markdown_to_html
from models.quarter import Quarter
from models.register_kpis import DEFINITIONS, KPIS, MISSING, KpiValue
from services.progress_figures import (
    COMPONENTS,
    OPTIONS,
    OUTCOMES,
    OVERDUE_KINDS,
    RATINGS,
    kpi_value,
)
from services.register_kpis import MONEY_KPIS, shown

# The link to the other language's version, written in that language (and marked with its
# `lang`), as the Welsh Language Standards ask of every page.
LANGUAGE_LINKS = {
    "cy": "Darllenwch yr adroddiad hwn yn Gymraeg",
    "en": "Read this report in English",
}


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("services", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_title() -> str:
    return _("Digital first: progress report")


def quarter_name(quarter: Quarter, language: str) -> str:
    """`1 July 2026 to 30 September 2026`, in the current language."""
    return _(
        "{start} to {end}",
        start=long_date(quarter.start, language),
        end=long_date(quarter.end, language),
    )


def _phase_name(phase: str) -> str:
    names = {
        "discovery": _("Discovery"),
        "alpha": _("Alpha"),
        "beta": _("Beta"),
        "live": _("Live"),
        "none": _("Phase not stated"),
    }
    return names[phase]


def _rating_name(rating: str) -> str:
    return {"green": _("Green"), "amber": _("Amber"), "red": _("Red")}[rating]


def _movement(kpi: str, this: KpiValue, previous: KpiValue) -> str:
    """The change from the previous quarter, or why there is none."""
    if this.value is None or previous.value is None:
        return _("Cannot be compared: a quarter has no value")
    change = this.value - previous.value
    if kpi in MONEY_KPIS:
        amount = abs(change).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if amount == 0:
            return _("No change")
        return (
            _("Up £{amount}", amount=amount) if change > 0 else _("Down £{amount}", amount=amount)
        )
    points = (abs(change) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if points == 0:
        return _("No change")
    if change > 0:
        return _("Up {points} percentage points", points=points)
    return _("Down {points} percentage points", points=points)


def _figure(kpi: str, value: KpiValue) -> str:
    """A KPI's value, or "Missing" and why (never 0)."""
    figure = shown(kpi, value)
    if figure is not None:
        return figure
    return _("Missing: {why}", why=gettext(MISSING[value.missing or "no_return"]))


def _describe(kpi: str, months: list[date], values: list[KpiValue], language: str) -> str:
    """A chart's text alternative: what it covers, its lowest, highest and latest values."""
    name = gettext(KPIS[kpi])
    first, last = long_month(months[0], language), long_month(months[-1], language)
    known = [(m, v) for m, v in zip(months, values, strict=True) if v.value is not None]
    if not known:
        return _(
            "{kpi}, all services, {first} to {last}: no month has a value.",
            kpi=name,
            first=first,
            last=last,
        )
    low = min(known, key=lambda item: item[1].value or 0)
    high = max(known, key=lambda item: item[1].value or 0)
    return _(
        "{kpi}, all services, {first} to {last}: lowest {low} ({low_month}), highest {high} "
        "({high_month}), latest {latest} ({latest_month}); months without a value: {missing}.",
        kpi=name,
        first=first,
        last=last,
        low=shown(kpi, low[1]),
        low_month=long_month(low[0], language),
        high=shown(kpi, high[1]),
        high_month=long_month(high[0], language),
        latest=shown(kpi, known[-1][1]),
        latest_month=long_month(known[-1][0], language),
        missing=len(values) - len(known),
    )


def _kpi_section(kpis: dict[str, Any], dg_names: dict[str, str], language: str) -> dict[str, Any]:
    months = [date.fromisoformat(m) for m in kpis["months"]]
    overall = []
    charts = []
    for kpi in KPIS:
        this = kpi_value(kpis["overall"][kpi]["this"])
        previous = kpi_value(kpis["overall"][kpi]["previous"])
        overall.append(
            {
                "name": gettext(KPIS[kpi]),
                "definition": gettext(DEFINITIONS[kpi]),
                "previous": _figure(kpi, previous),
                "this": _figure(kpi, this),
                "movement": _movement(kpi, this, previous),
            }
        )
        values = [kpi_value(v) for v in kpis["overall_months"][kpi]]
        charts.append(
            {
                "kpi": kpi,
                "name": gettext(KPIS[kpi]),
                "chart": chart_data_uri(
                    months, [v.value for v in values], kpi in MONEY_KPIS, language
                ),
                "description": _describe(kpi, months, values, language),
                "caption": _("{kpi} by month, all services", kpi=gettext(KPIS[kpi])),
                "rows": [
                    {"month": long_month(m, language), "figure": _figure(kpi, v)}
                    for m, v in zip(months, values, strict=True)
                ],
            }
        )
    by_dg = []
    for dg, per_kpi in kpis["by_dg"].items():
        rows = []
        for kpi in KPIS:
            this, previous = kpi_value(per_kpi[kpi]["this"]), kpi_value(per_kpi[kpi]["previous"])
            rows.append(
                {
                    "name": gettext(KPIS[kpi]),
                    "previous": _figure(kpi, previous),
                    "this": _figure(kpi, this),
                    "movement": _movement(kpi, this, previous),
                }
            )
        by_dg.append({"dg": dg_names.get(dg, dg), "rows": rows})
    return {"overall": overall, "charts": charts, "by_dg": by_dg, "services": kpis["services"]}


def _words() -> dict[str, str]:
    """The report's headings and fixed sentences, in the current language."""
    return {
        "title": report_title(),
        "draft": _("Draft: not published. The figures may change until the CoE publishes it."),
        "about": _("About this report"),
        "about_text": _(
            "Each quarter the Digital Centre of Excellence publishes what the digital-first "
            "review engine recorded: the submissions reviewed and their outcomes, the digital "
            "options considered and what changed because of them, the results of Service "
            "Standard assessments, work that was overdue at the end of the quarter and how "
            "the four performance indicators of the register of transactional services moved "
            "(Digital Action Plan, action 20)."
        ),
        "submissions": _("Submissions by Directorate-General and outcome"),
        "submissions_text": _(
            "Submissions received in the quarter, and the outcomes reached in it (whenever "
            "the submission was received)."
        ),
        "dg": _("Directorate-General"),
        "total": _("Total"),
        "none_yet": _("Nothing was recorded in this quarter."),
        "options": _("Digital options considered"),
        "option": _("Digital option"),
        "submissions_count": _("Submissions"),
        "share": _("Share"),
        "components": _("Common components planned"),
        "component": _("Component"),
        "changes": _("What changed because of them"),
        "changes_text": _(
            "The records show what changed between a submission's rounds and what reviewers "
            "required; they do not record why a team changed its plans."
        ),
        "answered_yes_after": _("Answered “yes” only after changes were requested"),
        "flags_cleared": _("Concerns raised before a resubmission and no longer raised after it"),
        "concern": _("Concern"),
        "assessments": _("Service Standard assessment results"),
        "assessments_text": _(
            "The overall rating of each assessment decided in the quarter, by phase."
        ),
        "phase": _("Phase"),
        "overdue": _("Overdue work at the end of the quarter"),
        "overdue_text": _(
            "Reviews still open at the end of the quarter after their due date, and conditions, "
            "amber actions and obligations due by then and not yet confirmed done."
        ),
        "kpis": _("How the services' performance indicators moved"),
        "kpis_text": _(
            "The four indicators of the register of transactional services, over the "
            "quarter's three months, against the three months before. A figure that could not "
            "be worked out is shown as missing, with the reason, never as 0."
        ),
        "indicator": _("Indicator"),
        "previous": _("Previous quarter"),
        "this": _("This quarter"),
        "change": _("Change"),
        "trends": _("The last 12 months, all services"),
        "month": _("Month"),
        "lessons": _("Lessons learned"),
        "no_lessons": _("The Digital Centre of Excellence has not written the lessons yet."),
    }


def _view(
    figures: dict[str, Any], lessons: str, language: str, published: datetime | None
) -> dict[str, Any]:
    quarter = Quarter.parse(figures["quarter"])
    dg_names = {d["code"]: d[f"name_{language}"] for d in figures["dgs"]}
    outcomes = figures["outcomes"]
    totals = {key: sum(row[key] for row in outcomes.values()) for key in OUTCOMES}
    options = figures["options"]
    answered = options["answered"]
    changes = figures["changes"]
    overdue = figures["overdue"]

    def share(count: int) -> str:
        if not answered:
            return "—"
        return f"{(Decimal(count * 100) / answered).quantize(Decimal('1'), ROUND_HALF_UP)}%"

    return {
        "lang": language,
        "w": _words(),
        "quarter": _("Quarter {number}, {year}", number=quarter.number, year=quarter.year),
        "period": quarter_name(quarter, language),
        "status_line": (
            _("Published on {day}", day=long_date(published, language)) if published else None
        ),
        "outcome_names": [gettext(name) for name in OUTCOMES.values()],
        "outcome_rows": [
            {"dg": dg_names.get(dg, dg), "counts": [row[k] for k in OUTCOMES]}
            for dg, row in outcomes.items()
        ],
        "outcome_totals": [totals[k] for k in OUTCOMES],
        "options_intro": _n(
            "What the digital-options checklist recorded for the {count} submission received "
            "in the quarter, when it was first sent.",
            "What the digital-options checklist recorded for the {count} submissions received "
            "in the quarter, when they were first sent.",
            answered,
            count=answered,
        ),
        "option_rows": [
            {
                "name": gettext(OPTIONS[q]),
                "count": options["yes"][q],
                "share": share(options["yes"][q]),
            }
            for q in OPTIONS
        ],
        "component_rows": [
            {
                "name": gettext(COMPONENTS[c]),
                "count": options["components"][c],
                "share": share(options["components"][c]),
            }
            for c in COMPONENTS
        ],
        "change_lines": [
            # Plural forms by the decisions counted: "in 1 decision", Welsh "mewn 2 benderfyniad".
            _n(
                "Conditions set: {count} (in {decisions} decision).",
                "Conditions set: {count} (in {decisions} decisions).",
                changes["decisions_with_conditions"],
                count=changes["conditions"],
                decisions=changes["decisions_with_conditions"],
            ),
            _("Amber actions set by assessments: {count}.", count=changes["amber_actions"]),
            _(
                "Conditions, amber actions and obligations confirmed done: {count}.",
                count=changes["confirmed_done"],
            ),
            _(
                "Changes requested: {count}; submissions sent again after changes: {resubmitted}.",
                count=totals["changes_requested"],
                resubmitted=changes["resubmissions"],
            ),
            _(
                "Resubmissions that no longer need a wet-ink signature or paper forms: {count}.",
                count=changes["no_longer_paper"],
            ),
        ],
        "now_yes_rows": [
            {"name": gettext(OPTIONS[q]), "count": n} for q, n in changes["now_yes"].items() if n
        ],
        "flag_rows": [{"name": f[language], "count": f["count"]} for f in changes["flags_cleared"]],
        "rating_names": [_rating_name(r) for r in RATINGS],
        "assessment_rows": [
            {"phase": _phase_name(p), "counts": [row[r] for r in RATINGS]}
            for p, row in figures["assessments"].items()
        ],
        "overdue_names": [gettext(name) for name in OVERDUE_KINDS.values()],
        "overdue_rows": [
            {"dg": dg_names.get(dg, dg), "counts": [row[k] for k in OVERDUE_KINDS]}
            for dg, row in overdue.items()
            if any(row.values())
        ],
        "kpis": _kpi_section(figures["kpis"], dg_names, language),
        "lessons": Markup(markdown_to_html(lessons)) if lessons.strip() else None,  # sanitised
    }


def render_html(
    figures: dict[str, Any],
    lessons: str,
    language: str,
    *,
    published: datetime | None = None,
    other_language_url: str | None = None,
) -> str:
    """The report's HTML page in `language` (a draft when `published` is None). The page
    links to its other language's version at `other_language_url`, when given (a PDF has no
    such link)."""

    def in_language() -> str:
        set_language(language)  # type: ignore[arg-type]
        view = _view(figures, lessons, language, published)
        other = "en" if language == "cy" else "cy"
        return (
            _environment()
            .get_template("progress_report.html.j2")
            .render(
                **view,
                other_lang=other,
                other_link=LANGUAGE_LINKS[other],
                other_url=other_language_url,
            )
        )

    return contextvars.copy_context().run(in_language)


def render_pdf(html: str) -> bytes:
    """The HTML page as a PDF (WeasyPrint)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
