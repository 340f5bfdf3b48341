"""Every register form, given bad input, shows itself again in the page's language: the GOV.UK
error summary ("There is a problem") linking to the field, the message beside that field saying
what was wrong and how to put it right, what the person typed kept, and nothing changed."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import col, func, select

from checklists.loader import registry
from models.audit import LogEntry
from models.db import engine_for, session_scope
from models.service_register import Service
from models.service_returns import FIGURES
from services.register_examples import load_register_examples
from services.scenarios import run_scenario
from tests.conftest import ROOT
from tests.cross_language import Sources
from tests.web_support import Browserless, Site, submit_example

EXAMPLES = ROOT / "examples" / "submissions"
COE = "carys.llewelyn"
PROBLEM = {"en": "There is a problem", "cy": "Mae problem wedi codi"}
OTHER = {"en": "Mae problem wedi codi", "cy": "There is a problem"}


@pytest.fixture(scope="module")
def loaded(site: Site) -> Site:
    load_register_examples(engine_for(site.database_url), ROOT / "examples" / "register")
    return site


@pytest.fixture(scope="module")
def proposed(loaded: Site) -> int:
    """An approved submission for a new service: a pending register proposal."""
    engine = engine_for(loaded.database_url)
    example = EXAMPLES / "09-discovery-obligation.yaml"
    return run_scenario(engine, registry(ROOT / "checklists" / "data"), example).submission_id


def _as(site: Site, person: str, language: str) -> Browserless:
    client = Browserless(site)
    client.sign_in(person, language)
    return client


def _log_size(site: Site) -> int:
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        return session.exec(select(func.count()).select_from(LogEntry)).one()


def _services(site: Site) -> list[tuple[str, str | None, int]]:
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        rows = session.exec(select(Service).order_by(col(Service.slug))).all()
        return [(s.slug, s.owner_id, s.version) for s in rows]


def assert_form_error(response, language: str, field: str, *messages: str) -> str:
    """The page is shown again (400) with the summary linking to `field` and the message(s)
    in it and beside the field, all in `language`; its visible text."""
    page = html.unescape(response.text)
    assert response.status_code == 400
    assert PROBLEM[language] in page and OTHER[language] not in page
    assert f'href="#{field}"' in page  # the summary takes the reader to the field
    beside = re.search(rf'<p id="{re.escape(field)}-error"[^>]*>(.*?)</p>', page, re.S)
    assert beside is not None, f"no message beside {field}"
    for message in messages:
        assert message in page
    assert messages[0] in beside.group(1)
    assert Sources.load().leaks_in_page(response.text, language) == []
    return page


# -- a submission's service -----------------------------------------------------------------

UNKNOWN_SERVICE = {
    "en": "There is no service no-such-service on the register to change.",
    "cy": "Nid oes gwasanaeth no-such-service ar y gofrestr i'w newid.",
}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_linking_a_submission_to_an_unknown_service_shows_the_form_again(
    loaded: Site, language: str
):
    submission, _task = submit_example(loaded, EXAMPLES / "01-policy-no-digital-service.yaml")
    submitter = _as(loaded, "angharad.wyn", language)
    before = _log_size(loaded)
    refused = submitter.post(
        f"/submissions/{submission.id}/service", {"service": "no-such-service"}
    )
    page = assert_form_error(refused, language, "service", UNKNOWN_SERVICE[language])
    assert submission.title(language) in page  # the submission's own page, not an error page
    assert _log_size(loaded) == before
    again = html.unescape(submitter.get(f"/submissions/{submission.id}").text)
    assert {"en": "It is not linked", "cy": "Nid yw"}[language] in again
    submitter.close()


# -- a register proposal: accepting (the entry) and dismissing -------------------------------

PROPOSAL = {
    "slug": "Social Care!",
    "name_en": "Register as a social care worker",
    "name_cy": "Cofrestru fel gweithiwr gofal cymdeithasol",
    "description_en": "Register with Social Care Wales.",
    "description_cy": "Cofrestru gyda Gofal Cymdeithasol Cymru.",
    "dg": "HSS",
    "transaction_type": "registration",
    "customer_type": "citizens",
    "channels": ["online"],
    "assisted_digital": "yes",
    "phase": "discovery",
    "web_address": "gov.wales/social-care",
}
BAD_ADDRESS = {
    "en": "It must be a web address starting with https:// or http://, or left empty.",
    "cy": "Rhaid iddo fod yn gyfeiriad gwe sy'n dechrau â https:// neu http://, neu gael ei "
    "adael yn wag.",
}
BAD_SLUG = {
    "en": "It must be lower-case letters, digits and single hyphens",
    "cy": "Rhaid iddo fod yn llythrennau bach, digidau a chysylltnodau unigol",
}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_proposal_with_a_malformed_address_lists_every_wrong_field_and_keeps_the_rest(
    loaded: Site, proposed: int, language: str
):
    coe = _as(loaded, COE, language)
    before, services = _log_size(loaded), _services(loaded)
    refused = coe.post(f"/register/proposals/{proposed}", PROPOSAL)
    page = assert_form_error(refused, language, "slug", BAD_SLUG[language], BAD_ADDRESS[language])
    assert 'href="#web_address"' in page and 'id="web_address-error"' in page
    assert 'value="gov.wales/social-care"' in page and 'value="Social Care!"' in page
    assert 'value="Register as a social care worker"' in page
    assert _log_size(loaded) == before and _services(loaded) == services
    coe.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_dismissing_a_proposal_without_a_reason_says_to_give_one(
    loaded: Site, proposed: int, language: str
):
    coe = _as(loaded, COE, language)
    before = _log_size(loaded)
    refused = coe.post(f"/register/proposals/{proposed}/dismiss", {"reason": " "})
    message = {
        "en": "Say why it needs no entry on the register (up to 1,000 characters).",
        "cy": "Nodwch pam nad oes angen cofnod ar y gofrestr (hyd at 1,000 o nodau).",
    }[language]
    assert_form_error(refused, language, "reason", message)
    assert _log_size(loaded) == before
    coe.close()


# -- a service's owner ----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "cy"])
def test_naming_an_owner_not_in_the_directory_says_so_beside_the_field(loaded: Site, language: str):
    coe = _as(loaded, COE, language)
    before, services = _log_size(loaded), _services(loaded)
    refused = coe.post("/register/services/mytravelpass/owner", {"owner": "nobody.here"})
    message = {
        "en": "There is no person nobody.here in the directory.",
        "cy": "Nid oes person nobody.here yn y cyfeiriadur.",
    }[language]
    page = assert_form_error(refused, language, "owner", message)
    assert 'value="nobody.here"' in page
    assert _log_size(loaded) == before and _services(loaded) == services
    coe.close()


# -- a monthly return, typed in -------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_return_for_a_service_not_on_the_register_shows_the_form_again(
    loaded: Site, language: str
):
    coe = _as(loaded, COE, language)
    before = _log_size(loaded)
    form = {"service": "no-such-service", "month": "2026-03", **dict.fromkeys(FIGURES, "3")}
    refused = coe.post("/register/returns/new", form)
    message = {
        "en": "There is no service no-such-service on the register.",
        "cy": "Does dim gwasanaeth no-such-service ar y gofrestr.",
    }[language]
    page = assert_form_error(refused, language, "service", message)
    assert 'value="2026-03"' in page
    assert _log_size(loaded) == before
    coe.close()


# -- an upload ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "cy"])
def test_an_upload_without_a_file_says_to_choose_one(loaded: Site, language: str):
    coe = _as(loaded, COE, language)
    before, services = _log_size(loaded), _services(loaded)
    coe.get("/register/upload")
    refused = coe.client.post(
        "/register/upload",
        data={"csrf_token": coe.token, "kind": "returns", "reason": "Corrected by the team"},
    )
    message = {"en": "Choose a CSV file to upload.", "cy": "Dewiswch ffeil CSV i'w llwytho i fyny."}
    page = assert_form_error(refused, language, "file", message[language])
    assert "Corrected by the team" in page
    assert _log_size(loaded) == before and _services(loaded) == services
    coe.close()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_an_upload_that_is_not_text_says_what_to_save_it_as(loaded: Site, language: str):
    coe = _as(loaded, COE, language)
    before, services = _log_size(loaded), _services(loaded)
    coe.get("/register/upload")
    refused = coe.client.post(
        "/register/upload",
        data={"csrf_token": coe.token, "kind": "services", "reason": ""},
        files={"file": ("register.xlsx", b"PK\x03\x04\xff\xfe\x00binary", "application/zip")},
    )
    heading = {
        "en": "The file was not imported: nothing from it was stored.",
        "cy": "Ni fewnforiwyd y ffeil: ni chadwyd dim ohoni.",
    }[language]
    assert_form_error(refused, language, "file", heading, "CSV UTF-8")
    assert _log_size(loaded) == before and _services(loaded) == services
    coe.close()
