"""The CoE uploads the register's spreadsheets on the web: a good file is stored and the page
says what changed; a file with bad rows stores nothing and the error summary lists every bad
row, in the page's language; anyone else is told the page does not exist."""

from __future__ import annotations

import html

import pytest
from sqlmodel import select

from models.db import engine_for, session_scope
from models.service_register import Service
from tests.register_data import returns_csv, services_csv
from tests.web_support import Browserless, Site

COE = "carys.llewelyn"


def upload(client: Browserless, kind: str, content: str, reason: str = ""):
    client.get("/register/upload")  # the form's CSRF token
    return client.client.post(
        "/register/upload",
        data={"csrf_token": client.token, "kind": kind, "reason": reason},
        files={"file": ("register.csv", content.encode(), "text/csv")},
    )


def test_the_coe_uploads_services_then_returns(site: Site):
    coe = Browserless(site)
    coe.sign_in(COE, "en")
    page = upload(coe, "services", services_csv({"slug": "web-upload"}))
    assert page.status_code == 200
    assert "Register updated: 1 added, 0 changed, 0 unchanged." in page.text
    page = upload(coe, "returns", returns_csv({"service": "web-upload"}))
    assert "Returns: 1 recorded, 0 corrected, 0 unchanged." in page.text
    corrected = returns_csv({"service": "web-upload", "total_cost": "11"})
    refused = upload(coe, "returns", corrected)
    assert refused.status_code == 400
    assert "give the reason for correcting it" in refused.text
    page = upload(coe, "returns", corrected, reason="The cost included VAT twice")
    assert "Returns: 0 recorded, 1 corrected, 0 unchanged." in page.text
    coe.close()


@pytest.mark.parametrize(
    ("language", "summary", "row"),
    [
        ("en", "The file was not imported", "Line 3, column dg: There is no DG XYZ."),
        ("cy", "Ni fewnforiwyd y ffeil", "Llinell 3, colofn dg: Does dim CG XYZ."),
    ],
)
def test_a_file_with_bad_rows_lists_every_row_and_stores_nothing(
    site: Site, language, summary, row
):
    coe = Browserless(site)
    coe.sign_in(COE, language)
    text = services_csv(
        {"slug": "fine-one"}, {"slug": "bad-one", "dg": "XYZ"}, {"slug": "Bad", "phase": "x"}
    )
    page = upload(coe, "services", text)
    shown = html.unescape(page.text)
    assert page.status_code == 400
    assert summary in shown and row in shown
    assert ("Line 4, column slug:" if language == "en" else "Llinell 4, colofn slug:") in shown
    assert ("Line 4, column phase:" if language == "en" else "Llinell 4, colofn phase:") in shown
    with session_scope(engine_for(site.database_url)) as session:
        assert session.exec(select(Service).where(Service.slug == "fine-one")).first() is None
    coe.close()


def test_someone_outside_the_coe_is_told_the_page_does_not_exist(site: Site):
    officer = Browserless(site)
    officer.sign_in("iwan.parry", "en")
    assert officer.get("/register/upload").status_code == 404
    assert upload(officer, "services", services_csv({})).status_code in (403, 404)
    officer.close()


def _figures(**given: str) -> dict[str, str]:
    from tests.register_data import figures

    return figures(**given)


def test_the_coe_types_in_one_return_and_corrects_it_with_a_reason(site: Site):
    coe = Browserless(site)
    coe.sign_in(COE, "en")
    upload(coe, "services", services_csv({"slug": "typed-in"}))
    form = {"service": "typed-in", "month": "2026-03", **_figures(started_paper="not applicable")}
    coe.get("/register/returns/new")
    page = coe.post("/register/returns/new", form)
    assert page.status_code == 200
    assert "Return recorded for Fishing licence, March 2026." in page.text
    again = coe.post("/register/returns/new", {**form, "completed_online": "9"})
    assert again.status_code == 400
    assert "give the reason for correcting it" in again.text
    done = coe.post(
        "/register/returns/new", {**form, "completed_online": "9", "reason": "Miscounted"}
    )
    assert "Return recorded for Fishing licence, March 2026." in done.text
    coe.close()


def test_a_typed_in_return_with_wrong_figures_says_what_is_wrong_beside_each_in_welsh(site: Site):
    coe = Browserless(site)
    coe.sign_in(COE, "cy")
    coe.get("/register/returns/new")
    form = {
        "service": "typed-in",
        "month": "2026-3",
        **_figures(total_cost="lots", started_phone=""),
    }
    page = coe.post("/register/returns/new", form)
    shown = html.unescape(page.text)
    assert page.status_code == 400
    assert "Ysgrifennwch y mis fel BBBB-MM" in shown
    assert "Nid yw lots yn rhif" in shown
    assert 'Mae\'n wag: ysgrifennwch rif, "amherthnasol" neu "heb ei ddarparu".' in shown
    coe.close()
