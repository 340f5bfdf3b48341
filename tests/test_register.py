"""The register of services: the CoE and administrators add and change entries, one at a time
or from a baseline CSV; a file with any bad row stores nothing and names every bad row, in the
reader's language; every change is in the decision log."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from dfr.errors import PermissionDeniedError, ValidationError
from dfr.i18n import set_language
from models.audit import LogEntry, verify
from models.db import session_scope
from models.service_register import Service
from services.register import change_service_fields, import_services, save_service
from services.register_csv import CsvRejectedError
from tests.register_data import SERVICE, services_csv


def _entries(engine, event):
    with session_scope(engine) as session:
        return session.exec(
            select(LogEntry).where(LogEntry.event == event).order_by(col(LogEntry.seq))
        ).all()


def test_a_baseline_file_adds_each_service_and_logs_it(people):
    text = services_csv({}, {"slug": "blue-badge", "name_en": "Blue Badge", "dg": "HSS"})
    with session_scope(people) as session:
        imported = import_services(session, text, "coe.one")
    assert (imported.added, imported.changed, imported.unchanged) == (2, 0, 0)
    with session_scope(people) as session:
        badge = session.exec(select(Service).where(Service.slug == "blue-badge")).one()
        assert badge.name_en == "Blue Badge" and badge.dg_code == "HSS"
        assert badge.channels == ["online", "phone"] and badge.assisted_digital
        assert verify(session).ok
    added = _entries(people, "register.service_added")
    assert [e.payload["slug"] for e in added] == ["fishing-licence", "blue-badge"]
    assert added[0].actor_id == "coe.one" and added[0].payload["name"]["cy"] == "Trwydded bysgota"


def test_importing_again_changes_only_what_changed_and_logs_the_change(people):
    with session_scope(people) as session:
        import_services(session, services_csv({}), "coe.one")
    with session_scope(people) as session:
        again = import_services(session, services_csv({"phase": "retired"}), "admin.one")
        unchanged = import_services(session, services_csv({"phase": "retired"}), "admin.one")
    assert (again.added, again.changed) == (0, 1)
    assert (unchanged.changed, unchanged.unchanged) == (0, 1)
    [changed] = _entries(people, "register.service_changed")
    assert changed.payload["changes"] == {"phase": {"from": "live", "to": "retired"}}
    assert changed.actor_id == "admin.one"


def test_a_file_with_bad_rows_stores_nothing_and_names_every_bad_row(people):
    text = services_csv(
        {},
        {"slug": "Bad Slug", "dg": "XYZ"},
        {"slug": "ok-two", "channels": "online;fax", "assisted_digital": "maybe"},
        {"slug": "ok-three", "phase": "gamma", "web_address": "ftp://x", "name_cy": ""},
        {"slug": "fishing-licence"},
    )
    with session_scope(people) as session, pytest.raises(CsvRejectedError) as refused:
        import_services(session, text, "coe.one")
    found = {(p.line, p.column) for p in refused.value.problems}
    assert found == {
        (3, "slug"),
        (3, "dg"),
        (4, "channels"),
        (4, "assisted_digital"),
        (5, "phase"),
        (5, "web_address"),
        (5, "name_cy"),
        (6, "slug"),
    }
    message = str(refused.value)
    assert "nothing from it was stored" in message
    assert "Line 3, column dg: There is no DG XYZ." in message
    assert "Line 6, column slug: Line 2 has this slug already" in message
    with session_scope(people) as session:
        assert session.exec(select(Service)).all() == []
    assert _entries(people, "register.service_added") == []


def test_the_refusal_is_in_the_readers_language(people):
    set_language("cy")
    with session_scope(people) as session, pytest.raises(CsvRejectedError) as refused:
        import_services(session, services_csv({"dg": "XYZ"}), "coe.one")
    message = str(refused.value)
    assert "Llinell 2, colofn dg: Does dim CG XYZ." in message
    assert "Line" not in message


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("", (1, None)),
        ("slug,name_cy\nx,y\n", (1, "name_en")),
        (services_csv({}).replace("slug,", "slug,extra,", 1), (1, "extra")),
        (services_csv({}).splitlines()[0] + "\n", (2, None)),
        (services_csv({}) + "a,b\n", (3, None)),
        (services_csv({}) + '"unclosed,b\n', (3, None)),
    ],
    ids=["empty", "missing-column", "unknown-column", "no-rows", "short-row", "bad-quote"],
)
def test_a_file_that_is_not_a_register_is_refused_at_its_line(people, text, where):
    with session_scope(people) as session, pytest.raises(CsvRejectedError) as refused:
        import_services(session, text, "coe.one")
    assert (refused.value.problems[0].line, refused.value.problems[0].column) == where


def test_only_the_coe_and_administrators_change_the_register(people):
    with session_scope(people) as session, pytest.raises(PermissionDeniedError) as refused:
        import_services(session, services_csv({}), "policy.est")
    assert "Only the Digital Centre of Excellence and administrators" in str(refused.value)
    with session_scope(people) as session, pytest.raises(PermissionDeniedError):
        save_service(session, SERVICE, "dl.hss")


def test_one_entry_is_saved_and_a_wrong_field_is_named(people):
    with session_scope(people) as session:
        saved = save_service(session, SERVICE, "admin.one")
        assert saved.id is not None
    with session_scope(people) as session, pytest.raises(ValidationError) as refused:
        save_service(session, {**SERVICE, "customer_type": "aliens"}, "admin.one")
    assert refused.value.field == "customer_type"
    assert "citizens, businesses, public_sector" in str(refused.value)


def test_the_demo_register_loads_32_services_and_24_months_once(initialised):
    from models.db import engine_for
    from models.service_returns import MonthlyReturn
    from services.register_examples import load_register_examples
    from tests.conftest import ROOT

    engine = engine_for(initialised)
    folder = ROOT / "examples" / "register"
    first = load_register_examples(engine, folder)
    assert first is not None
    assert first.services.added == 32 and first.returns.recorded >= 30 * 24 - 40
    with session_scope(engine) as session:
        returns = session.exec(select(MonthlyReturn)).all()
        months = {r.month for r in returns}
        absent = {v for r in returns for v in r.figures().values() if isinstance(v, str)}
    assert len(months) == 24
    assert absent == {"not_applicable", "not_provided"}
    again = load_register_examples(engine, folder)
    assert again is not None
    assert (again.services.unchanged, again.returns.recorded, again.returns.corrected) == (
        32,
        0,
        0,
    )


def test_changing_some_fields_keeps_the_others_as_the_entry_says_now(people):
    """Two people each change one field, one after the other: the second keeps the first's
    change, as only the fields given are written and the others are read under the lock the
    change is written under (not from what someone read earlier)."""
    with session_scope(people) as session:
        import_services(session, services_csv({}), "coe.one")
    with session_scope(people) as session:
        change_service_fields(session, SERVICE["slug"], {"phase": "beta"}, "coe.one")
    with session_scope(people) as session:
        second = change_service_fields(
            session, SERVICE["slug"], {"name_en": "Fishing rod licence"}, "admin.one"
        )
    assert second.changes == {"name_en": {"from": SERVICE["name_en"], "to": "Fishing rod licence"}}
    with session_scope(people) as session:
        service = session.exec(select(Service).where(Service.slug == SERVICE["slug"])).one()
        assert (service.phase, service.name_en, service.version) == (
            "beta",
            "Fishing rod licence",
            3,
        )
    with session_scope(people) as session, pytest.raises(ValueError, match="dg"):
        change_service_fields(session, SERVICE["slug"], {"dg": "HSS"}, "coe.one")
