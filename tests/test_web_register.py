"""The public register of services: open to anyone, signed in or not, in each language; the
register with filters, a page per service with its four KPI trends (a chart with a text
alternative and the data table beside it), a missing figure said in words and never shown as a
number, and the open data at stable addresses."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser
from sqlmodel import select

from models.db import engine_for, session_scope
from models.service_register import Service
from services.register import import_services
from services.register_examples import load_register_examples
from services.register_kpis import group_kpis, shown
from services.register_returns import import_returns
from tests.conftest import ROOT
from tests.web_support import Site, live_site

NEW_SERVICE = (
    "slug,name_cy,name_en,description_cy,description_en,dg,transaction_type,customer_type,"
    "channels,assisted_digital,phase,web_address\n"
    "ministerial-letter,Llythyr at weinidog,Write to a minister,Ysgrifennu at weinidog.,"
    "Write to a Welsh Government minister.,PSD,information,citizens,online;paper,no,live,\n"
)
NEW_RETURN = (
    "service,month,started_online,started_phone,started_paper,started_face_to_face,"
    "started_other,completed_online,completed_phone,completed_paper,completed_face_to_face,"
    "completed_other,total_cost,satisfaction_very_dissatisfied,satisfaction_dissatisfied,"
    "satisfaction_neither,satisfaction_satisfied,satisfaction_very_satisfied\n"
    "ministerial-letter,2026-10,900,not applicable,300,not applicable,not applicable,"
    "850,not applicable,290,not applicable,not applicable,987654.32,1,2,3,4,5\n"
)


@pytest.fixture(scope="module")
def register_site(site: Site) -> Site:
    """The demo register (examples/register/) loaded into the module's site."""
    load_register_examples(engine_for(site.database_url), ROOT / "examples" / "register")
    return site


def read(site: Site, path: str, language: str) -> httpx.Response:
    with httpx.Client(base_url=site.url, follow_redirects=True) as client:
        client.get(f"/language/{language}?next=/sign-in")
        return client.get(path)


@pytest.mark.parametrize(
    ("language", "heading", "service", "dg"),
    [
        (
            "en",
            "Register of transactional services",
            "Student Finance Wales application",
            "Education and Skills",
        ),
        (
            "cy",
            "Cofrestr o wasanaethau trafodiadol",
            "Cais am Gyllid Myfyrwyr Cymru",
            "Addysg a Sgiliau",
        ),
    ],
)
def test_the_register_opens_for_anyone_in_each_language(
    register_site, language, heading, service, dg
):
    page = read(register_site, "/services", language)
    assert page.status_code == 200 and page.url.path == "/services"  # nobody is sent to sign in
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page.text
    assert service in page.text and dg in page.text
    assert ("32 services of 32" if language == "en" else "32 gwasanaeth o 32") in page.text


def test_the_filters_keep_only_the_services_that_match(register_site):
    page = read(register_site, "/services?dg=HSS&channel=face_to_face", "en")
    assert "1 service of 32" in page.text
    assert "Vaccination appointment booking" in page.text
    assert "Student Finance Wales" not in page.text
    words = read(register_site, "/services?words=bathodyn+OR", "en")  # words in either language
    assert "0 services of 32" in words.text
    welsh_words = read(register_site, "/services?words=cychwyn+iach", "en")
    assert "1 service of 32" in welsh_words.text and "Healthy Start" in welsh_words.text


def test_a_service_page_shows_each_kpi_with_its_definition_chart_and_table(register_site):
    page = read(register_site, "/services/student-finance-wales", "en")
    assert page.status_code == 200
    for name in ("Cost per transaction", "User satisfaction", "Completion rate", "Digital take-up"):
        assert f">{name}</h3>" in page.text
        assert f"{name} by month" in page.text
    assert "divided by the number of transactions completed in all channels" in page.text
    assert page.text.count('src="data:image/svg+xml;base64,') == 4
    assert 'alt="Digital take-up from November 2025 to October 2026: lowest' in page.text
    assert ">October 2026</th>" in page.text


def test_a_figure_not_provided_is_missing_with_the_reason_never_a_number(register_site):
    # Planning appeals sent no cost for July and August 2026.
    english = read(register_site, "/services/planning-appeal", "en").text
    section = english[english.index("Cost per transaction by month") :]
    july = section[section.index(">July 2026</th>") :][:200]
    assert "Missing: Some of the figures it needs were not provided." in july
    assert "£" not in july
    welsh = html.unescape(read(register_site, "/services/planning-appeal", "cy").text)
    assert "Ar goll: Ni ddarparwyd rhai o'r ffigurau sydd eu hangen." in welsh


def test_a_service_not_on_the_register_is_not_found(register_site):
    page = read(register_site, "/services/no-such-service", "en")
    assert page.status_code == 404


def test_the_open_data_gives_absent_figures_as_empty_with_their_status(register_site):
    returns = read(register_site, "/open-data/returns.csv", "en")
    assert returns.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(returns.text)))
    appeal = next(r for r in rows if r["service"] == "planning-appeal" and r["month"] == "2026-07")
    assert appeal["total_cost"] == "" and appeal["total_cost_status"] == "not_provided"
    minister = next(r for r in rows if r["service"] == "landfill-disposals-tax")
    assert minister["started_phone"] == "" and minister["started_phone_status"] == "not_applicable"
    kpis = read(register_site, "/open-data/kpis.json", "en").json()
    assert kpis["licence"] == "Open Government Licence v3.0"
    cost = [
        r
        for r in kpis["records"]
        if r["code"] == "planning-appeal" and r["kpi"] == "cost_per_transaction"
    ]
    july = next(r for r in cost if r["month"] == "2026-07")
    assert july["value"] is None and july["status"] == "not_provided"
    services = read(register_site, "/open-data/services.csv", "en").text
    assert services.splitlines()[0].startswith("slug,name_cy,name_en")
    dictionary = read(register_site, "/open-data", "cy")
    assert "Geiriadur data" in dictionary.text and "/open-data/kpis.csv" in dictionary.text


@pytest.mark.browser
@pytest.mark.parametrize(
    ("language", "heading", "kpi", "missing"),
    [
        (
            "en",
            "Planning appeal",
            "Digital take-up",
            "Missing: Some of the figures it needs were not provided.",
        ),
        (
            "cy",
            "Apelio yn erbyn penderfyniad cynllunio",
            "Defnydd digidol",
            "Ar goll: Ni ddarparwyd rhai o'r ffigurau sydd eu hangen.",
        ),
    ],
)
def test_a_person_reads_a_service_page_and_sees_its_charts(
    register_site, browser: Browser, language, heading, kpi, missing
):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{register_site.url}/language/{language}?next=/services")
    page.click(f"text={heading}")
    assert page.locator("h1").inner_text() == heading
    main = page.locator("main").inner_text()
    assert kpi in main and missing in main
    images = page.locator("img.dfr-chart")
    assert images.count() == 4
    widths = page.evaluate(
        "[...document.querySelectorAll('img.dfr-chart')].map(i => i.complete && i.naturalWidth)"
    )
    assert all(w and w > 0 for w in widths)  # drawn, not blocked by the page's policy
    assert (images.first.get_attribute("alt") or "").startswith(
        page.locator("figcaption").first.inner_text()[:20]
    )
    context.close()


def test_a_service_page_links_to_the_service(register_site):
    page = read(register_site, "/services/planning-appeal", "en").text
    assert (
        '<a class="govuk-link dfr-break-words" href="https://www.gov.wales/planning-appeals">'
        in page
    )


@pytest.mark.parametrize(
    ("language", "heading", "service", "left_out"),
    [
        (
            "en",
            "Sustainable Futures",
            "Planning appeal",
            "(from 5 services; 1 left out: figures not provided)",
        ),
        (
            "cy",
            "Dyfodol Cynaliadwy",
            "Apelio yn erbyn penderfyniad cynllunio",
            "(o 5 gwasanaeth; gadawyd 1 allan: ni ddarparwyd ffigurau)",
        ),
    ],
)
def test_a_dg_summary_adds_up_its_services_and_says_how_many_were_left_out(
    register_site, language, heading, service, left_out
):
    page = read(register_site, "/services/dg/SF", language)
    text = html.unescape(page.text)
    assert page.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in text
    assert service in text
    assert text.count('src="data:image/svg+xml;base64,') == 4
    # Planning appeals sent no cost in July 2026: the DG's cost that month leaves it out.
    section = text[
        text.index(
            ">Cost per transaction by month"
            if language == "en"
            else ">Cost fesul trafodiad fesul mis"
        ) :
    ]
    july = section[
        section.index(">July 2026</th>" if language == "en" else ">Gorffennaf 2026</th>") :
    ][:300]
    assert left_out in july


def test_a_dg_without_services_on_the_register_is_not_found(register_site):
    assert read(register_site, "/services/dg/NOPE", "en").status_code == 404


@pytest.mark.parametrize(
    ("language", "heading", "dg"),
    [
        ("en", "How the register's services work, all together", "Finance and Corporate Services"),
        (
            "cy",
            "Sut mae gwasanaethau'r gofrestr yn gweithio, gyda'i gilydd",
            "Cyllid a Gwasanaethau Corfforaethol",
        ),
    ],
)
def test_the_summary_of_every_service_links_each_dgs_summary(register_site, language, heading, dg):
    register = html.unescape(read(register_site, "/services", language).text)
    assert 'href="/services-summary"' in register
    page = read(register_site, "/services-summary", language)
    text = html.unescape(page.text)
    assert page.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in text
    assert f'<a class="govuk-link" href="/services/dg/FCS">{dg}</a>' in text
    assert text.count('src="data:image/svg+xml;base64,') == 4


def _dg_count(page: str, dg: str) -> int:
    found = re.search(rf'href="/services/dg/{dg}">[^<]*</a></td>\s*<td[^>]*>(\d+)</td>', page)
    assert found, page
    return int(found.group(1))


def test_the_summary_shows_new_figures_as_soon_as_the_register_changes(
    tmp_path: Path, sqlite_template: Path
):
    with live_site(tmp_path / "summary", sqlite_template) as site:
        engine = engine_for(site.database_url)
        load_register_examples(engine, ROOT / "examples" / "register")
        before = html.unescape(read(site, "/services-summary", "en").text)
        dg_before = html.unescape(read(site, "/services/dg/PSD", "en").text)
        assert _dg_count(before, "PSD") == 2

        # A new PSD service and its return for the newest month, through the CoE's imports.
        with session_scope(engine) as session:
            import_services(session, NEW_SERVICE, "carys.llewelyn")
            import_returns(session, NEW_RETURN, "carys.llewelyn")
        after = html.unescape(read(site, "/services-summary", "en").text)
        dg_after = html.unescape(read(site, "/services/dg/PSD", "en").text)
        assert _dg_count(after, "PSD") == 3
        with session_scope(engine, read_only=True) as session:
            every = list(session.exec(select(Service)).all())
            psd = [s for s in every if s.dg_code == "PSD"]
            for services, shown_before, shown_after in (
                (every, before, after),
                (psd, dg_before, dg_after),
            ):
                months, kpis = group_kpis(session, services)
                cost = shown("cost_per_transaction", dict(kpis["cost_per_transaction"])[months[-1]])
                assert cost is not None
                assert cost in shown_after and cost not in shown_before
