"""The progress reports on the web: the CoE generates a draft, writes its lessons, previews and
publishes it; anyone else gets "page not found" at those pages; the public list shows only
published reports, each at a stable address per language, as HTML and as a PDF."""

from __future__ import annotations

import httpx
import pytest

from models.quarter import Quarter
from models.working_days import london_today
from tests.web_support import Browserless, Site

COE = "carys.llewelyn"
OFFICER = "angharad.wyn"
QUARTER = Quarter.last_complete(london_today())


def read(site: Site, path: str, language: str) -> httpx.Response:
    with httpx.Client(base_url=site.url, follow_redirects=True) as client:
        client.get(f"/language/{language}?next=/sign-in")
        return client.get(path)


@pytest.fixture(scope="module")
def coe(site: Site):
    client = Browserless(site)
    client.sign_in(COE)
    yield client
    client.close()


def test_only_the_coe_reaches_the_drafts(site, coe):
    officer = Browserless(site)
    officer.sign_in(OFFICER)
    try:
        for path in ("/progress/manage", f"/progress/manage/{QUARTER.slug}"):
            page = officer.get(path)
            assert page.status_code == 404 and "Page not found" in page.text
        refused = officer.post("/progress/manage", {"quarter": str(QUARTER)})
        assert refused.status_code == 404
    finally:
        officer.close()
    assert "Draft" not in coe.get("/progress/manage").text  # the officer made nothing


def test_the_coe_generates_writes_lessons_and_publishes_and_the_public_reads_it(site, coe):
    public = read(site, "/progress", "en")
    assert public.status_code == 200 and "No progress report has been published yet." in public.text

    wrong = coe.post("/progress/manage", {"quarter": "2026-Q9"})
    assert wrong.status_code == 400 and "is not a quarter" in wrong.text
    draft = coe.post("/progress/manage", {"quarter": str(QUARTER)})
    assert draft.url.path == f"/progress/manage/{QUARTER.slug}"
    assert "Preview in Welsh" in draft.text
    again = coe.post("/progress/manage", {"quarter": str(QUARTER)})
    assert again.status_code == 200
    assert coe.get("/progress/manage").text.count(f"{QUARTER}:") == 1  # one draft, still

    saved = coe.post(
        f"/progress/manage/{QUARTER.slug}/lessons",
        {"lessons_cy": "Dysgu <script>x()</script>**cynnar**", "lessons_en": "Learn **early**"},
    )
    assert saved.status_code == 200 and "Learn **early**" in saved.text
    preview = coe.get(f"/progress/manage/{QUARTER.slug}/preview/cy")
    assert "Digidol yn gyntaf: adroddiad cynnydd" in preview.text
    assert "<strong>cynnar</strong>" in preview.text and "<script>" not in preview.text
    assert preview.headers["content-security-policy"].startswith("default-src 'none'")
    # A draft is nobody else's business: not listed, and not at its public address.
    assert read(site, f"/progress/{QUARTER.slug}/en", "en").status_code == 404
    assert "No progress report has been published yet." in read(site, "/progress", "en").text

    published = coe.post(f"/progress/manage/{QUARTER.slug}/publish")
    assert "This report is published and will not change." in published.text
    refused = coe.post(
        f"/progress/manage/{QUARTER.slug}/lessons", {"lessons_cy": "Newydd", "lessons_en": "New"}
    )
    assert refused.status_code == 400 and "is published, so it cannot change" in refused.text

    for language, listed, title in (
        ("en", "Download the report as a PDF", "Digital first: progress report"),
        ("cy", "Lawrlwythwch yr adroddiad fel PDF", "Digidol yn gyntaf: adroddiad cynnydd"),
    ):
        page = read(site, "/progress", language)
        assert listed in page.text and f'href="/progress/{QUARTER.slug}/{language}"' in page.text
        document = read(site, f"/progress/{QUARTER.slug}/{language}", language)
        assert document.status_code == 200 and f"<h1>{title}</h1>" in document.text
        assert "style-src 'sha256-" in document.headers["content-security-policy"]
        pdf = read(site, f"/progress/{QUARTER.slug}/{language}.pdf", language)
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
    english = read(site, f"/progress/{QUARTER.slug}/en", "en").text
    assert "Learn <strong>early</strong>" in english and "Draft" not in english
    assert 'href="/progress/' + QUARTER.slug + '/cy" lang="cy" hreflang="cy"' in english
