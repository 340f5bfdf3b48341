"""The public finder of assessment reports, signed in or not, in Welsh and English: search,
facets that narrow the results, pages, a stable address per language, bad input answered in
the page's language, open data (CSV, JSON) and the Atom feed that parse; and a report that is
only sent or accepted is never shown until its lead previews and publishes it."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from xml.etree import ElementTree

import httpx
import pytest

from checklists.loader import registry
from dfr.i18n import gettext, ngettext
from harness.published_reports import sample_snapshot, write_published_reports
from models.db import engine_for
from tests.assessment_support import assess_and_report
from tests.publication_support import accept_for_test
from tests.test_web_assessment import at_assessment, seen, signed_in
from tests.web_support import Site

COUNT = 45
FIRST = date(2026, 1, 1)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def reports(site: Site) -> Site:
    """45 published reports: DGs EST and HSS in turn, phases alpha/beta/live in turn, results
    green/amber/red three at a time, report n assessed n days after 1 January 2026."""
    write_published_reports(
        engine_for(site.database_url), COUNT, ("EST", "HSS"), "carys.llewelyn", first=FIRST
    )
    return site


def anonymous(site: Site, path: str) -> httpx.Response:
    return httpx.get(f"{site.url}{path}", timeout=30)


def name(n: int, language: str) -> str:
    """The service name of bulk report number `n`."""
    return sample_snapshot(n, "EST", "alpha", "green", FIRST)["service_name"][language]


def t(message: str, language: str, **params: object) -> str:
    return gettext(message, language).format(**params)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_anyone_finds_reports_newest_first_a_page_at_a_time(reports: Site, language: str):
    other = "cy" if language == "en" else "en"
    page = anonymous(reports, f"/reports?lang={language}")
    assert page.status_code == 200
    text = seen(page)
    assert t("Service assessment reports", language) in text
    assert t("Service assessment reports", other) not in text
    assert (
        ngettext("{count} report", "{count} reports", COUNT, language).format(count=COUNT) in text
    )
    assert (
        text.index(name(45, language))
        < text.index(name(43, language))
        < text.index(name(26, language))
    )
    assert name(25, language) not in text  # on page 2
    last = seen(anonymous(reports, f"/reports?lang={language}&page=3"))
    assert name(1, language) + " " in last and name(45, language) not in last


def test_facets_and_words_narrow_the_results(reports: Site):
    def count(query: str) -> str:
        return seen(anonymous(reports, f"/reports?lang=en&{query}"))

    # Report n: result green for n//3 % 3 == 0, phase beta for n % 3 == 1, DG HSS for odd n.
    reds = [n for n in range(1, COUNT + 1) if (n // 3) % 3 == 2]
    red_beta_hss = [n for n in reds if n % 3 == 1 and n % 2 == 1]
    assert f"{len(reds)} reports" in count("result=red")
    found = count("result=red&phase=beta&dg=HSS")
    assert f"{len(red_beta_hss)} report" in found
    assert all(name(n, "en") + " " in found for n in red_beta_hss)
    both = [n for n in range(1, COUNT + 1) if (n // 3) % 3 != 1]
    assert f"{len(both)} reports" in count("result=red&result=green")
    fishing = [n for n in range(1, COUNT + 1) if "fishing" in name(n, "en")]
    assert f"{len(fishing)} reports" in count("words=FISHING")
    assert f"{len(fishing)} reports" in count("words=pysgota")  # Welsh words find it too
    assert "1 report " in count(
        "words=fishing+licences+" + name(fishing[3], "en").split()[-1]
    )  # 16
    assert "0 reports" in count("words=%25")  # a % is a character, not a wildcard
    assert "10 reports" in count(f"from={(FIRST + timedelta(days=11)):%d/%m/%Y}&to=2026-01-21")
    reassessed = [n for n in range(1, COUNT + 1) if n % 7 == 0]
    assert f"{len(reassessed)} reports" in count("phase=reassessment")


@pytest.mark.parametrize("language", ["en", "cy"])
def test_bad_facets_and_dates_are_explained_in_the_pages_language(reports: Site, language: str):
    for query, message in (
        ("result=purple", t("“{value}” is not a result. Choose red, amber or green.", language,
                            value="purple")),
        ("dg=NOPE", t("There is no directorate-general “{value}”. Choose one from the list.",
                      language, value="NOPE")),
        ("phase=discovery", t("“{value}” is not a phase. Choose alpha, beta, live or "
                              "reassessment.", language, value="discovery")),
        ("from=31/2/2026", t("The assessment date {name} must be a real date, for example "
                             "31/3/2027 or 2027-03-31.", language, name=t("from", language))),
        ("from=2026-02-01&to=2026-01-01", t("The assessment date “from” must be on or before "
                                            "the date “to”.", language)),
        ("page=0", t("The page must be a whole number, 1 or more.", language)),
    ):  # fmt: skip
        page = anonymous(reports, f"/reports?lang={language}&{query}")
        assert page.status_code == 400, query
        assert message in seen(page), query


@pytest.mark.parametrize("language", ["en", "cy"])
def test_each_report_has_an_address_in_each_language(reports: Site, language: str):
    slug = f"dfr-00010-beta-{(FIRST + timedelta(days=10)).isoformat()}"
    page = anonymous(reports, f"/reports/{slug}?lang={language}")
    assert page.status_code == 200
    text = seen(page)
    other = "cy" if language == "en" else "en"
    assert t("What the team has done well", language) in text
    assert t("What the team has done well", other) not in text
    assert name(10, language) in text
    assert f'href="/reports/{slug}?lang={other}"' in page.text  # the other language's address
    missing = anonymous(reports, f"/reports/no-such-report?lang={language}")
    assert missing.status_code == 404
    assert t("Page not found", language) in seen(missing)


def test_open_data_and_the_feed_parse(reports: Site):
    rows = list(csv.DictReader(io.StringIO(anonymous(reports, "/open-data/reports.csv").text)))
    assert len(rows) == COUNT and rows[0]["slug"].startswith("dfr-00001-")
    assert rows[0]["service_name_cy"] == name(1, "cy")
    document = json.loads(anonymous(reports, "/open-data/reports.json").text)
    assert document["licence"].startswith("Open Government Licence")
    assert [r["reference"] for r in document["records"]][:2] == ["DFR-00001", "DFR-00002"]
    ratings = list(
        csv.DictReader(io.StringIO(anonymous(reports, "/open-data/report-ratings.csv").text))
    )
    assert len(ratings) == COUNT * 14 and ratings[0]["standard_name_en"] == "1. Standard 1"
    assert len(json.loads(anonymous(reports, "/open-data/report-ratings.json").text)["records"]) \
        == COUNT * 14  # fmt: skip
    feed = ElementTree.fromstring(anonymous(reports, "/reports/feed.atom?lang=cy").content)
    entries = feed.findall(f"{ATOM}entry")
    assert entries[0].findtext(f"{ATOM}title") == name(45, "cy")
    link = entries[0].find(f"{ATOM}link")
    assert link is not None and str(link.get("href")).endswith("?lang=cy")


def test_a_report_is_public_only_once_its_lead_previews_and_publishes_it(reports: Site):
    engine = engine_for(reports.database_url)
    sid = at_assessment(reports)
    lead = assess_and_report(engine, registry(), sid, date.today(), send=True)
    finder = seen(anonymous(reports, f"/reports?lang=en&words=DFR-{sid:05d}"))
    assert "0 reports" in finder  # sent, not accepted: not public
    lead_client = signed_in(reports, lead, "en")
    path = f"/submissions/{sid}/assessment/report/publication"
    refused = seen(lead_client.get(path))
    assert "The team has not accepted the report yet" in refused
    accept_for_test(engine, sid, date.today())
    preview = lead_client.get(f"{path}?redactions=Llinell+sylfaen")
    assert preview.status_code == 200
    assert 'class="dfr-withheld"' in preview.text and "Preview: Cymraeg" in seen(preview)
    assert "0 reports" in seen(anonymous(reports, f"/reports?lang=en&words=DFR-{sid:05d}"))
    published = lead_client.post(f"{path}/publish", {"redactions": "Llinell sylfaen"})
    assert published.status_code == 200 and "/reports/dfr-" in str(published.url)
    public = seen(anonymous(reports, published.url.path + "?lang=cy"))
    assert "Llinell sylfaen" not in public and gettext("[withheld]", "cy") in public
    assert "1 report " in seen(anonymous(reports, f"/reports?lang=en&words=DFR-{sid:05d}"))
