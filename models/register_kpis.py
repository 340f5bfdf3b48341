"""The four KPIs of a transactional service, computed from its monthly returns (pure).

The formulas are GOV.UK's (service manual, "measuring success"; FACTS.md):

- cost per transaction = total cost of the service, all channels ÷ completed transactions, all
  channels;
- user satisfaction = satisfied and very satisfied responses ÷ all responses on the five-point
  scale;
- completion rate = completed digital transactions ÷ started digital transactions;
- digital take-up = completed digital transactions ÷ completed transactions, all channels.

A KPI whose inputs are not all there is *missing*, with the reason (and the figures that were
not provided): never 0. A channel that is "not applicable" (the service does not offer it)
counts as no transactions in a sum over channels; a figure "not provided" makes the KPI missing.
A group of services (a DG, or every service) adds up each service's numerator and denominator,
over the services that have every figure the KPI needs; the services left out are counted, so
a page can say "from 28 of 30 services".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dfr.labels import N_
from models.service_register import DIGITAL_CHANNEL
from models.service_returns import (
    COMPLETED,
    COST,
    NOT_PROVIDED,
    SATISFACTION,
    SATISFIED,
    Figure,
)

KPIS = {
    "cost_per_transaction": N_("Cost per transaction"),
    "user_satisfaction": N_("User satisfaction"),
    "completion_rate": N_("Completion rate"),
    "digital_take_up": N_("Digital take-up"),
}

DEFINITIONS = {
    "cost_per_transaction": N_(
        "The total cost of the service across all channels, divided by the number of "
        "transactions completed in all channels."
    ),
    "user_satisfaction": N_(
        "The share of survey responses that were satisfied or very satisfied, on a five-point "
        "scale from very dissatisfied to very satisfied."
    ),
    "completion_rate": N_("The share of transactions started online that were completed online."),
    "digital_take_up": N_(
        "The share of all completed transactions, in every channel, that were completed online."
    ),
}

# Why a KPI has no value.
MISSING = {
    "no_return": N_("No return was sent for this month."),
    "not_provided": N_("Some of the figures it needs were not provided."),
    "not_applicable": N_("It does not apply to this service."),
    "no_completed": N_("No transactions were completed, so there is nothing to divide by."),
    "no_started": N_("No transactions were started online, so there is nothing to divide by."),
    "no_responses": N_("Nobody answered the satisfaction survey."),
    "no_services": N_("No service in this group has every figure it needs."),
}


# Every figure was there, but the denominator is zero.
EMPTY = ("no_completed", "no_started", "no_responses")


@dataclass(frozen=True)
class KpiValue:
    """A KPI for one month: its numerator and denominator, or why it is missing."""

    numerator: Decimal | None = None
    denominator: Decimal | None = None
    missing: str | None = None  # a key of MISSING
    absent: tuple[str, ...] = ()  # the figures not provided
    counted: int = 1  # services it is computed from
    left_out: int = 0  # services left out of a group because figures were not provided

    @property
    def value(self) -> Decimal | None:
        if self.missing is not None or not self.denominator or self.numerator is None:
            return None
        return self.numerator / self.denominator


def _missing(reason: str, absent: Iterable[str] = ()) -> KpiValue:
    return KpiValue(missing=reason, absent=tuple(absent), counted=0)


@dataclass(frozen=True)
class _Sum:
    total: int | Decimal
    absent: tuple[str, ...]  # not provided
    applicable: bool  # at least one figure is not "not applicable"


def _sum(figures: Mapping[str, Figure], names: Sequence[str]) -> _Sum:
    total: int | Decimal = 0
    absent: list[str] = []
    applicable = False
    for name in names:
        figure = figures[name]
        if not isinstance(figure, str):
            total += figure
            applicable = True
        elif figure == NOT_PROVIDED:
            absent.append(name)
            applicable = True
    return _Sum(total, tuple(absent), applicable)


def _ratio(numerator: _Sum, denominator: _Sum, empty: str) -> KpiValue:
    absent = tuple(dict.fromkeys(numerator.absent + denominator.absent))
    if absent:
        return _missing("not_provided", absent)
    if not denominator.applicable:
        return _missing("not_applicable")
    if denominator.total == 0:
        return _missing(empty)
    return KpiValue(Decimal(numerator.total), Decimal(denominator.total))


def cost_per_transaction(figures: Mapping[str, Figure]) -> KpiValue:
    cost = _sum(figures, [COST])
    if not cost.applicable:
        return _missing("not_applicable")
    return _ratio(cost, _sum(figures, COMPLETED), "no_completed")


def user_satisfaction(figures: Mapping[str, Figure]) -> KpiValue:
    satisfied = _sum(figures, [f"satisfaction_{point}" for point in SATISFIED])
    return _ratio(satisfied, _sum(figures, SATISFACTION), "no_responses")


def completion_rate(figures: Mapping[str, Figure]) -> KpiValue:
    started = _sum(figures, [f"started_{DIGITAL_CHANNEL}"])
    completed = _sum(figures, [f"completed_{DIGITAL_CHANNEL}"])
    if not started.applicable or not completed.applicable:
        return _missing("not_applicable")
    return _ratio(completed, started, "no_started")


def digital_take_up(figures: Mapping[str, Figure]) -> KpiValue:
    return _ratio(
        _sum(figures, [f"completed_{DIGITAL_CHANNEL}"]),
        _sum(figures, COMPLETED),
        "no_completed",
    )


FORMULAS = {
    "cost_per_transaction": cost_per_transaction,
    "user_satisfaction": user_satisfaction,
    "completion_rate": completion_rate,
    "digital_take_up": digital_take_up,
}


def kpis_of(figures: Mapping[str, Figure] | None) -> dict[str, KpiValue]:
    """The four KPIs of one return (None: no return for the month)."""
    if figures is None:
        return {kpi: _missing("no_return") for kpi in KPIS}
    return {kpi: formula(figures) for kpi, formula in FORMULAS.items()}


def combine(values: Iterable[KpiValue]) -> KpiValue:
    """A group's KPI: the sums of the numerators and denominators of the services that have
    every figure it needs. Services it does not apply to are not counted as left out."""
    numerator = denominator = Decimal(0)
    counted = left_out = 0
    empty = "no_completed"
    for value in values:
        if value.missing is None:
            numerator += value.numerator or 0
            denominator += value.denominator or 0
            counted += 1
        elif value.missing in EMPTY:  # every figure there, nothing to divide by: counts as 0
            counted += 1
            empty = value.missing
        elif value.missing in ("not_provided", "no_return"):
            left_out += 1
    if counted == 0:
        return KpiValue(missing="no_services", counted=0, left_out=left_out)
    if denominator == 0:
        return KpiValue(missing=empty, counted=counted, left_out=left_out)
    return KpiValue(numerator, denominator, counted=counted, left_out=left_out)


def months_ending(last: date, count: int = 12) -> list[date]:
    """The first days of the `count` months ending with `last`'s month, oldest first."""
    year, month = last.year, last.month
    months = []
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]
