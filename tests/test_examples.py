"""Every example scenario routes as its `expect` block says, and runs to its expected outcome on
both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from checklists.routing import route_for
from checklists.yaml_files import read_yaml
from models.db import session_scope
from models.submission import Submission
from models.submission_file import parse_submission
from services.directory import load_directory, parse_directory
from services.intake import _typed_answers
from services.scenarios import run_scenario
from tests.conftest import ROOT

SCENARIOS = sorted((ROOT / "examples" / "submissions").glob("*.yaml"))
COVERED = {"initiative", "procurement"}


def load_demo_directory(engine):
    data = {}
    for name in ("directorates.yaml", "people.yaml"):
        data.update(read_yaml(ROOT / "examples" / name))
    with session_scope(engine) as session:
        load_directory(session, parse_directory(data))


def test_there_are_at_least_eight_bilingual_examples():
    assert len(SCENARIOS) >= 8
    kinds = {read_yaml(p)["submission"]["kind"] for p in SCENARIOS}
    assert kinds == COVERED
    for path in SCENARIOS:
        sub = read_yaml(path)["submission"]
        assert (
            sub["title"]["cy"]
            and sub["title"]["en"]
            and sub["summary"]["cy"]
            and sub["summary"]["en"]
        )


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_example_routes_as_expected(path, checklist_registry):
    data = read_yaml(path)
    expect = data["expect"]
    parsed = parse_submission(data)
    checklists = checklist_registry.questionnaires_for(parsed.kind)
    route = route_for(
        kind=parsed.kind,
        dg=parsed.dg,
        checklists=checklists,
        answers=_typed_answers(checklists, parsed.answers, kind=parsed.kind),
        registry=checklist_registry,
        on=date.today(),
    )
    assert route.stage_names == expect["route"]
    assert route.risk == expect["risk"]
    assert sorted(f.id for f in route.flags) == sorted(expect.get("flags") or [])
    assert sorted(o.id for o in route.obligations) == sorted(expect.get("obligations") or [])


def test_every_example_reaches_its_outcome(engine, checklist_registry):
    load_demo_directory(engine)
    for path in SCENARIOS:
        result = run_scenario(engine, checklist_registry, path)
        with session_scope(engine) as session:
            state = session.get(Submission, result.submission_id).state
        assert state == read_yaml(path)["expect"]["state"], path.name
    # Running the examples again loads nothing twice.
    again = [run_scenario(engine, checklist_registry, p) for p in SCENARIOS]
    assert all(r.route is None for r in again)
    with session_scope(engine) as session:
        assert len(session.exec(select(Submission)).all()) == len(SCENARIOS)
