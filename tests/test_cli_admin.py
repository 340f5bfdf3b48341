"""`dfr` refuses bad files, statuses, people and checklist versions as input errors: a clear
message, exit 2, and nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect

from checklists.loader import read_lock
from dfr.errors import PermissionDeniedError
from models.db import engine_for
from tests.conftest import ROOT
from tests.test_cli import counts, dfr


def test_export_to_a_folder_that_does_not_exist_is_refused(submitted, capsys, tmp_path):
    target = tmp_path / "no-such-folder" / "backup.jsonl"
    code, out, err = dfr(capsys, "export", str(target))
    assert code == 2
    assert f"Error: Folder not found: {target.parent}." in err
    assert "Internal error" not in err and out == ""
    assert not target.parent.exists()


def test_export_onto_a_folder_is_refused(submitted, capsys, tmp_path):
    code, _out, err = dfr(capsys, "export", str(tmp_path))
    assert code == 2 and "is a folder; give the name of a file to write" in err


def test_export_writes_the_whole_file(submitted, capsys, tmp_path):
    target = tmp_path / "backups" / "backup.jsonl"
    target.parent.mkdir()
    code, out, err = dfr(capsys, "export", str(target))
    assert code == 0, err
    rows = len(target.read_text(encoding="utf-8").splitlines()) - 1
    assert f"Exported {rows} rows to {target}." in out
    assert [p.name for p in target.parent.iterdir()] == ["backup.jsonl"]  # no partial file


def test_an_export_that_cannot_be_finished_leaves_no_file(submitted, capsys, tmp_path, monkeypatch):
    import errno

    import services.backup

    def disk_fills(_engine):
        yield json.dumps({"format": "dfr-export/1"})
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(services.backup, "export_lines", disk_fills)
    target = tmp_path / "backups" / "backup.jsonl"
    target.parent.mkdir()
    code, out, err = dfr(capsys, "export", str(target))
    assert code == 2 and out == ""
    assert f"Error: Cannot write {target}: No space left on device." in err
    assert list(target.parent.iterdir()) == []


NOT_EXPORTS = {
    "plain text": b"hello\n",
    "JSON but not an export": json.dumps(["format", "dfr-export/1"]).encode() + b"\n",
    "another format": json.dumps({"format": "other/1"}).encode() + b"\n",
    "not UTF-8": b"\xff\xfe\x00binary\n",
    "empty": b"",
}


@pytest.mark.parametrize("content", list(NOT_EXPORTS.values()), ids=list(NOT_EXPORTS))
def test_import_of_a_file_that_is_not_an_export_is_refused_and_changes_nothing(
    database_url, capsys, tmp_path, content
):
    """Refused before the schema is touched: the database stays as it was (here, empty)."""
    path = tmp_path / "not-an-export.jsonl"
    path.write_bytes(content)
    code, out, err = dfr(capsys, "import", str(path))
    assert code == 2, err
    assert f"{path} is not a dfr export: its first line does not say dfr-export/1." in err
    assert "Internal error" not in err and out == ""
    assert counts(database_url) == (0, 0)


def test_import_of_a_folder_is_refused(initialised, capsys, tmp_path):
    code, _out, err = dfr(capsys, "import", str(tmp_path))
    assert code == 2 and f"Cannot read {tmp_path}" in err


def test_import_into_a_new_database_file_creates_nothing_when_refused(
    capsys, tmp_path, monkeypatch
):
    database = tmp_path / "new.sqlite3"
    monkeypatch.setenv("DFR_DATABASE_URL", f"sqlite:///{database}")
    (tmp_path / "notes.txt").write_text("not an export\n", encoding="utf-8")
    code, _out, err = dfr(capsys, "import", str(tmp_path / "notes.txt"))
    assert code == 2 and "is not a dfr export" in err
    assert (
        not database.exists() or not inspect(engine_for(f"sqlite:///{database}")).get_table_names()
    )


def test_notifications_list_refuses_an_unknown_status(initialised, capsys):
    code, out, err = dfr(capsys, "notifications", "list", "--status", "lost")
    assert code == 2 and out == ""
    assert (
        "Unknown notification status lost; use one of: pending, sending, delivered, failed." in err
    )


def test_tasks_for_an_unknown_person_says_which_option_to_check(initialised, capsys):
    code, out, err = dfr(capsys, "tasks", "--assignee", "nobody.here")
    assert code == 2 and out == ""
    assert err.strip() == "Error: Unknown person nobody.here. Check the id given with --assignee."
    code, _out, err = dfr(capsys, "--lang", "cy", "tasks", "--assignee", "nobody.here")
    assert "Gwiriwch yr id a roddwyd gyda --assignee." in err


def test_a_refusal_about_the_actor_points_at_the_as_option(submitted, capsys, monkeypatch):
    """The domain's message is neutral; the CLI names its own option."""
    import services.decide

    def refuses(*_args, **_kwargs):
        raise PermissionDeniedError("Unknown person no.one.", field="actor")

    monkeypatch.setattr(services.decide, "record_decision", refuses)
    before = counts(submitted)
    code, _out, err = dfr(
        capsys, "decide", "1", "--stage", "digital_options_review", "--outcome", "approve",
        "--rationale", "x", "--as", "no.one",
    )  # fmt: skip
    assert code == 2
    assert err.strip() == "Error: Unknown person no.one. Check the id given with --as."
    assert counts(submitted) == before


def test_init_with_a_bad_directory_file_changes_nothing(initialised, capsys, tmp_path):
    path = tmp_path / "people.yaml"
    path.write_text(yaml.safe_dump({"people": [], "teams": []}), encoding="utf-8")
    before = counts(initialised)
    code, out, err = dfr(capsys, "init", "--directory", str(path))
    assert code == 2 and out == ""
    assert "unknown section(s) teams; expected directorates and people" in err
    assert counts(initialised) == before


@pytest.fixture
def checklists_copy(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "checklists"
    shutil.copytree(ROOT / "checklists" / "data", folder)
    monkeypatch.setenv("DFR_CHECKLISTS_DIR", str(folder))
    return folder


def add_version_4(folder: Path, status: str, title: str = "Digital options v4") -> None:
    data = yaml.safe_load((folder / "digital_options" / "v3.yaml").read_text(encoding="utf-8"))
    data.update(version=4, status=status)
    data["title"]["en"] = title
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (folder / "digital_options" / "v4.yaml").write_text(text, encoding="utf-8")


def test_publishing_a_draft_is_refused_and_the_lock_is_unchanged(checklists_copy, capsys):
    add_version_4(checklists_copy, "draft")
    lock = read_lock(checklists_copy)
    code, out, err = dfr(capsys, "checklists", "publish", "digital_options", "4")
    assert code == 2 and out == ""
    assert "Set `status: published` in" in err and "v4.yaml first." in err
    assert read_lock(checklists_copy) == lock


def test_publishing_records_the_hash_and_a_changed_version_is_refused(checklists_copy, capsys):
    add_version_4(checklists_copy, "published")
    code, out, err = dfr(capsys, "checklists", "publish", "digital_options", "4")
    assert code == 0, err
    lock = read_lock(checklists_copy)
    assert out.strip() == f"Published digital_options@4 ({lock['digital_options@4'][:12]})."
    add_version_4(checklists_copy, "published", title="Digital options, reworded")
    code, out, err = dfr(capsys, "checklists", "publish", "digital_options", "4")
    assert code == 2 and out == ""
    assert "digital_options@4 was already published with different content" in err
    assert read_lock(checklists_copy) == lock
