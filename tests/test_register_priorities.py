"""Ranking services for digital transformation: the published criteria, each scored against
the other candidates and weighted; a criterion with no value is left out, never counted as 0;
the CoE reads the list, with the reasons, on the command line and the web."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest

from dfr.cli.main import main
from models.db import engine_for
from models.register_priorities import criteria, measures_of, rank
from services.register_examples import load_register_examples
from tests.conftest import ROOT
from tests.web_support import Browserless, Site


def test_the_criteria_are_versioned_bilingual_data():
    loaded = criteria()
    assert loaded.version == 1
    assert {c.id for c in loaded.criteria} >= {"volume", "not_digital", "cost", "welsh_language"}
    assert all(c.name.cy and c.name.en and c.why.cy and c.why.en for c in loaded.criteria)


def test_each_criterion_scores_against_the_largest_value_and_is_weighted():
    # A: 1,000 transactions, 20% digital, £10, 80% satisfied, assisted digital support.
    # B: 500 transactions, 60% digital, £20, satisfaction not known, no support.
    a = measures_of(Decimal(1000), Decimal("0.2"), Decimal(10), Decimal("0.8"), True)
    b = measures_of(Decimal(500), Decimal("0.6"), Decimal(20), None, False)
    ranked = rank({"a": a, "b": b})
    # A: volume 1 x 3 + not digital (0.8/0.8) x 3 + cost (10/20) x 2 + dissatisfied (0.2/0.2) x 2
    #    + support 0 x 1 = 9, of weights 3+3+2+2+1 = 11 (Welsh not known): 9/11
    # B: volume 0.5 x 3 + not digital (0.4/0.8) x 3 + cost 1 x 2 + support 1 x 1 = 6, of 3+3+2+1 = 9
    scores = {c.key: c.score for c in ranked}
    assert scores["a"] == Decimal(9) / Decimal(11)
    assert scores["b"] == Decimal(6) / Decimal(9)
    assert [c.key for c in ranked] == ["a", "b"]
    left_out = {s.criterion.id for s in ranked[1].scored if s.score is None}
    assert left_out == {"dissatisfaction", "welsh_language"}


@pytest.fixture
def demo_register(initialised):
    load_register_examples(engine_for(initialised), ROOT / "examples" / "register")
    return initialised


def test_the_coe_reads_the_ranked_candidates_with_their_reasons(demo_register, capsys):
    assert main(["register", "priorities", "--as", "carys.llewelyn", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "Candidates for digital transformation (criteria version 1, 2025-11 to 2026-10):" in out
    assert "1. Qualified teacher status award (qualified-teacher-status): score" in out
    assert "Welsh-language take-up: not known, left out" in out
    assert "Economic resilience grant" not in out  # retired
    assert main(["--lang", "cy", "register", "priorities", "--as", "carys.llewelyn"]) == 0
    assert "Dyfarnu statws athro cymwysedig" in capsys.readouterr().out
    assert main(["register", "priorities", "--as", "iwan.parry"]) == 2
    assert "Only the Digital Centre of Excellence" in capsys.readouterr().err


def test_the_priorities_page_is_for_the_coe_only(site: Site):
    load_register_examples(engine_for(site.database_url), ROOT / "examples" / "register")
    coe = Browserless(site)
    coe.sign_in("carys.llewelyn", "cy")
    page = html.unescape(coe.get("/register/priorities").text)
    assert "Ymgeiswyr ar gyfer trawsnewid digidol" in page
    assert "Dyfarnu statws athro cymwysedig" in page and "sgôr" in page
    officer = Browserless(site)
    officer.sign_in("iwan.parry", "en")
    assert officer.get("/register/priorities").status_code == 404
    coe.close()
    officer.close()
