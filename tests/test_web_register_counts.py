"""The public register says how many services it found in words that read right for any
number, in each language: English "1 service", "2 services"; Welsh mutates "gwasanaeth" after
2 only ("2 wasanaeth"; "3 gwasanaeth", "5 gwasanaeth", "10 gwasanaeth"). Each DG here has a
different number of services on the register."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from dfr.cli.main import main
from tests.register_data import services_csv
from tests.web_support import Site

COE = "carys.llewelyn"
SERVICES = {"EST": 1, "DfES": 2, "LGC": 3, "SF": 5, "HSS": 10}
TOTAL = sum(SERVICES.values())
SAID = {
    1: ("1 service", "1 gwasanaeth"),
    2: ("2 services", "2 wasanaeth"),
    3: ("3 services", "3 gwasanaeth"),
    5: ("5 services", "5 gwasanaeth"),
    10: ("10 services", "10 gwasanaeth"),
}


@pytest.fixture(scope="module")
def counted_site(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The module's site with each DG's services loaded by the CoE with `dfr register`."""
    folder: Path = tmp_path_factory.mktemp("register")
    rows = [
        {"slug": f"{dg.lower()}-service-{n}", "dg": dg}
        for dg, count in SERVICES.items()
        for n in range(count)
    ]
    (folder / "services.csv").write_text(services_csv(*rows), encoding="utf-8")
    assert main(["register", "import-services", str(folder / "services.csv"), "--as", COE]) == 0
    return site


def read(site: Site, path: str, language: str) -> str:
    with httpx.Client(base_url=site.url, follow_redirects=True) as client:
        client.get(f"/language/{language}?next=/sign-in")
        page = client.get(path)
    assert page.status_code == 200
    return page.text


@pytest.mark.parametrize(("dg", "count"), SERVICES.items())
@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_register_says_how_many_services_it_found_in_each_language(
    counted_site, language, dg, count
):
    said = SAID[count][0 if language == "en" else 1]
    of = "of" if language == "en" else "o"
    found = read(counted_site, f"/services?dg={dg}", language)
    assert f'<p class="govuk-body" role="status">{said} {of} {TOTAL}</p>' in found
    group = read(counted_site, f"/services/dg/{dg}", language)
    assert f'<h2 class="govuk-heading-m">{said}</h2>' in group
