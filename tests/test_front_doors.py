"""One submission document through each front door — the CLI, the web form, the JSON API and
bulk intake — stores identical rows and decision-log entries: the doors only parse and present,
`services.submit` does the rest."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, text

from checklists.answers import to_json
from checklists.loader import registry
from checklists.yaml_files import read_yaml
from dfr.cli.main import main as dfr
from tests.test_bulk import snapshot
from tests.web_support import Browserless, Site, live_site

DOCUMENT = read_yaml(
    Path(__file__).resolve().parent.parent
    / "examples/submissions/04-procurement-framework-conditions.yaml"
)["submission"]
# Where a row came from, not what it is: which key made it idempotent (and the web's draft);
# and when and where each message was delivered.
DOOR_ONLY = {"intake_key", "intake_digest"}
DELIVERY = {"provider_ref", "sent_at"}
QUESTION_PAGE = re.compile(r"/drafts/(\d+)/questions/(\w+)/\d+$")


def _form_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(to_json(value))


def _checklist_form(checklist_id: str, answers: dict[str, Any]) -> dict[str, Any]:
    questions = {q.id: q for q in registry().get(checklist_id).definition.questions}
    form: dict[str, Any] = {}
    for qid, value in answers.items():
        if questions[qid].type == "date":
            year, month, day = str(value).split("-")
            form |= {f"{qid}-day": day, f"{qid}-month": month, f"{qid}-year": year}
        else:
            form[qid] = _form_value(value)
    return form


def _told(site: Site) -> None:
    """Wait for the page's own follow-up (after the response) to queue and deliver."""
    engine = create_engine(site.database_url)
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                statuses = conn.execute(text("SELECT status FROM notification")).scalars().all()
            if statuses and all(s == "delivered" for s in statuses):
                return
            time.sleep(0.1)
    finally:
        engine.dispose()
    raise AssertionError(f"the follow-up did not deliver: {statuses}")


def through_the_web_form(site: Site, tmp_path: Path) -> None:
    client = Browserless(site)
    client.sign_in(DOCUMENT["submitter"])
    client.get("/submit")
    page = client.post("/submit", {"kind": DOCUMENT["kind"], "dg": DOCUMENT["dg"]})
    about = {
        f"{part}_{lang}": DOCUMENT[part][lang]
        for part in ("title", "summary")
        for lang in ["cy", "en"]
    }
    page = client.post(page.url.path, about)
    while (found := QUESTION_PAGE.search(page.url.path)) is not None:
        answers = DOCUMENT["answers"].get(found.group(2), {})
        page = client.post(page.url.path, _checklist_form(found.group(2), answers))
        assert page.status_code == 200, page.text[-2000:]
    assert page.url.path.endswith("/check"), page.url
    done = client.post(page.url.path)
    assert done.url.path.endswith("/confirmation"), done.text[-2000:]
    client.close()
    _told(site)


def through_the_api(site: Site, tmp_path: Path) -> None:
    client = Browserless(site)
    client.sign_in(DOCUMENT["submitter"])
    made = client.client.post("/api/submissions", json=DOCUMENT)
    assert made.status_code == 201, made.text
    client.close()
    _told(site)


def through_the_cli(site: Site, tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_text(yaml.safe_dump({"submission": DOCUMENT}, allow_unicode=True), "utf-8")
    assert dfr(["submit", str(path)]) == 0


def through_bulk_intake(site: Site, tmp_path: Path) -> None:
    path = tmp_path / "import.jsonl"
    path.write_text(json.dumps(DOCUMENT) + "\n", "utf-8")
    assert dfr(["submit-many", str(path)]) == 0


DOORS = {
    "cli": through_the_cli,
    "web form": through_the_web_form,
    "json api": through_the_api,
    "bulk intake": through_bulk_intake,
}


@pytest.fixture
def stored_by_each_door(tmp_path_factory, sqlite_template) -> Iterator[dict[str, dict]]:
    stored = {}
    for name, door in DOORS.items():
        folder = tmp_path_factory.mktemp(name.replace(" ", "-"))
        with live_site(folder, sqlite_template) as site:
            door(site, folder)
            engine = create_engine(site.database_url)
            tables = snapshot(engine)
            engine.dispose()
        for transient in ("draft", "web_session", "sign_in_attempt"):  # the web's own
            tables.pop(transient)
        for row in tables["submission"]:
            for column in DOOR_ONLY:
                row.pop(column)
        for row in tables["notification"]:
            for column in DELIVERY:
                row.pop(column)
        stored[name] = tables
    yield stored


def test_every_front_door_stores_the_same_rows_and_log_entries(stored_by_each_door):
    cli = stored_by_each_door["cli"]
    assert len(cli["submission"]) == 1 and cli["decision_log"] and cli["notification"]
    for door, tables in stored_by_each_door.items():
        for table, rows in cli.items():
            for mine, theirs in zip(tables[table], rows, strict=False):
                assert mine == theirs, f"{door}: {table} differs from the CLI's"
            assert len(tables[table]) == len(rows), f"{door}: {table} differs from the CLI's"
