"""`dfr register change`: the CoE changes one field (or a few) of one register entry from the
command line, sees each before and after in the language asked for, and the decision log
records it as it records a change on the web; the other fields stay as they were. Wrong values
are all named by their options and nothing is written; anyone but the CoE and administrators
is told the service is not on the register, in exactly those words."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import col, select

from dfr.cli.main import main
from models.audit import LogEntry
from models.db import engine_for, session_scope
from models.service_register import Service
from services.register import entry_cells
from services.register_examples import load_register_examples
from services.register_owners import set_owner
from tests.conftest import ROOT
from tests.cross_language import Sources
from tests.factories import log_count

COE = {"en": "james.oconnor", "cy": "carys.llewelyn"}
ADMIN = "gwenllian.rees"
CHANGED = "register.service_changed"


def dfr(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def register(initialised: str) -> str:
    """The demo register loaded on the initialised database; its URL."""
    load_register_examples(engine_for(initialised), ROOT / "examples" / "register")
    return initialised


def _entry(url: str, slug: str) -> dict[str, Any]:
    """The entry's fields as text, and its version."""
    with session_scope(engine_for(url), read_only=True) as session:
        service = session.exec(select(Service).where(Service.slug == slug)).one()
        return {**entry_cells(service), "version": service.version}


def _english_in(welsh: str) -> list[str]:
    """English phrases in Welsh output; an option is the command's syntax, in no language
    (`--web-address` is not the English "web address")."""
    return Sources.load().leaks_in_text(re.sub(r"--[a-z-]+", " ", welsh), "cy")


def _changes_logged(url: str, slug: str) -> list[LogEntry]:
    with session_scope(engine_for(url), read_only=True) as session:
        entries = session.exec(
            select(LogEntry).where(LogEntry.event == CHANGED).order_by(col(LogEntry.seq))
        ).all()
        return [e for e in entries if e.payload["slug"] == slug]


def test_the_coe_changes_two_fields_and_sees_each_before_and_after(register, capsys):
    before = _entry(register, "road-works-permit")
    code, out, err = dfr(
        capsys, "register", "change", "road-works-permit", "--as", COE["en"],
        "--phase", "live", "--web-address", "https://streetworks.gov.wales/permits",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == [
        "The entry of road-works-permit is changed (logged):",
        "  Phase: beta -> live",
        "  Web address: none -> https://streetworks.gov.wales/permits",
    ]
    after = _entry(register, "road-works-permit")
    assert after == {
        **before,
        "phase": "live",
        "web_address": "https://streetworks.gov.wales/permits",
        "version": before["version"] + 1,
    }  # every field not given is as it was
    [logged] = _changes_logged(register, "road-works-permit")
    assert logged.actor_id == COE["en"]
    assert logged.payload == {
        "slug": "road-works-permit",
        "version": before["version"] + 1,
        "changes": {
            "phase": {"from": "beta", "to": "live"},
            "web_address": {"from": None, "to": "https://streetworks.gov.wales/permits"},
        },
    }


def test_the_coe_changes_an_entry_in_welsh_and_reads_only_welsh(register, capsys):
    code, out, err = dfr(
        capsys, "--lang", "cy", "register", "change", "road-works-permit", "--as", COE["cy"],
        "--name-cy", "Trwydded gwaith ffordd", "--channels", "online;phone;paper",
        "--assisted-digital", "ie",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == [
        "Mae cofnod road-works-permit wedi'i newid (wedi'i gofnodi yn y log):",
        "  Enw yn Gymraeg: Trwydded gwaith ffordd ar gefnffyrdd -> Trwydded gwaith ffordd",
        "  Sianeli: ar-lein, papur -> ar-lein, ffôn, papur",
        "  Help i'w ddefnyddio ar-lein (digidol â chymorth): Na -> Ie",
    ]
    assert _english_in(out) == []
    assert "changed" not in out and "Channels" not in out
    [logged] = _changes_logged(register, "road-works-permit")
    assert logged.actor_id == COE["cy"]
    assert set(logged.payload["changes"]) == {"name_cy", "channels", "assisted_digital"}


def test_giving_the_values_it_has_changes_nothing_and_says_so(register, capsys):
    before, logged = _entry(register, "mytravelpass"), log_count(engine_for(register))
    code, out, err = dfr(
        capsys, "register", "change", "mytravelpass", "--as", ADMIN, "--phase", "live"
    )
    assert code == 0, err
    assert out == "Nothing was changed: the entry already said that.\n"
    code, out, err = dfr(
        capsys, "--lang", "cy", "register", "change", "mytravelpass", "--as", ADMIN,
        "--channels", "online",
    )  # fmt: skip
    assert out == "Ni newidiwyd dim: roedd y cofnod yn dweud hynny eisoes.\n"
    assert (_entry(register, "mytravelpass"), log_count(engine_for(register))) == (before, logged)


def test_every_wrong_value_is_named_by_its_option_and_nothing_is_written(register, capsys):
    before, logged = _entry(register, "road-works-permit"), log_count(engine_for(register))
    wrong = ("--phase", "gamma", "--channels", "online;fax", "--web-address", "ftp://x",
             "--name-en", "Road works")  # fmt: skip
    code, out, err = dfr(
        capsys, "register", "change", "road-works-permit", "--as", COE["en"], *wrong
    )
    assert code == 2 and out == ""
    assert "Error: 3 values are wrong." in err
    assert "  --phase: It must be one of: not_yet_digital, discovery" in err
    assert "  --channels: List one or more of online, phone" in err
    assert "  --web-address: It must be a web address starting with https://" in err
    assert "--name-en" not in err  # a right value among wrong ones
    code, out, err = dfr(
        capsys, "--lang", "cy", "register", "change", "road-works-permit", "--as", COE["cy"],
        *wrong,
    )  # fmt: skip
    assert code == 2 and "Gwall: mae 3 o werthoedd yn anghywir." in err
    assert "  --phase: " in err and "  --channels: " in err and "  --web-address: " in err
    assert _english_in(err) == []
    after = (_entry(register, "road-works-permit"), log_count(engine_for(register)))
    assert after == (before, logged)


WRONG = (("--phase", "gamma"), ("--channels", "online;fax"), ("--web-address", "ftp://x"))


@pytest.mark.parametrize(
    ("count", "english", "welsh"),
    [
        (1, "Error: It must be one of: not_yet_digital", "Gwall: Rhaid iddo fod yn un o'r rhain:"),
        (2, "Error: 2 values are wrong.", "Gwall: mae 2 o werthoedd yn anghywir."),
        (3, "Error: 3 values are wrong.", "Gwall: mae 3 o werthoedd yn anghywir."),
    ],
)
def test_the_number_of_wrong_values_reads_right_in_each_language(
    register, capsys, count, english, welsh
):
    """Welsh mutates a noun after a numeral ("2 werth", "3 gwerth"): the count is said with
    "o" and the plural, right for every number; one wrong value is simply named."""
    wrong = [part for pair in WRONG[:count] for part in pair]
    code, _out, err = dfr(capsys, "register", "change", "road-works-permit", "--as", ADMIN, *wrong)
    assert code == 2 and err.startswith(english)
    code, _out, err = dfr(
        capsys, "--lang", "cy", "register", "change", "road-works-permit", "--as", ADMIN, *wrong
    )
    assert code == 2 and err.startswith(welsh)
    assert "gwerth yn" not in err and _english_in(err) == []


@pytest.mark.parametrize("person", ["rhian.evans", "lucy.green", "no.one"])
def test_someone_who_may_not_change_the_register_is_told_the_service_is_not_on_it(
    register, capsys, person
):
    with session_scope(engine_for(register)) as session:
        set_owner(session, COE["en"], "road-works-permit", "lucy.green")  # its owner may not
    before, logged = _entry(register, "road-works-permit"), log_count(engine_for(register))
    code, out, refused = dfr(
        capsys, "register", "change", "road-works-permit", "--as", person, "--phase", "live"
    )
    assert code == 2 and out == ""
    code, _out, missing = dfr(
        capsys, "register", "change", "no-such-permit", "--as", COE["en"], "--phase", "live"
    )
    assert code == 2
    assert "There is no service road-works-permit on the register." in refused
    assert refused.replace("road-works-permit", "SLUG") == missing.replace("no-such-permit", "SLUG")
    code, _out, refused_cy = dfr(
        capsys, "--lang", "cy", "register", "change", "road-works-permit", "--as", person,
        "--phase", "gamma",
    )  # fmt: skip
    code, _out, missing_cy = dfr(
        capsys, "--lang", "cy", "register", "change", "no-such-permit", "--as", COE["cy"],
        "--phase", "gamma",
    )  # fmt: skip
    assert "Does dim gwasanaeth road-works-permit ar y gofrestr." in refused_cy
    assert refused_cy.replace("road-works-permit", "X") == missing_cy.replace("no-such-permit", "X")
    after = (_entry(register, "road-works-permit"), log_count(engine_for(register)))
    assert after == (before, logged)


def test_a_retired_service_is_refused(register, capsys):
    before, logged = _entry(register, "economic-resilience-grant"), log_count(engine_for(register))
    code, out, err = dfr(
        capsys, "register", "change", "economic-resilience-grant", "--as", COE["en"],
        "--phase", "live",
    )  # fmt: skip
    assert code == 2 and out == ""
    assert "The service economic-resilience-grant is retired: its entry is kept as it was" in err
    after = (_entry(register, "economic-resilience-grant"), log_count(engine_for(register)))
    assert after == (before, logged)


def test_no_field_to_change_is_an_error_that_lists_the_options(register, capsys):
    code, out, err = dfr(capsys, "register", "change", "road-works-permit", "--as", COE["en"])
    assert code == 2 and out == ""
    assert err.startswith("Error: Give at least one field to change, with one or more of: ")
    for option in ("--name-en", "--name-cy", "--description-en", "--description-cy",
                   "--transaction-type", "--customer-type", "--channels", "--assisted-digital",
                   "--phase", "--web-address"):  # fmt: skip
        assert option in err
    code, out, err = dfr(
        capsys, "--lang", "cy", "register", "change", "road-works-permit", "--as", COE["cy"]
    )
    assert code == 2 and "--name-en" in err and "--web-address" in err
    assert "Give at least one" not in err and _english_in(err) == []
    assert _changes_logged(register, "road-works-permit") == []
