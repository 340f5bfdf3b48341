"""PUT /api/register/services/SLUG/returns/YYYY-MM: another system sends a month's return as
JSON; the same figures again change nothing, a correction needs a reason, and every refusal is
problem details naming what is wrong, in the reader's language."""

from __future__ import annotations

from tests.register_data import figures, services_csv
from tests.test_web_register_upload import COE, upload
from tests.web_support import Browserless, Site

PATH = "/api/register/services/api-service/returns/2026-02"


def test_a_return_is_put_idempotently_and_corrected_with_a_reason(site: Site):
    coe = Browserless(site)
    coe.sign_in(COE, "en")
    upload(coe, "services", services_csv({"slug": "api-service"}))
    sent = {name: int(value) for name, value in figures().items()}
    sent["started_paper"] = "not applicable"  # type: ignore[assignment]
    put = coe.client.put(PATH, json={"figures": sent})
    assert put.status_code == 200, put.text
    assert put.json()["figures"]["started_paper"] == "not_applicable"
    assert put.json()["figures"]["total_cost"] == 10
    assert coe.client.put(PATH, json={"figures": sent}).status_code == 200  # the same again
    changed = {**sent, "completed_online": 9}
    refused = coe.client.put(PATH, json={"figures": changed})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "give the reason for correcting it" in refused.json()["detail"]
    ok = coe.client.put(PATH, json={"figures": changed, "reason": "Recounted"})
    assert ok.status_code == 200
    coe.close()


def test_refusals_name_the_figure_in_the_readers_language(site: Site):
    coe = Browserless(site)
    coe.sign_in(COE, "cy")
    upload(coe, "services", services_csv({"slug": "api-service"}))
    sent = {**figures(), "total_cost": "lots"}
    refused = coe.client.put(PATH, json={"figures": sent})
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("total_cost: Nid yw lots yn rhif")
    missing = coe.client.put(PATH, json={"figures": {}})
    assert "Mae angen pob ffigur ar ffurflen ddata." in missing.json()["detail"]
    unknown = coe.client.put(
        "/api/register/services/no-such/returns/2026-02", json={"figures": figures()}
    )
    assert unknown.status_code == 404
    coe.close()
    officer = Browserless(site)
    officer.sign_in("iwan.parry", "en")
    assert officer.client.put(PATH, json={"figures": figures()}).status_code == 403
    officer.close()
