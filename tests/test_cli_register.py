"""`dfr register import-services | import-returns | kpis`: the CoE loads its spreadsheets; a
file with bad rows is refused with every bad row listed, in the language asked for, exit 2,
nothing stored."""

from __future__ import annotations

import pytest

from dfr.cli.main import main
from tests.register_data import returns_csv, services_csv

COE = "carys.llewelyn"


def dfr(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_coe_loads_the_register_and_its_returns_and_reads_the_kpis(
    initialised, capsys, tmp_path
):
    services, returns = tmp_path / "services.csv", tmp_path / "returns.csv"
    services.write_text(services_csv({}), encoding="utf-8")
    returns.write_text(
        returns_csv({"completed_online": "40", "started_online": "50"}), encoding="utf-8"
    )
    code, out, err = dfr(capsys, "register", "import-services", str(services), "--as", COE)
    assert code == 0, err
    assert "1 added, 0 changed, 0 unchanged" in out
    code, out, err = dfr(capsys, "register", "import-returns", str(returns), "--as", COE)
    assert code == 0, err
    assert "1 recorded" in out
    code, out, err = dfr(capsys, "register", "kpis")
    assert code == 0, err
    # 40 of 80 completed online; £10 over 80 completed; 20 of 50 satisfied; 40 of 50 started
    assert "KPIs for 2026-04:" in out
    assert "Economy, Science and Transport" in out
    assert "Digital take-up: 50.0%" in out
    assert "Cost per transaction: £0.13" in out
    assert "User satisfaction: 40.0%" in out
    assert "Completion rate: 80.0%" in out
    assert "Health and Social Services" not in out  # no services there
    code, out, _err = dfr(capsys, "--lang", "cy", "register", "kpis")
    assert "Defnydd digidol: 50.0%" in out and "Pob gwasanaeth" in out


def test_a_bad_file_is_refused_with_every_bad_row_and_nothing_is_stored(
    initialised, capsys, tmp_path
):
    services = tmp_path / "services.csv"
    services.write_text(
        services_csv({"dg": "XYZ"}, {"slug": "two", "phase": "gamma"}), encoding="utf-8"
    )
    code, out, err = dfr(
        capsys, "--lang", "cy", "register", "import-services", str(services), "--as", COE
    )
    assert code == 2 and out == ""
    assert "Ni fewnforiwyd y ffeil" in err
    assert "Llinell 2, colofn dg: Does dim CG XYZ." in err
    assert "Llinell 3, colofn phase:" in err
    code, out, _err = dfr(capsys, "register", "kpis")
    assert "Economy, Science and Transport" not in out


def test_someone_outside_the_coe_is_refused(initialised, capsys, tmp_path):
    services = tmp_path / "services.csv"
    services.write_text(services_csv({}), encoding="utf-8")
    code, _out, err = dfr(
        capsys, "register", "import-services", str(services), "--as", "rhian.evans"
    )
    assert code == 2
    assert "Only the Digital Centre of Excellence and administrators" in err


def test_the_coe_adds_a_transaction_type_and_a_service_can_use_it(initialised, capsys, tmp_path):
    code, out, err = dfr(
        capsys, "register", "type", "appeal", "--cy", "Apelio", "--en", "Appealing", "--as", COE
    )
    assert code == 0, err
    assert "Transaction type appeal: Appealing." in out
    services = tmp_path / "services.csv"
    services.write_text(services_csv({"transaction_type": "appeal"}), encoding="utf-8")
    assert dfr(capsys, "register", "import-services", str(services), "--as", COE)[0] == 0
    code, _out, err = dfr(
        capsys,
        "--lang",
        "cy",
        "register",
        "type",
        "Bad Code",
        "--cy",
        "x",
        "--en",
        "y",
        "--as",
        COE,
    )
    assert code == 2 and "llythrennau bach" in err


@pytest.mark.parametrize(
    ("counted", "english", "welsh"),
    [
        (1, "(from 1 service; 1 left out: ", "(o 1 gwasanaeth; gadawyd 1 allan: "),
        (2, "(from 2 services; 1 left out: ", "(o 2 wasanaeth; gadawyd 1 allan: "),
        (3, "(from 3 services; 1 left out: ", "(o 3 gwasanaeth; gadawyd 1 allan: "),
    ],
)
def test_a_dg_figure_says_how_many_services_it_counts_in_each_language(
    initialised, capsys, tmp_path, counted, english, welsh
):
    """Welsh mutates the noun after 2 ("2 wasanaeth"); English has one service or several.
    A service with no return for the month is left out of its DG's figures."""
    slugs = [f"service-{n}" for n in range(counted + 1)]
    services, returns = tmp_path / "services.csv", tmp_path / "returns.csv"
    services.write_text(services_csv(*({"slug": slug} for slug in slugs)), encoding="utf-8")
    returns.write_text(returns_csv(*({"service": slug} for slug in slugs[1:])), encoding="utf-8")
    for command, file in (("import-services", services), ("import-returns", returns)):
        code, _out, err = dfr(capsys, "register", command, str(file), "--as", COE)
        assert code == 0, err
    code, out, err = dfr(capsys, "register", "kpis")
    assert code == 0, err
    assert f"  Digital take-up: 20.0% {english}figures not provided)" in out.splitlines()
    code, out, err = dfr(capsys, "--lang", "cy", "register", "kpis")
    assert code == 0, err
    assert f"  Defnydd digidol: 20.0% {welsh}ni ddarparwyd ffigurau)" in out.splitlines()


def test_a_row_with_too_few_cells_says_how_many_it_has_in_each_language(
    initialised, capsys, tmp_path
):
    """English "1 cell"; Welsh mutates the noun after 2 and 6 ("2 gell", "6 chell") and says
    "o" and the plural from 5 on."""
    services = tmp_path / "services.csv"
    short = ["a", "a,b", "a,b,c", "a,b,c,d,e", "a,b,c,d,e,f"]  # lines 2 to 6
    services.write_text(
        services_csv().rstrip("\n") + "\n" + "\n".join(short) + "\n", encoding="utf-8"
    )
    header = len(services_csv().splitlines()[0].split(","))
    for language, said in (
        ("en", ["1 cell", "2 cells", "3 cells", "5 cells", "6 cells"]),
        ("cy", ["1 cell", "2 gell", "3 cell", "5 o gelloedd", "6 chell"]),
    ):
        code, out, err = dfr(
            capsys, "--lang", language, "register", "import-services", str(services), "--as", COE
        )
        assert code == 2 and out == ""
        for line, cells in enumerate(said, start=2):
            expected = (
                f"Line {line}: The row has {cells}; the header has {header}."
                if language == "en"
                else f"Llinell {line}: Mae {cells} yn y rhes; mae {header} yn y pennawd."
            )
            assert expected in err, err
