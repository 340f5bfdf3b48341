"""Monthly returns: by CSV, with "not applicable" and "not provided" kept apart from zero; a
file with bad rows stores nothing and names every bad row; a correction needs a reason, and the
log keeps the figures before and after it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from dfr.errors import PermissionDeniedError, ValidationError
from dfr.i18n import set_language
from models.audit import LogEntry
from models.db import session_scope
from models.service_returns import MonthlyReturn
from services.register import import_services, service_by_slug
from services.register_csv import CsvRejectedError
from services.register_returns import import_returns, record_return
from tests.register_data import returns_csv, services_csv


@pytest.fixture
def registered(people):
    with session_scope(people) as session:
        import_services(session, services_csv({}), "coe.one")
    return people


def _returns(engine):
    with session_scope(engine) as session:
        return session.exec(select(MonthlyReturn).order_by(MonthlyReturn.month)).all()


def test_a_return_keeps_not_applicable_and_not_provided_apart_from_zero(registered):
    text = returns_csv(
        {
            "started_paper": "not applicable",
            "completed_paper": "N/A",
            "satisfaction_neither": "not provided",
            "started_other": "0",
            "total_cost": "1,234.50",
        }
    )
    with session_scope(registered) as session:
        imported = import_returns(session, text, "coe.one")
    assert imported.recorded == 1
    [stored] = _returns(registered)
    assert stored.month == date(2026, 4, 1)
    figures = stored.figures()
    assert figures["started_paper"] == figures["completed_paper"] == "not_applicable"
    assert figures["satisfaction_neither"] == "not_provided"
    assert figures["started_other"] == 0
    assert figures["total_cost"] == Decimal("1234.50")


def test_welsh_words_for_absent_figures_are_understood(registered):
    text = returns_csv({"started_paper": "amherthnasol", "completed_paper": "heb ei ddarparu"})
    with session_scope(registered) as session:
        import_returns(session, text, "coe.one")
    [stored] = _returns(registered)
    assert stored.figure("started_paper") == "not_applicable"
    assert stored.figure("completed_paper") == "not_provided"


def test_a_returns_file_with_bad_rows_stores_nothing_and_names_every_bad_row(registered):
    text = returns_csv(
        {"month": "2026-03"},
        {"service": "no-such-service", "month": "2026-13"},
        {"month": "2026-05", "started_online": "", "completed_online": "-4"},
        {"month": "2026-06", "total_cost": "12.345", "satisfaction_satisfied": "lots"},
        {"month": "2026-03"},
        {"month": "2999-01"},
    )
    with session_scope(registered) as session, pytest.raises(CsvRejectedError) as refused:
        import_returns(session, text, "coe.one")
    found = [(p.line, p.column) for p in refused.value.problems]
    assert found == [
        (3, "service"),
        (3, "month"),
        (4, "started_online"),
        (4, "completed_online"),
        (5, "total_cost"),
        (5, "satisfaction_satisfied"),
        (6, None),
        (7, "month"),
    ]
    message = str(refused.value)
    assert "Line 4, column started_online: It is empty" in message
    assert "Line 5, column satisfaction_satisfied: lots is not a number" in message
    assert "Line 6: Line 2 has a return for this service and month already" in message
    assert _returns(registered) == []


def test_the_refusal_of_a_returns_file_is_in_welsh_for_a_welsh_reader(registered):
    set_language("cy")
    with session_scope(registered) as session, pytest.raises(CsvRejectedError) as refused:
        import_returns(session, returns_csv({"month": "April"}), "coe.one")
    assert "Llinell 2, colofn month: Ysgrifennwch y mis fel BBBB-MM" in str(refused.value)


def test_a_correction_needs_a_reason_and_is_logged_with_it(registered):
    with session_scope(registered) as session:
        import_returns(session, returns_csv({}), "coe.one")
    corrected = returns_csv({"completed_online": "9"})
    with session_scope(registered) as session, pytest.raises(CsvRejectedError) as refused:
        import_returns(session, corrected, "coe.one")
    assert "give the reason for correcting it" in str(refused.value)
    with session_scope(registered) as session:
        again = import_returns(
            session, corrected, "admin.one", reason="Online figure was double counted"
        )
    assert (again.recorded, again.corrected) == (0, 1)
    [stored] = _returns(registered)
    assert stored.completed_online == 9 and stored.version == 2
    with session_scope(registered) as session:
        [entry] = session.exec(
            select(LogEntry).where(LogEntry.event == "register.return_corrected")
        ).all()
    assert entry.payload["reason"] == "Online figure was double counted"
    assert entry.payload["changes"] == {"completed_online": {"from": "10", "to": "9"}}
    with session_scope(registered) as session:  # the same figures again change nothing
        same = import_returns(session, corrected, "coe.one")
    assert same.unchanged == 1


def test_one_return_is_recorded_and_corrected_with_a_reason(registered):
    from services.register_returns import read_figure

    figures = {
        name: read_figure(name, "5")
        for name in MonthlyReturn.model_fields
        if name.startswith(("started_", "completed_", "satisfaction_"))
    }
    figures["total_cost"] = Decimal("100.00")
    with session_scope(registered) as session:
        service = service_by_slug(session, "fishing-licence")
        record_return(session, service, date(2026, 1, 1), figures, "coe.one")
    with session_scope(registered) as session, pytest.raises(ValidationError) as refused:
        service = service_by_slug(session, "fishing-licence")
        record_return(
            session, service, date(2026, 1, 1), {**figures, "completed_online": 4}, "coe.one"
        )
    assert refused.value.field == "reason"
    with session_scope(registered) as session, pytest.raises(PermissionDeniedError):
        service = service_by_slug(session, "fishing-licence")
        record_return(session, service, date(2026, 2, 1), figures, "policy.est")


def test_the_kpis_of_each_service_each_dg_and_all_come_from_the_returns(people):
    from services.register_kpis import register_kpis

    with session_scope(people) as session:
        import_services(session, services_csv({}, {"slug": "blue-badge", "dg": "HSS"}), "coe.one")
        import_returns(
            session,
            returns_csv(
                # fishing: 10 of 10 online, of 50 completed in all: take-up 0.2
                {"month": "2026-04"},
                # blue badge: completed online not provided: left out of the groups
                {"service": "blue-badge", "month": "2026-04", "completed_online": "not provided"},
            ),
            "coe.one",
        )
        kpis = register_kpis(session)
        fishing = service_by_slug(session, "fishing-licence").id
    assert kpis.months[-1] == date(2026, 4, 1) and len(kpis.months) == 12
    [(_april, take_up)] = kpis.by_service[fishing]["digital_take_up"][-1:]
    assert take_up.value == Decimal("0.2")
    assert kpis.by_dg["HSS"]["digital_take_up"][-1][1].missing == "no_services"
    overall = kpis.overall["digital_take_up"][-1][1]
    assert overall.value == Decimal("0.2") and (overall.counted, overall.left_out) == (1, 1)
    assert kpis.overall["digital_take_up"][0][1].missing == "no_services"  # no returns then


def test_the_kpis_take_the_same_few_statements_whatever_the_number_of_services(people):
    from sqlalchemy import event

    from services.register_kpis import register_kpis

    def statements_for(count: int) -> int:
        rows = [{"slug": f"s{n}-{count}", "dg": "EST" if n % 2 else "HSS"} for n in range(count)]
        with session_scope(people) as session:
            import_services(session, services_csv(*rows), "coe.one")
            import_returns(session, returns_csv(*({"service": r["slug"]} for r in rows)), "coe.one")
        seen = []
        listener = lambda *_args: seen.append(1)  # noqa: E731
        event.listen(people, "before_cursor_execute", listener)
        with session_scope(people, read_only=True) as session:
            register_kpis(session)
        event.remove(people, "before_cursor_execute", listener)
        return len(seen)

    assert statements_for(2) == statements_for(20)


def test_a_few_services_kpis_are_those_of_the_whole_register(people):
    """A service's page or a DG's summary reads only its own services' returns; what it
    computes is what the whole register's pass computes for them."""
    from models.service_register import Service
    from services.register_kpis import group_kpis, register_kpis

    rows = [{"slug": f"k{n}", "dg": "EST" if n % 2 else "HSS"} for n in range(6)]
    with session_scope(people) as session:
        import_services(session, services_csv(*rows), "coe.one")
        import_returns(
            session,
            returns_csv(
                *(
                    {"service": r["slug"], "completed_online": str(10 + n)}
                    for n, r in enumerate(rows)
                )
            ),
            "coe.one",
        )
    with session_scope(people, read_only=True) as session:
        whole = register_kpis(session)
        one = service_by_slug(session, "k3")
        alone = register_kpis(session, services=[one])
        hss = [service_by_slug(session, r["slug"]) for r in rows if r["dg"] == "HSS"]
        group = register_kpis(session, services=hss)
        summed = group_kpis(session, hss)  # a DG's summary page
        every = group_kpis(session, list(session.exec(select(Service)).all()))  # all of them
    assert alone.by_service == {one.id: whole.by_service[one.id]}
    assert group.by_dg["HSS"] == whole.by_dg["HSS"] and group.overall == whole.by_dg["HSS"]
    assert summed == (whole.months, whole.by_dg["HSS"]) and every == (whole.months, whole.overall)
