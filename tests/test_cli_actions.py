"""`dfr actions done | confirm | send-back`: the submitter marks a condition done, the reviewer
who set it confirms or sends it back; a refusal is one message saying how to fix it, exit 2,
nothing written."""

from __future__ import annotations

import re

import yaml

from dfr.cli.main import main
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "submissions" / "04-procurement-framework-conditions.yaml"
EVIDENCE = "https://data.gov.wales/bus-timetables"


def dfr(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def approved_with_conditions(capsys) -> list[int]:
    """Example 04 submitted and decided as its script says; the ids `dfr show` gives its two
    conditions."""
    assert dfr(capsys, "submit", str(EXAMPLE))[0] == 0
    for step in [s["decide"] for s in yaml.safe_load(EXAMPLE.read_text())["steps"]]:
        args = ["decide", "1", "--stage", step["stage"], "--outcome", step["outcome"]]
        args += ["--rationale", step["rationale"], "--as", step["as"]]
        for condition in step.get("conditions") or []:
            args += ["--condition", f"{condition['due']} {condition['text']}"]
        assert dfr(capsys, *args)[0] == 0
    code, out, _err = dfr(capsys, "show", "1")
    assert code == 0
    return [int(n) for n in re.findall(r"^  #(\d+) Condition: .*; open\)$", out, re.MULTILINE)]


def test_a_condition_is_marked_done_confirmed_or_sent_back_from_the_command_line(
    initialised, capsys
):
    first, second = approved_with_conditions(capsys)
    code, out, err = dfr(
        capsys,
        "actions", "done", str(first), "--note", "Published as GTFS.",
        "--evidence", EVIDENCE, "--as", "lucy.green",
    )  # fmt: skip
    assert code == 0, err
    assert f"Reported done: condition #{first} of DFR-00001 (“" in out
    assert "category_review#1" not in out  # what it asks, not its internal reference
    assert "It is now reported done, waiting for the reviewer to confirm." in out
    code, out, err = dfr(capsys, "actions", "confirm", str(first), "--as", "emma.clarke")
    assert code == 0, err
    assert "Confirmed done: condition" in out and "It is now done." in out

    dfr(capsys, "actions", "done", str(second), "--note", "Reported.", "--evidence", EVIDENCE,
        "--as", "lucy.green")  # fmt: skip
    code, out, err = dfr(
        capsys, "--lang", "cy", "actions", "send-back", str(second),
        "--reason", "The cost figures are missing.", "--as", "emma.clarke",
    )  # fmt: skip
    assert code == 0, err
    assert "Anfonwyd yn ôl: amod" in out

    code, out, _err = dfr(capsys, "show", "1")
    assert re.search(rf"^  #{first} Condition: .*; done\)$", out, re.MULTILINE)
    assert "Done: Published as GTFS. (https://data.gov.wales/bus-timetables)" in out
    assert re.search(rf"^  #{second} Condition: .*; sent back by the reviewer\)$", out, re.M)
    assert "Sent back: The cost figures are missing." in out
    assert dfr(capsys, "audit", "verify")[0] == 0


def test_a_refused_step_says_what_was_wrong_and_writes_nothing(initialised, capsys):
    first, _second = approved_with_conditions(capsys)
    before = dfr(capsys, "show", "1")[1]
    code, _out, err = dfr(
        capsys, "actions", "done", str(first), "--note", "Done",
        "--evidence", "javascript:alert(1)", "--as", "lucy.green",
    )  # fmt: skip
    assert code == 2
    assert err.startswith("Error: The link to the evidence must be a web address starting")
    assert "Check the value given with --evidence." in err
    code, _out, err = dfr(capsys, "actions", "confirm", str(first), "--as", "emma.clarke")
    assert code == 2
    assert "This is open, so this step is not possible: confirm it is done." in err
    code, _out, err = dfr(
        capsys, "actions", "done", "99999", "--note", "x", "--evidence", EVIDENCE,
        "--as", "lucy.green",
    )  # fmt: skip
    assert code == 2 and "No condition or amber action 99999. Check the number." in err
    assert dfr(capsys, "show", "1")[1] == before
