"""The four KPIs against figures worked out by hand (FACTS.md's formulas), and a KPI whose
inputs are missing is missing, with the reason, never 0."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models.register_kpis import (
    combine,
    completion_rate,
    cost_per_transaction,
    digital_take_up,
    kpis_of,
    months_ending,
    user_satisfaction,
)
from models.service_returns import FIGURES

NA, NP = "not_applicable", "not_provided"


def month(**given):
    """A return's figures: 0 unless given."""
    return {name: given.get(name, 0) for name in FIGURES}


# A licence service in a month: 1,000 started online, 800 of them completed; 150 completed by
# phone, 50 on paper; face to face and other not offered. It cost £12,500.00. 200 people
# answered the survey: 10 very dissatisfied, 20 dissatisfied, 30 neither, 60 satisfied,
# 80 very satisfied.
LICENCE = month(
    started_online=1000,
    completed_online=800,
    started_phone=160,
    completed_phone=150,
    started_paper=55,
    completed_paper=50,
    started_face_to_face=NA,
    completed_face_to_face=NA,
    started_other=NA,
    completed_other=NA,
    total_cost=Decimal("12500.00"),
    satisfaction_very_dissatisfied=10,
    satisfaction_dissatisfied=20,
    satisfaction_neither=30,
    satisfaction_satisfied=60,
    satisfaction_very_satisfied=80,
)


def test_cost_per_transaction_is_the_total_cost_over_completed_transactions_in_all_channels():
    # £12,500 ÷ (800 + 150 + 50) = £12.50
    assert cost_per_transaction(LICENCE).value == Decimal("12.5")


def test_user_satisfaction_is_the_share_satisfied_or_very_satisfied():
    # (60 + 80) ÷ 200 = 0.7
    assert user_satisfaction(LICENCE).value == Decimal("0.7")


def test_completion_rate_is_completed_over_started_online():
    # 800 ÷ 1,000 = 0.8
    assert completion_rate(LICENCE).value == Decimal("0.8")


def test_digital_take_up_is_online_completions_over_all_completions():
    # 800 ÷ 1,000 = 0.8
    assert digital_take_up(LICENCE).value == Decimal("0.8")


def test_a_figure_not_provided_makes_the_kpi_missing_and_says_which_figure():
    value = cost_per_transaction({**LICENCE, "completed_phone": NP})
    assert value.value is None and value.missing == "not_provided"
    assert value.absent == ("completed_phone",)
    # The completion rate does not need the phone figures: it is still worked out.
    assert completion_rate({**LICENCE, "completed_phone": NP}).value == Decimal("0.8")


def test_a_service_without_an_online_channel_has_no_completion_rate_but_a_take_up_of_zero():
    paper_only = {**LICENCE, "started_online": NA, "completed_online": NA}
    assert completion_rate(paper_only).missing == "not_applicable"
    # Nothing is completed online: 0 ÷ (150 + 50) is a true 0, not a missing figure.
    assert digital_take_up(paper_only).value == Decimal(0)
    # £12,500 ÷ 200 = £62.50
    assert cost_per_transaction(paper_only).value == Decimal("62.5")


@pytest.mark.parametrize(
    ("kpi", "figures", "reason"),
    [
        (cost_per_transaction, month(total_cost=100), "no_completed"),
        (completion_rate, month(), "no_started"),
        (user_satisfaction, month(), "no_responses"),
        (
            user_satisfaction,
            month(**{name: NA for name in FIGURES if name.startswith("satisfaction_")}),
            "not_applicable",
        ),
        (cost_per_transaction, {**LICENCE, "total_cost": NP}, "not_provided"),
    ],
)
def test_nothing_to_divide_by_is_missing_with_its_reason_never_zero(kpi, figures, reason):
    value = kpi(figures)
    assert value.value is None and value.missing == reason


def test_a_month_without_a_return_has_every_kpi_missing():
    assert {v.missing for v in kpis_of(None).values()} == {"no_return"}


def test_a_group_adds_numerators_and_denominators_of_the_services_with_every_figure():
    # A second service: 300 started online, 100 completed online, 100 by phone, £1,000.
    other = month(started_online=300, completed_online=100, completed_phone=100, total_cost=1000)
    incomplete = {**LICENCE, "completed_paper": NP}
    group = combine(
        [
            cost_per_transaction(LICENCE),
            cost_per_transaction(other),
            cost_per_transaction(incomplete),
            kpis_of(None)["cost_per_transaction"],
        ]
    )
    # (£12,500 + £1,000) ÷ (1,000 + 200) = £11.25, from 2 services; 2 left out
    assert group.value == Decimal("11.25")
    assert (group.counted, group.left_out) == (2, 2)
    rates = combine([completion_rate(LICENCE), completion_rate(other)])
    # (800 + 100) ÷ (1,000 + 300) = 0.6923…
    assert rates.value == Decimal(900) / Decimal(1300)


def test_a_group_with_no_service_complete_is_missing():
    group = combine([kpis_of(None)["digital_take_up"]])
    assert group.value is None and group.missing == "no_services" and group.left_out == 1


def test_the_last_12_months_end_with_the_month_given_and_cross_the_year():
    months = months_ending(date(2026, 3, 15))
    assert months[0] == date(2025, 4, 1) and months[-1] == date(2026, 3, 1)
    assert len(months) == 12
