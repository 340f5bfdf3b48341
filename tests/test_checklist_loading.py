"""Checklist files load fast and fail fast, naming the file, the question and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from checklists.loader import load_registry, read_lock
from checklists.yaml_files import read_yaml
from dfr.errors import ChecklistDefinitionError
from tests.conftest import ROOT

DATA = ROOT / "checklists" / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def edit(folder: Path, checklist: str, change) -> Path:
    path = folder / checklist / "v1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load_unpublished(folder: Path):
    return load_registry(folder, check_published=False)


def test_the_shipped_checklists_load_and_are_published():
    registry = load_registry(DATA)
    counts = {cid: len(registry.get(cid).questions) for cid in registry.ids()}
    assert counts["digital_options"] >= 15
    assert counts["service_standard_wales"] == 12
    assert counts["service_standard_uk"] == 14
    assert counts["category_review"] >= 8
    lock = read_lock(DATA)
    for (cid, version), checklist in registry.checklists.items():
        if checklist.definition.status == "published":
            assert lock[f"{cid}@{version}"] == checklist.content_hash


def test_yaml_syntax_error_names_file_and_line(data_copy):
    path = data_copy / "digital_options" / "v1.yaml"
    path.write_text("id: digital_options\nquestions: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(ChecklistDefinitionError, match=r"v1.yaml is not valid YAML \(line \d+"):
        load_unpublished(data_copy)


def test_unknown_rule_reference(data_copy):
    edit(
        data_copy,
        "digital_options",
        lambda d: d["rules"][0].update(when={"q": "no_such_question", "eq": True}),
    )
    with pytest.raises(ChecklistDefinitionError, match="unknown question id no_such_question"):
        load_unpublished(data_copy)


def test_unknown_flag_in_rule(data_copy):
    def change(d):
        rule = next(r for r in d["rules"] if "flag" in r["then"])
        rule["then"] = {"flag": "made_up"}

    edit(data_copy, "digital_options", change)
    with pytest.raises(ChecklistDefinitionError, match="unknown flag made_up"):
        load_unpublished(data_copy)


def test_missing_translation_names_the_question(data_copy):
    edit(data_copy, "digital_options", lambda d: d["questions"][2]["text"].pop("cy"))
    with pytest.raises(ChecklistDefinitionError) as err:
        load_unpublished(data_copy)
    assert "question 'offline_channels_considered'" in err.value.message
    assert "missing translation (cy)" in err.value.message


def test_blank_translation_is_refused(data_copy):
    edit(data_copy, "category_review", lambda d: d["questions"][0]["guidance"].update(cy="  "))
    with pytest.raises(ChecklistDefinitionError, match="translation is empty"):
        load_unpublished(data_copy)


def test_duplicate_question_id(data_copy):
    edit(
        data_copy, "digital_options", lambda d: d["questions"][1].update(id=d["questions"][0]["id"])
    )
    with pytest.raises(
        ChecklistDefinitionError, match="question 'user_needs_evidence': duplicate question id"
    ):
        load_unpublished(data_copy)


def test_bad_question_type(data_copy):
    edit(data_copy, "digital_options", lambda d: d["questions"][0].update(type="colour"))
    with pytest.raises(ChecklistDefinitionError, match="question 'user_needs_evidence' type"):
        load_unpublished(data_copy)


def test_unknown_threshold(data_copy):
    def change(d):
        d["rules"].append(
            {
                "id": "extra",
                "when": {"fact": "value", "gt": {"threshold": "nope"}},
                "then": {"flag": d["flags"][0]["id"]},
                "because": {"cy": "a", "en": "b"},
            }
        )

    edit(data_copy, "digital_options", change)
    with pytest.raises(ChecklistDefinitionError, match="unknown threshold nope"):
        load_unpublished(data_copy)


def test_a_published_version_cannot_be_changed(data_copy):
    edit(
        data_copy,
        "digital_options",
        lambda d: d["questions"][0]["text"].update(en="Changed wording?"),
    )
    with pytest.raises(ChecklistDefinitionError, match="changed since publication"):
        load_registry(data_copy)


def test_thresholds_apply_from_their_effective_date():
    from datetime import date
    from decimal import Decimal

    registry = load_registry(DATA)
    assert registry.thresholds.amount("central_goods_services", date(2025, 12, 31)) == Decimal(
        "139688"
    )
    assert registry.thresholds.amount("central_goods_services", date(2026, 1, 1)) == Decimal(
        "135018"
    )


def test_ask_when_may_not_depend_on_facts_other_than_the_kind(data_copy):
    edit(
        data_copy,
        "digital_options",
        lambda d: d["questions"][0].update(ask_when={"fact": "value", "gt": 1000}),
    )
    with pytest.raises(ChecklistDefinitionError, match="ask_when may only compare answers"):
        load_unpublished(data_copy)


def test_a_key_given_twice_in_a_checklist_is_refused_naming_both_lines(data_copy):
    path = data_copy / "digital_options" / "v1.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    second = lines.index("status: published") + 1  # the line after it, counted from 1
    lines.insert(second, "status: draft")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ChecklistDefinitionError) as err:
        load_unpublished(data_copy)
    assert err.value.message == (
        f"{path} gives status twice, on line {second} and on line {second + 1}; only one can "
        "count. Keep the one you mean and delete the other."
    )


def test_a_merged_key_may_still_be_overridden(tmp_path):
    path = tmp_path / "merge.yaml"
    path.write_text("base: &b {a: 1, b: 2}\nmerged:\n  <<: *b\n  b: 3\n", encoding="utf-8")
    assert read_yaml(path)["merged"] == {"a": 1, "b": 3}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("digital_take_up_target", {"min": 100, "max": 0}), "min must not be greater than max"),
        (("user_needs_evidence", {"max": 5}), "a bool question cannot have min or max"),
        (("user_needs_evidence", {"not_in_past": True}), "a bool question cannot be not_in_past"),
    ],
    ids=["min above max", "range on a yes/no", "not_in_past on a yes/no"],
)
def test_question_limits_must_fit_the_question(data_copy, change, problem):
    qid, fields = change
    edit(
        data_copy,
        "digital_options",
        lambda d: next(q for q in d["questions"] if q["id"] == qid).update(fields),
    )
    with pytest.raises(ChecklistDefinitionError, match=problem):
        load_unpublished(data_copy)
