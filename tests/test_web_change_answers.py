""" "Change" on check-your-answers goes to that answer and back again: a changed answer returns
to check-your-answers, not through every later page; the same for the title and summary."""

from __future__ import annotations

import html
import re

import pytest

from checklists.yaml_files import read_yaml
from tests.conftest import ROOT
from tests.test_cross_language import _form_values
from tests.web_support import Browserless, Site

EXAMPLE = read_yaml(ROOT / "examples" / "submissions" / "01-policy-no-digital-service.yaml")[
    "submission"
]
CHANGE = re.compile(r'href="(/drafts/\d+/(?:questions/[^"#]+|about)\?from=check)[^"]*"')


def filled_draft(client: Browserless) -> str:
    """A draft answered to its check-your-answers page; that page's path."""
    about = client.post("/submit", {"kind": EXAMPLE["kind"], "dg": EXAMPLE["dg"]})
    texts = {f"{n}_{lang}": EXAMPLE[n][lang] for n in ("title", "summary") for lang in ("en", "cy")}
    page = client.post(about.url.path, texts)
    while "/questions/" in page.url.path:
        checklist_id = page.url.path.split("/")[4]
        page = client.post(page.url.path, _form_values(EXAMPLE["answers"][checklist_id]))
    assert page.url.path.endswith("/check"), page.url
    return page.url.path


@pytest.mark.parametrize("which", ["the first question page", "the title and summary"])
def test_a_change_returns_to_check_your_answers(site: Site, which: str):
    client = Browserless(site)
    client.sign_in(EXAMPLE["submitter"])
    check = filled_draft(client)
    links = CHANGE.findall(client.get(check).text)
    link = next(
        (item for item in links if ("/about" in item) == (which == "the title and summary")),
        None,
    )
    assert link is not None, links
    form = client.get(link)
    assert form.status_code == 200 and 'from=check"' in form.text  # the way back is kept
    assert f'href="{check}"' in form.text  # and "Back" leads there too
    if "/about" in link:
        data = {
            f"{n}_{lang}": EXAMPLE[n][lang] for n in ("title", "summary") for lang in ("en", "cy")
        }
        data["title_en"] = "A better title"
    else:
        checklist_id = link.split("/")[4]
        data = _form_values(EXAMPLE["answers"][checklist_id])
    done = client.post(link, data)
    assert done.url.path == check  # straight back, not through every later page
    if "/about" in link:
        assert "A better title" in done.text
    client.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_check_your_answers_names_the_dg_in_the_page_language(site: Site, language: str):
    client = Browserless(site)
    client.sign_in(EXAMPLE["submitter"], language)
    page = html.unescape(client.get(filled_draft(client)).text)
    names = {"en": "Education and Skills (DfES)", "cy": "Addysg a Sgiliau (DfES)"}
    assert names[language] in page
    client.close()


START = re.compile(r'href="(/drafts/\d+/start\?from=check)(#dg)?"')


def test_the_kind_changes_on_the_same_draft_keeping_the_answers(site: Site):
    """ "Change" for what it is (and for the DG) opens the first page on the same draft; the
    texts and answers stay, and the page returns to check-your-answers."""
    client = Browserless(site)
    client.sign_in(EXAMPLE["submitter"])
    check = filled_draft(client)
    before = html.unescape(client.get(check).text)
    links = START.findall(before)
    assert [anchor for _link, anchor in links] == ["", "#dg"]  # the kind's, then the DG's
    form = client.get(links[0][0])
    assert form.status_code == 200 and 'value="DfES" checked' in form.text
    done = client.post(links[0][0], {"kind": "procurement", "dg": "DfES"})
    assert done.url.path == check  # the same draft, straight back
    shown = html.unescape(done.text)
    assert "procurement request" in shown and EXAMPLE["title"]["en"] in shown
    assert "Category review" in shown  # a procurement's own checklist, still to answer
    back = client.post(links[0][0], {"kind": "initiative", "dg": "DfES"})
    assert back.url.path == check
    assert html.unescape(back.text).count("Change") == before.count("Change")  # all answers kept
    client.close()


def test_a_draft_cannot_move_to_a_dg_its_author_may_not_submit_for(site: Site):
    client = Browserless(site)
    client.sign_in(EXAMPLE["submitter"])
    check = filled_draft(client)
    link = START.findall(client.get(check).text)[1][0]
    refused = client.post(link, {"kind": "initiative", "dg": "NOPE"})
    assert refused.status_code == 400
    assert "Select the DG this is for" in refused.text
    assert "Education and Skills (DfES)" in html.unescape(client.get(check).text)  # unchanged
    client.close()
