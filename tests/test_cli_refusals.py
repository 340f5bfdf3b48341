"""Input that `dfr` used to accept, or met with "Internal error": each is now refused with a
message saying what was wrong and what to do (exit 2), and the database file is left exactly as
it was (or never created)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from dfr.cli.main import main
from dfr.settings import get_settings
from models.db import dispose_engine
from tests.conftest import ROOT
from tests.test_cli import dfr

EXAMPLE = ROOT / "examples" / "submissions" / "09-discovery-obligation.yaml"


def database_files(path: Path) -> dict[str, bytes]:
    """The bytes of a SQLite database and its write-ahead log, to compare before and after."""
    return {
        p.name: p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
    }


@pytest.fixture
def sqlite_file(tmp_path: Path, sqlite_template: Path, monkeypatch, capsys) -> Iterator[Path]:
    """A SQLite file prepared by `dfr init` (SQLite alone: its bytes are compared)."""
    path = tmp_path / "dfr.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DFR_DATABASE_URL", url)
    monkeypatch.setenv("DFR_OUTBOX_DIR", str(tmp_path / "outbox"))
    get_settings.cache_clear()
    assert main(["init"]) == 0
    capsys.readouterr()
    yield path
    dispose_engine(url)
    get_settings.cache_clear()


def example_text() -> str:
    return yaml.safe_dump(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), allow_unicode=True)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            "gives wet_ink_signature twice, on line {first} and on line {second}; only one "
            "can count. Keep the one you mean and delete the other.",
        ),
        (
            "cy",
            "yn rhoi wet_ink_signature ddwywaith, ar linell {first} ac ar linell {second}; "
            "dim ond un all gyfrif.",
        ),
    ],
)
def test_a_submission_file_giving_an_answer_twice_is_refused_naming_both_lines(
    sqlite_file, capsys, tmp_path, language, words
):
    lines = example_text().splitlines()
    first = next(n for n, line in enumerate(lines, 1) if "wet_ink_signature: false" in line)
    lines.insert(first - 1, lines[first - 1].replace("false", "true"))  # true, then false
    path = tmp_path / "twice.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = database_files(sqlite_file)
    code, out, err = dfr(capsys, "--lang", language, "submit", str(path))
    assert code == 2 and out == ""
    assert words.format(first=first, second=first + 1) in err
    assert database_files(sqlite_file) == before


def test_directory_and_ratings_files_giving_a_key_twice_are_refused(sqlite_file, capsys, tmp_path):
    people = tmp_path / "people.yaml"
    people.write_text(
        "people:\n  - id: a.person\n    name: A Person\n    name: Another Name\n",
        encoding="utf-8",
    )
    before = database_files(sqlite_file)
    code, _out, err = dfr(capsys, "init", "--directory", str(people))
    assert code == 2
    assert "gives name twice, on line 3 and on line 4" in err
    ratings = tmp_path / "ratings.yaml"
    ratings.write_text("w01: green\nw02: amber\nw01: red\n", encoding="utf-8")
    code, _out, err = dfr(
        capsys,
        "decide", "1", "--stage", "service_assessment", "--outcome", "green",
        "--rationale", "x", "--as", "nobody", "--ratings-file", str(ratings),
    )  # fmt: skip
    assert code == 2
    assert "gives w01 twice, on line 1 and on line 3" in err
    assert database_files(sqlite_file) == before


# The newest migration: what this version of dfr needs.
HEAD = max(p.name[:4] for p in (ROOT / "migrations" / "versions").glob("0*.py"))


def copy_with_an_old_schema(path: Path) -> None:
    shutil.copy(path.parent.parent / "ready.sqlite3", path)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '0003'")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


@pytest.mark.parametrize(
    ("prepare", "english", "welsh"),
    [
        (
            lambda path: path.write_bytes(b""),
            "is not set up for dfr yet. Run `dfr init` to set it up, or check DFR_DATABASE_URL.",
            "heb ei baratoi ar gyfer dfr eto. Rhedwch `dfr init` i'w baratoi, neu gwiriwch "
            "DFR_DATABASE_URL.",
        ),
        (
            lambda path: None,  # no file at all
            "is not set up for dfr yet. Run `dfr init` to set it up",
            "heb ei baratoi ar gyfer dfr eto. Rhedwch `dfr init` i'w baratoi",
        ),
        (
            copy_with_an_old_schema,
            "has not been migrated to this version of dfr (it is at schema revision 0003; this "
            f"version needs {HEAD}). Run `dfr db upgrade` to migrate it.",
            "heb ei mudo i'r fersiwn hon o dfr (mae ar adolygiad sgema 0003; mae ar y fersiwn "
            f"hon angen {HEAD}). Rhedwch `dfr db upgrade` i'w mudo.",
        ),
        (
            lambda path: path.write_bytes(b"not a database at all\n" * 100),
            "is not a database dfr can use. Check DFR_DATABASE_URL.",
            "yn gronfa ddata y gall dfr ei defnyddio. Gwiriwch DFR_DATABASE_URL.",
        ),
    ],
    ids=["an empty file", "no file", "an older schema", "not a database"],
)
def test_a_command_on_a_database_dfr_init_has_not_prepared_says_what_to_run(
    tmp_path, sqlite_template, monkeypatch, capsys, prepare, english, welsh
):
    shutil.copy(sqlite_template, tmp_path / "ready.sqlite3")
    folder = tmp_path / "var"
    folder.mkdir()
    path = folder / "dfr.sqlite3"
    prepare(path)
    before = path.read_bytes() if path.exists() else None
    monkeypatch.setenv("DFR_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    for language, words in (("en", english), ("cy", welsh)):
        for command in (["tasks"], ["submit", str(EXAMPLE)], ["show", "1"], ["audit", "verify"]):
            code, out, err = dfr(capsys, "--lang", language, *command)
            assert code == 2, (command, err)
            assert words in err and "Internal error" not in err
            assert out == ""
    dispose_engine(f"sqlite:///{path}")  # SQLite's own -wal and -shm files go with it
    get_settings.cache_clear()
    assert (path.read_bytes() if path.exists() else None) == before  # never created


def test_notifications_with_an_unknown_status_or_id_are_refused_naming_what_is_allowed(
    sqlite_file, capsys
):
    before = database_files(sqlite_file)
    code, out, err = dfr(capsys, "notifications", "list", "--status", "bogus")
    assert code == 2 and out == ""
    assert (
        "Unknown notification status bogus; use one of: pending, sending, delivered, failed." in err
    )
    code, out, err = dfr(capsys, "notifications", "retry", "does-not-exist")
    assert code == 2 and out == ""
    assert (
        "No notification does-not-exist. Give the id of a failed notification, as listed with "
        "its status. List the failed ones with `dfr notifications list --status failed`."
    ) in err
    assert database_files(sqlite_file) == before


def test_retrying_a_notification_that_has_not_failed_is_refused(sqlite_file, capsys):
    assert main(["submit", str(EXAMPLE)]) == 0
    capsys.readouterr()
    code, out, _err = dfr(capsys, "notifications", "list", "--status", "delivered")
    sent = out.split()[0]
    before = database_files(sqlite_file)
    code, out, err = dfr(capsys, "--lang", "cy", "notifications", "retry", sent)
    assert code == 2 and out == ""
    assert f"Nid yw hysbysiad {sent} wedi methu" in err
    assert database_files(sqlite_file) == before


BROKEN_YAML = [
    # (the file, words of the English message, words of the Welsh one)
    (
        "submission:\n  title: [unclosed\n",
        "a list in square brackets is not closed: add the missing ]",
        "nid yw rhestr mewn cromfachau sgwâr wedi'i chau",
    ),
    (
        "submission:\n\tkind: initiative\n",
        "a tab is used for indenting: YAML indents with spaces only",
        "defnyddir tab i fewnoli",
    ),
    (
        "submission:\n  title: Plan: phase two\n",
        "a colon is not allowed here",
        "ni chaniateir colon yma",
    ),
    (
        'submission:\n  title: "C:\\qdrive"\n',
        "\\q is not an escape that double quotes know",
        "nid yw \\q yn ddihangiad",
    ),
    (
        "submission: {kind: initiative\n",
        "a mapping in curly brackets is not closed: add the missing closing bracket",
        "nid yw mapiad mewn cromfachau cyrliog wedi'i gau",
    ),
    (
        "submission:\n  title: *nope\n",
        "*nope refers to an anchor &nope that the file does not define",
        "mae *nope yn cyfeirio at angor &nope",
    ),
    (
        'submission:\n  title: "never closed\n',
        "a quoted text is not closed: add the missing quotation mark",
        "nid yw testun mewn dyfynodau wedi'i gau",
    ),
]


@pytest.mark.parametrize(("text", "english", "welsh"), BROKEN_YAML)
def test_a_yaml_syntax_error_is_explained_in_the_reader_s_language(
    sqlite_file, capsys, tmp_path, text, english, welsh
):
    """PyYAML's English problem never reaches a Welsh message; each says how to fix it."""
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    before = database_files(sqlite_file)
    code, out, err = dfr(capsys, "submit", str(path))
    assert code == 2 and english in err
    code, out, err = dfr(capsys, "--lang", "cy", "submit", str(path))
    assert code == 2 and out == ""
    assert welsh in err and "Cywirwch y gystrawen" in err
    assert english not in err
    for pyyaml_words in ("expected", "found", "mapping values", "but got", "token"):
        assert pyyaml_words not in err
    assert database_files(sqlite_file) == before
