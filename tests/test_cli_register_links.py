"""`dfr register link | proposals | accept-proposal | dismiss-proposal | owner | transform`:
the same rules as the web, in the language asked for; a refusal exits 2 and writes nothing."""

from __future__ import annotations

from checklists.loader import registry
from dfr.cli.main import main
from models.db import engine_for
from services.register_examples import load_register_examples
from services.scenarios import run_scenario
from tests.conftest import ROOT
from tests.factories import log_count

COE = "carys.llewelyn"
EXAMPLES = ROOT / "examples" / "submissions"


def dfr(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _world(url: str) -> int:
    """The demo register, and example 09 approved: a proposal (its id)."""
    engine = engine_for(url)
    load_register_examples(engine, ROOT / "examples" / "register")
    example = EXAMPLES / "09-discovery-obligation.yaml"
    return run_scenario(engine, registry(ROOT / "checklists" / "data"), example).submission_id


def test_the_coe_settles_a_proposal_from_the_command_line(initialised, capsys):
    sid = _world(initialised)
    code, out, err = dfr(capsys, "register", "proposals", "--as", COE)
    assert code == 0, err
    assert "Register proposals: 1" in out
    assert f"DFR-{sid:05d}: Discovery: a simpler way for social care workers to register" in out
    code, out, err = dfr(capsys, "--lang", "cy", "register", "proposals", "--as", COE)
    assert "Cynigion i'r gofrestr: 1" in out and "Darganfod: ffordd symlach" in out
    before = log_count(engine_for(initialised))
    code, out, err = dfr(
        capsys,
        "register",
        "accept-proposal",
        str(sid),
        "--transaction-type",
        "nonsense",
        "--as",
        COE,
    )
    assert code == 2 and "It must be one of:" in err
    assert log_count(engine_for(initialised)) == before
    code, out, err = dfr(
        capsys, "register", "accept-proposal", f"DFR-{sid:05d}", "--transaction-type",
        "registration", "--slug", "care-worker-registration", "--as", COE,
    )  # fmt: skip
    assert code == 0, err
    assert "added to the register at /services/care-worker-registration" in out
    code, out, err = dfr(
        capsys, "register", "dismiss-proposal", str(sid), "--reason", "x", "--as", COE
    )
    assert code != 0 and "No register proposal for submission" in err


def test_links_owners_and_candidate_drafts_from_the_command_line(initialised, capsys):
    sid = _world(initialised)
    code, out, err = dfr(capsys, "register", "link", str(sid), "mytravelpass", "--as", "iwan.parry")
    assert code != 0 and f"No submission {sid}" in err  # not theirs to see
    code, out, err = dfr(capsys, "register", "link", str(sid), "new", "--as", "david.patel")
    assert code == 0, err
    assert f"{sid} creates a new service." in out
    code, out, err = dfr(
        capsys, "--lang", "cy", "register", "owner", "mytravelpass", "lucy.green", "--as", COE
    )
    assert code == 0 and "lucy.green sy'n berchen ar mytravelpass." in out
    code, out, err = dfr(capsys, "register", "owner", "mytravelpass", "no.one", "--as", COE)
    assert code == 2 and "There is no person no.one in the directory." in err
    code, out, err = dfr(capsys, "register", "transform", "mytravelpass", "--as", COE)
    assert code == 0, err
    assert "started: finish it at /drafts/" in out
    code, out, err = dfr(capsys, "register", "transform", "mytravelpass", "--as", COE)
    assert code == 2 and "There is a draft to transform this service already: your draft" in err


def _file(tmp_path, name: str, service: str | None, title: str) -> str:
    """Example 01 (an EST policy by angharad.wyn) with its own title and `service:`."""
    import yaml

    data = yaml.safe_load((EXAMPLES / "01-policy-no-digital-service.yaml").read_text("utf-8"))
    document = data["submission"]
    document["title"] = {"cy": f"{title} (cy)", "en": title}
    if service is not None:
        document["service"] = service
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"submission": document}, allow_unicode=True), "utf-8")
    return str(path)


def _submissions(url: str) -> int:
    from sqlmodel import func, select

    from models.db import session_scope
    from models.submission import Submission

    with session_scope(engine_for(url), read_only=True) as session:
        return session.exec(select(func.count()).select_from(Submission)).one()


def test_a_submission_file_names_the_service_it_changes(initialised, capsys, tmp_path):
    load_register_examples(engine_for(initialised), ROOT / "examples" / "register")
    file = _file(tmp_path, "changes.yaml", "mytravelpass", "A quicker travel pass")
    code, out, err = dfr(capsys, "submit", file)
    assert code == 0, err
    assert "Service on the register: It changes MyTravelPass." in out
    welsh = _file(tmp_path, "new.yaml", "new", "A new travel service")
    code, out, err = dfr(capsys, "--lang", "cy", "submit", welsh)
    assert code == 0, err
    assert "Gwasanaeth ar y gofrestr: Mae'n creu gwasanaeth newydd" in out
    assert "Service on the register" not in out


def test_a_submission_file_naming_no_such_service_is_refused_and_stores_nothing(
    initialised, capsys, tmp_path
):
    from tests.cross_language import Sources

    load_register_examples(engine_for(initialised), ROOT / "examples" / "register")
    before = (_submissions(initialised), log_count(engine_for(initialised)))
    file = _file(tmp_path, "bad.yaml", "travel-passes", "A quicker travel pass")
    code, _out, err = dfr(capsys, "submit", file)
    assert code == 2
    assert "There is no service travel-passes on the register for the submission to change." in err
    assert "List the services on the register with `dfr register list`." in err
    code, _out, err = dfr(capsys, "--lang", "cy", "submit", file)
    assert code == 2
    assert "Nid oes gwasanaeth travel-passes ar y gofrestr" in err
    assert "`dfr register list`" in err
    assert Sources.load().leaks_in_text(err, "cy") == []
    blank = _file(tmp_path, "blank.yaml", " ", "A quicker travel pass")
    code, _out, err = dfr(capsys, "submit", blank)
    assert code == 2 and "service: must not be blank" in err
    assert (_submissions(initialised), log_count(engine_for(initialised))) == before


def test_the_register_list_gives_each_services_address_in_the_language_asked_for(
    initialised, capsys
):
    load_register_examples(engine_for(initialised), ROOT / "examples" / "register")
    code, out, err = dfr(capsys, "register", "list")
    assert code == 0, err
    assert "mytravelpass: MyTravelPass (" in out and "Services on the register: " in out
    code, out, err = dfr(capsys, "--lang", "cy", "register", "list")
    assert code == 0, err
    assert "mytravelpass: FyNgherdynTeithio (" in out and "Services on the register" not in out


def test_a_refused_proposal_names_every_wrong_value_in_the_language_asked_for(initialised, capsys):
    sid = _world(initialised)
    before = log_count(engine_for(initialised))
    wrong = ("--transaction-type", "nonsense", "--slug", "Not A Slug", "--phase", "finished")
    code, _out, err = dfr(capsys, "register", "accept-proposal", str(sid), *wrong, "--as", COE)
    assert code == 2
    assert "Error: 3 values are wrong." in err
    for option in ("--transaction-type: It must be one of:", "--slug: It must be lower-case",
                   "--phase: It must be one of:"):  # fmt: skip
        assert option in err
    code, _out, err = dfr(
        capsys, "--lang", "cy", "register", "accept-proposal", str(sid), *wrong, "--as", COE
    )
    assert code == 2 and "Gwall: mae 3 o werthoedd yn anghywir." in err
    assert "It must" not in err and "wrong" not in err
    assert log_count(engine_for(initialised)) == before  # nothing stored
