"""A DG's KPI figure says the same on the register's web page and in `dfr register kpis`, in
each language: the phrase is made in one place (`services.register_kpis.shown_with_coverage`),
so the two cannot drift apart. Each DG here counts a different number of services (1, 2, 3
and 5), with one more left out for sending no return."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pytest

from dfr.cli.main import main
from models.register_kpis import KPIS
from tests.register_data import returns_csv, services_csv
from tests.web_support import Site

COE = "carys.llewelyn"
COUNTED = {"EST": 1, "DfES": 2, "LGC": 3, "SF": 5}
MONTH = {"en": "April 2026", "cy": "Ebrill 2026"}  # returns_csv's month, 2026-04
TAKE_UP = {  # 10 of 50 completed online (20.0%), as said for each DG in each language
    "en": {
        "EST": "20.0% (from 1 service; 1 left out: figures not provided)",
        "DfES": "20.0% (from 2 services; 1 left out: figures not provided)",
        "LGC": "20.0% (from 3 services; 1 left out: figures not provided)",
        "SF": "20.0% (from 5 services; 1 left out: figures not provided)",
    },
    "cy": {
        "EST": "20.0% (o 1 gwasanaeth; gadawyd 1 allan: ni ddarparwyd ffigurau)",
        "DfES": "20.0% (o 2 wasanaeth; gadawyd 1 allan: ni ddarparwyd ffigurau)",
        "LGC": "20.0% (o 3 gwasanaeth; gadawyd 1 allan: ni ddarparwyd ffigurau)",
        "SF": "20.0% (o 5 gwasanaeth; gadawyd 1 allan: ni ddarparwyd ffigurau)",
    },
}


def dfr(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


@pytest.fixture(scope="module")
def kpi_site(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The module's site (its database is the one `dfr` uses while it runs), with each DG's
    services and their April returns loaded by the CoE with `dfr register`."""
    folder: Path = tmp_path_factory.mktemp("register")
    services, returns = [], []
    for dg, counted in COUNTED.items():
        slugs = [f"{dg.lower()}-service-{n}" for n in range(counted + 1)]
        services += [{"slug": slug, "dg": dg} for slug in slugs]
        returns += [{"service": slug} for slug in slugs[1:]]  # the first sends no return
    (folder / "services.csv").write_text(services_csv(*services), encoding="utf-8")
    (folder / "returns.csv").write_text(returns_csv(*returns), encoding="utf-8")
    for command, file in (("import-services", "services.csv"), ("import-returns", "returns.csv")):
        assert main(["register", command, str(folder / file), "--as", COE]) == 0
    return site


def dg_page(site: Site, dg: str, language: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The DG's name as its page heads it, and each KPI's key, name and April figure as the
    page's data tables show them."""
    with httpx.Client(base_url=site.url, follow_redirects=True) as client:
        client.get(f"/language/{language}?next=/sign-in")
        page = client.get(f"/services/dg/{dg}")
    assert page.status_code == 200
    heading = re.search(r'<h1 class="govuk-heading-l">(.*?)</h1>', page.text)
    assert heading is not None
    cells = []
    for kpi in KPIS:
        section = page.text[page.text.index(f'id="kpi-{kpi}">') :]
        name = section[section.index(">") + 1 : section.index("</h3>")]
        row = re.search(
            rf'<th scope="row" class="govuk-table__header">{MONTH[language]}</th>\s*'
            r'<td class="govuk-table__cell">(.*?)</td>',
            section,
        )
        assert row is not None
        cells.append((kpi, html.unescape(name), html.unescape(row.group(1))))
    return html.unescape(heading.group(1)), cells


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_web_page_and_the_cli_say_a_dg_figure_the_same_way(kpi_site, capsys, language):
    out = dfr(capsys, "--lang", language, "register", "kpis", "--month", "2026-04").splitlines()
    for dg in COUNTED:
        name, cells = dg_page(kpi_site, dg, language)
        # The CLI heads each DG's four lines with its name, then one line a KPI.
        block = out[out.index(name) + 1 :][: len(KPIS)]
        assert block == [f"  {kpi_name}: {figure}" for _kpi, kpi_name, figure in cells]
        take_up = {kpi: figure for kpi, _name, figure in cells}["digital_take_up"]
        assert take_up == TAKE_UP[language][dg]
