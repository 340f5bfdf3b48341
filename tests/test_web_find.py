"""Find submissions: an overseer searches by reference or words (either language), filters,
sorts and pages through the submissions of the DGs they oversee, and downloads what the filters
show; the DG overview's counts lead there; anyone who oversees no DG finds no such page."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from sqlmodel import select

from dfr.i18n import gettext
from models.db import engine_for, session_scope
from models.submission import Submission
from tests.conftest import ROOT
from tests.web_support import Browserless, Site

EXAMPLES = sorted((ROOT / "examples" / "submissions").glob("*.yaml"))
FOUND = re.compile(r'<a class="govuk-link" href="/submissions/(\d+)">DFR-')


def submissions(site: Site) -> list[Submission]:
    with session_scope(engine_for(site.database_url)) as session:
        return list(session.exec(select(Submission)).all())


def found(page: str) -> set[int]:
    return {int(n) for n in FOUND.findall(page)}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_coe_finds_by_words_in_either_language_and_by_reference(
    examples_site: Site, language: str
):
    everything = submissions(examples_site)
    one = everything[1]
    client = Browserless(examples_site)
    client.sign_in("carys.llewelyn", language)  # the Digital CoE: every DG
    page = client.get("/submissions")
    assert gettext("Find submissions", language) in page.text
    assert found(page.text) == {s.id for s in everything}  # 12, one page
    welsh_words = " ".join(one.title_cy.split()[:3])
    for query in (welsh_words, one.title_en.split()[-1], one.reference, str(one.id)):
        assert one.id in found(client.get(f"/submissions?words={query}").text), query
    nothing = html.unescape(client.get("/submissions?words=zzzznothing").text)
    assert {"en": "0 submissions found", "cy": "0 cyflwyniad wedi\u2019u canfod"}[
        language
    ] in nothing
    client.close()


def test_filters_narrow_the_list_and_the_download_holds_what_they_show(examples_site: Site):
    everything = submissions(examples_site)
    client = Browserless(examples_site)
    client.sign_in("gwenllian.rees")  # an administrator
    changes = {s.id for s in everything if s.state == "changes_requested"}
    assert changes and found(client.get("/submissions?state=changes_requested").text) == changes
    est = {s.id for s in everything if s.dg_code == "EST"}
    assert found(client.get("/submissions?dg=EST").text) == est
    download = client.get("/submissions.csv?dg=EST")
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0][0] == "Reference" and {r[0] for r in rows[1:]} == {
        s.reference for s in everything if s.dg_code == "EST"
    }
    refused = client.get("/submissions?state=bogus")
    assert refused.status_code == 400
    assert "Choose one of the statuses in the list." in html.unescape(refused.text)
    client.close()


def test_a_digital_leader_finds_only_their_dgs_and_the_overview_counts_lead_there(
    examples_site: Site,
):
    everything = submissions(examples_site)
    client = Browserless(examples_site)
    client.sign_in("gareth.hughes")  # DfES's Digital Leader
    mine = {s.id for s in everything if s.dg_code == "DfES"}
    assert found(client.get("/submissions").text) == mine
    assert client.get("/submissions?dg=EST").status_code == 400  # not theirs to search
    overview = client.get("/dg/DfES").text
    link = re.search(r'href="(/submissions\?dg=DfES&amp;state=[a-z_]+)"', overview)
    assert link is not None
    assert found(client.get(html.unescape(link.group(1))).text) <= mine
    client.close()


def test_someone_who_oversees_no_dg_finds_no_such_page(examples_site: Site):
    client = Browserless(examples_site)
    client.sign_in("angharad.wyn")  # a policy officer
    assert 'href="/submissions"' not in client.get("/work").text
    assert client.get("/submissions").status_code == 404
    assert client.get("/submissions.csv").status_code == 404
    client.close()


def finder_form(page: str) -> str:
    start = page.index('<form method="get" action="/submissions"')
    return page[start : page.index("</form>", start)]


def test_the_form_shows_each_persons_filters_in_their_language(examples_site: Site):
    """The filters' form is rendered once for the same filters in the same language: what one
    person asked for, in one language, never shows in another's form or language."""
    client = Browserless(examples_site)
    client.sign_in("carys.llewelyn")
    chosen = re.compile(r'<option value="([a-z_]+)" selected>')
    for language in ("en", "cy", "en"):
        client.get(f"/language/{language}?next=/submissions")
        page = html.unescape(client.get("/submissions?state=approved&sort=oldest").text)
        form = finder_form(page)
        assert chosen.findall(form) == ["approved", "oldest"]
        assert gettext("Oldest first", language) in form
        assert gettext("Stage under review", language) in form
        other = "cy" if language == "en" else "en"
        assert gettext("Stage under review", other) not in form
        plain = html.unescape(client.get("/submissions").text)
        assert chosen.findall(finder_form(plain)) == ["newest"]  # nothing chosen but the order
    client.close()
