"""The checklist files are parsed once and then found by their bytes (`checklists.parsed_cache`):
a command shows what the files say now, never what they said when it last parsed them, and
gives exactly what parsing gives. The commands run in fresh interpreters, one after another,
as from a terminal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checklists.loader import load_registry, parse_yaml
from checklists.parsed_cache import ParsedFiles
from tests.conftest import ROOT

DATA = ROOT / "checklists" / "data"
LIST_CHECKLISTS = "import sys\nfrom dfr.cli.main import main\nsys.exit(main(sys.argv[1:]))"


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the shipped checklists with a draft version 4 of digital_options, and an
    empty var/ folder."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    draft = (data / "digital_options" / "v3.yaml").read_text(encoding="utf-8")
    draft = draft.replace("version: 3\nstatus: published", "version: 4\nstatus: draft")
    draft = draft.replace('en: "Digital options review"', 'en: "Draft review one"')
    (data / "digital_options" / "v4.yaml").write_text(draft, encoding="utf-8")
    (tmp_path / "var").mkdir()
    return data, tmp_path / "var"


def dfr(folders: tuple[Path, Path], *args: str) -> subprocess.CompletedProcess[str]:
    data, var = folders
    env = {**os.environ, "DFR_CHECKLISTS_DIR": str(data), "DFR_VAR_DIR": str(var)}
    return subprocess.run(
        [sys.executable, "-c", LIST_CHECKLISTS, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_checklist_changed_after_a_command_read_it_is_read_again(folders):
    data, var = folders
    first = dfr(folders, "checklists", "list")
    assert first.returncode == 0, first.stderr
    assert "digital_options v4 [draft]" in first.stdout and "Draft review one" in first.stdout
    assert (var / "cache" / "checklists.json").is_file()

    draft = data / "digital_options" / "v4.yaml"
    draft.write_text(
        draft.read_text(encoding="utf-8").replace("Draft review one", "Draft review two"),
        encoding="utf-8",
    )
    second = dfr(folders, "checklists", "list")
    assert second.returncode == 0, second.stderr
    assert "Draft review two" in second.stdout and "Draft review one" not in second.stdout


def test_a_published_version_changed_after_it_was_read_is_still_refused(folders):
    data, _var = folders
    assert dfr(folders, "checklists", "list").returncode == 0
    published = data / "digital_options" / "v3.yaml"
    original = published.read_text(encoding="utf-8")
    published.write_text(original.replace("Digital options review", "Changed"), encoding="utf-8")
    refused = dfr(folders, "checklists", "list")
    assert refused.returncode != 0
    assert "has been changed since publication" in refused.stderr
    published.write_text(original, encoding="utf-8")  # the same bytes again: as before
    assert dfr(folders, "checklists", "list").returncode == 0


def test_a_syntax_error_made_after_a_command_read_the_file_names_the_line(folders):
    data, _var = folders
    assert dfr(folders, "checklists", "list").returncode == 0
    (data / "digital_options" / "v4.yaml").write_text(
        "id: digital_options\nquestions: [\n  - id: x\n", encoding="utf-8"
    )
    refused = dfr(folders, "checklists", "list")
    assert refused.returncode != 0
    assert "v4.yaml is not valid YAML (line" in refused.stderr


def test_what_was_kept_gives_exactly_what_parsing_gives(tmp_path):
    kept = tmp_path / "checklists.json"
    parsed = ParsedFiles(kept, parse_yaml)
    from_files = load_registry(DATA, parsed=parsed)
    parsed.save()

    def no_parsing(path: Path) -> None:
        raise AssertionError(f"{path} was parsed again")

    from_cache = load_registry(DATA, parsed=ParsedFiles(kept, no_parsing))
    assert from_cache.thresholds == from_files.thresholds  # their dates too
    assert from_cache.checklists.keys() == from_files.checklists.keys()
    for key, checklist in from_files.checklists.items():
        assert from_cache.checklists[key].definition == checklist.definition
        assert from_cache.checklists[key].content_hash == checklist.content_hash


def test_an_unreadable_cache_is_ignored_and_replaced(tmp_path):
    kept = tmp_path / "checklists.json"
    kept.write_text("{not json", encoding="utf-8")
    parsed = ParsedFiles(kept, parse_yaml)
    assert load_registry(DATA, parsed=parsed).ids()
    parsed.save()
    assert json.loads(kept.read_text(encoding="utf-8"))["format"] == 1


def test_a_command_makes_no_var_folder_for_the_cache(folders):
    _data, var = folders
    shutil.rmtree(var)
    assert dfr(folders, "checklists", "list").returncode == 0
    assert not var.exists()
