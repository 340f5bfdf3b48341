"""Accepting a register proposal as JSON with wrong fields: the problem details name every
wrong field, in the reader's language, each as a `field: message` line of `detail` and an item
of `errors` (one field reads as it always has), and nothing is written."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from checklists.loader import registry
from models.audit import LogEntry
from models.db import engine_for, session_scope
from models.service_register import Service
from services.register_examples import load_register_examples
from services.scenarios import run_scenario
from tests.conftest import ROOT
from tests.web_support import Browserless, Site

EXAMPLE = ROOT / "examples" / "submissions" / "09-discovery-obligation.yaml"
WRONG = {"transaction_type": "parking", "web_address": "gov.wales/social-care"}
SAID = {
    "en": {
        "transaction_type": "It must be one of: benefit, booking, grant, information, licence, "
        "payment, registration.",
        "web_address": "It must be a web address starting with https:// or http://, or left empty.",
    },
    "cy": {
        "transaction_type": "Rhaid iddo fod yn un o'r rhain: benefit, booking, grant, "
        "information, licence, payment, registration.",
        "web_address": "Rhaid iddo fod yn gyfeiriad gwe sy'n dechrau â https:// neu http://, neu "
        "gael ei adael yn wag.",
    },
}


@pytest.fixture(scope="module")
def proposed(site: Site) -> int:
    """An approved submission for a new service: a pending register proposal."""
    engine = engine_for(site.database_url)
    load_register_examples(engine, ROOT / "examples" / "register")
    return run_scenario(engine, registry(ROOT / "checklists" / "data"), EXAMPLE).submission_id


def _stored(site: Site) -> tuple[int, int]:
    """How many services the register holds and how long the decision log is."""
    with session_scope(engine_for(site.database_url), read_only=True) as session:
        services = session.exec(select(func.count()).select_from(Service)).one()
        return services, session.exec(select(func.count()).select_from(LogEntry)).one()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_wrong_field_of_an_accepted_proposal_is_named(
    site: Site, proposed: int, language: str
):
    coe = Browserless(site)
    coe.sign_in("carys.llewelyn", language)
    before = _stored(site)
    refused = coe.client.post(f"/api/register/proposals/{proposed}", json={"entry": WRONG})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.headers["content-language"] == language
    body = refused.json()
    said = SAID[language]
    assert body["errors"] == [
        {"field": "transaction_type", "detail": said["transaction_type"]},
        {"field": "web_address", "detail": said["web_address"]},
    ]
    assert body["detail"].split("\n") == [
        f"transaction_type: {said['transaction_type']}",
        f"web_address: {said['web_address']}",
    ]
    other = SAID["cy" if language == "en" else "en"]
    assert other["web_address"] not in body["detail"]

    # One wrong field reads as it did before: one `field: message` line.
    one = coe.client.post(
        f"/api/register/proposals/{proposed}", json={"entry": {"transaction_type": "parking"}}
    ).json()
    assert one["detail"] == f"transaction_type: {said['transaction_type']}"
    assert one["errors"] == [{"field": "transaction_type", "detail": said["transaction_type"]}]
    assert _stored(site) == before
    coe.close()
