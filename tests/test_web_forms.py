"""Rejected forms: a GOV.UK error summary linking to each field, the message beside the field,
in the page's language, and nothing kept from the rejected form."""

from __future__ import annotations

import re

import pytest
from sqlmodel import col, select

from dfr.i18n import gettext
from models.db import engine_for, session_scope
from models.draft import Draft
from tests.web_support import Browserless, Site


def drafts(site: Site) -> list[Draft]:
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        found = list(session.exec(select(Draft).order_by(col(Draft.id))).all())
        for draft in found:
            session.expunge(draft)
        return found


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_rejected_page_says_what_is_wrong_beside_each_field_and_keeps_nothing(
    site: Site, language: str
):
    client = Browserless(site)
    client.sign_in("iwan.parry", language)
    created = client.post("/submit", {"kind": "initiative", "dg": "EST"})
    draft_path = created.url.path  # /drafts/N/about
    saved = client.post(
        draft_path,
        {"title_en": "Kept", "title_cy": "Cadw", "summary_en": "S", "summary_cy": "C"},
    )
    assert "/questions/" in saved.url.path
    refused = client.post(draft_path, {"title_en": "Changed", "title_cy": ""})
    assert refused.status_code == 400
    page = refused.text
    assert f'lang="{language}"' in page
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    assert summary is not None
    assert 'href="#title_cy"' in summary.group(1) and 'href="#summary_en"' in summary.group(1)
    message = gettext("Enter the title in Welsh", language)
    assert message in summary.group(1)
    assert re.search(r'id="title_cy-error"[^>]*>.*?' + re.escape(message), page, re.S)
    assert "<title>" + gettext("Error:", language) in page
    draft = drafts(site)[-1]
    assert (draft.title_en, draft.title_cy) == ("Kept", "Cadw")  # the refused change is not kept
    client.close()


def test_a_wrong_answer_is_refused_and_the_draft_keeps_its_answers(site: Site):
    client = Browserless(site)
    client.sign_in("iwan.parry")
    created = client.post("/submit", {"kind": "initiative", "dg": "EST"})
    client.post(
        created.url.path,
        {"title_en": "T", "title_cy": "T", "summary_en": "S", "summary_cy": "S"},
    )
    last = drafts(site)[-1]
    refused = client.post(
        f"/drafts/{last.id}/questions/digital_options/6", {"estimated_cost": "lots"}
    )
    assert refused.status_code == 400
    assert "is not an amount of money" in refused.text
    assert drafts(site)[-1].answers == last.answers
    client.close()
