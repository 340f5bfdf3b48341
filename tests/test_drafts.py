"""Web drafts: their owner can throw one away, a sent one stays, and the daily sweep deletes
drafts nobody has changed for `draft_retention_days`."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlmodel import col, select

from checklists.loader import registry
from checklists.yaml_files import read_yaml
from flows.remind import remind
from flows.runner import run_flow
from models.db import engine_for, session_scope
from models.draft import Draft
from models.submission import utcnow
from services.drafts import discard_stale_drafts
from services.submit import submit
from tests.conftest import ROOT
from tests.factories import submission_data
from tests.web_support import Browserless, Site


def draft_ids(url: str) -> list[int]:
    with session_scope(engine_for(url), read_only=True) as session:
        return [d.id or 0 for d in session.exec(select(Draft).order_by(col(Draft.id))).all()]


def test_the_owner_deletes_a_draft_from_the_submit_page(site: Site):
    client = Browserless(site)
    client.sign_in("iwan.parry")
    created = client.post("/submit", {"kind": "initiative", "dg": "EST"})
    draft_id = int(created.url.path.split("/")[2])
    page = client.get("/submit").text
    assert f'href="/drafts/{draft_id}/delete"' in page
    assert "A draft nobody changes for 28 days is deleted." in page

    someone_else = Browserless(site)
    someone_else.sign_in("huw.jenkins")
    assert someone_else.post(f"/drafts/{draft_id}/delete").status_code == 404
    assert someone_else.get(f"/drafts/{draft_id}/delete").status_code == 404
    assert draft_id in draft_ids(site.database_url)

    deleted = client.post(f"/drafts/{draft_id}/delete")
    assert deleted.url.path == "/submit" and deleted.status_code == 200
    assert draft_id not in draft_ids(site.database_url)
    assert f'href="/drafts/{draft_id}/delete"' not in deleted.text
    assert client.post(f"/drafts/{draft_id}/delete").status_code == 404  # gone: says so
    client.close()
    someone_else.close()


@pytest.fixture
def retention_days(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """The site keeps drafts this many days (the test's parameter) while the test runs."""
    from dfr.settings import get_settings

    monkeypatch.setenv("DFR_DRAFT_RETENTION_DAYS", str(request.param))
    get_settings.cache_clear()
    yield request.param
    monkeypatch.undo()
    get_settings.cache_clear()  # the module's site reads its own settings again


@pytest.mark.parametrize(
    ("retention_days", "english", "welsh"),
    [
        (1, "for 1 day is deleted.", "am 1 diwrnod ei ddileu."),
        (2, "for 2 days is deleted.", "am 2 ddiwrnod ei ddileu."),
        (3, "for 3 days is deleted.", "am 3 diwrnod ei ddileu."),
        (6, "for 6 days is deleted.", "am 6 diwrnod ei ddileu."),
        (28, "for 28 days is deleted.", "am 28 o ddiwrnodau ei ddileu."),
    ],
    indirect=["retention_days"],
)
def test_the_submit_page_says_how_long_a_draft_is_kept_in_each_language(
    site: Site, retention_days: int, english: str, welsh: str
):
    """Welsh mutates the noun after some numbers ("2 ddiwrnod", "5 niwrnod"): each number
    reads right in both languages, however many days the site keeps drafts."""
    pages = {}
    for language in ("en", "cy"):
        client = Browserless(site)
        client.sign_in("iwan.parry", language)
        client.post("/submit", {"kind": "initiative", "dg": "EST"})
        pages[language] = html.unescape(client.get("/submit").text)
        client.close()
    assert f"A draft nobody changes {english}" in pages["en"]
    assert f"Caiff drafft nad oes neb yn ei newid {welsh}" in pages["cy"]


def test_a_sent_draft_cannot_be_deleted(site: Site):
    client = Browserless(site)
    client.sign_in("iwan.parry")
    with session_scope(engine_for(site.database_url)) as session:
        data = read_yaml(ROOT / "examples" / "submissions" / "01-policy-no-digital-service.yaml")
        submission = submit(session, data, registry())
        draft = Draft(
            person_id="iwan.parry",
            kind="initiative",
            dg_code="EST",
            submission_id=submission.submission_id,
        )
        session.add(draft)
        session.flush()
        draft_id = draft.id or 0
    refused = client.post(f"/drafts/{draft_id}/delete")
    assert refused.status_code == 400 and "already been sent" in refused.text
    assert draft_id in draft_ids(site.database_url)
    client.close()


def _drafts_aged(engine, ages: dict[str, tuple[int, bool]]) -> dict[str, int]:
    """Drafts last changed `days` ago, sent or not; their ids by name."""
    ids = {}
    with session_scope(engine) as session:
        for name, (days, sent) in ages.items():
            submission_id = None
            if sent:
                submission_id = submit(session, submission_data(), registry()).submission_id
            draft = Draft(
                person_id="policy.est",
                kind="initiative",
                dg_code="EST",
                title_en=name,
                submission_id=submission_id,
                updated_at=utcnow() - timedelta(days=days),
            )
            session.add(draft)
            session.flush()
            ids[name] = draft.id or 0
    return ids


def test_drafts_unchanged_too_long_are_deleted_and_the_rest_kept(engine, people):
    ids = _drafts_aged(
        engine, {"stale": (29, False), "recent": (27, False), "sent long ago": (90, True)}
    )
    with session_scope(engine) as session:
        assert discard_stale_drafts(session, utcnow(), days=28) == 1
    with session_scope(engine, read_only=True) as session:
        kept = {d.id for d in session.exec(select(Draft)).all()}
    assert kept == {ids["recent"], ids["sent long ago"]}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_daily_sweep_deletes_stale_drafts_and_says_how_many(engine, people, monkeypatch):
    monkeypatch.setenv("DFR_DRAFT_RETENTION_DAYS", "10")
    from dfr.settings import get_settings

    get_settings.cache_clear()
    _drafts_aged(engine, {"old": (11, False), "new": (9, False)})
    result = run_flow(remind)
    assert result["drafts_discarded"] == 1
    assert run_flow(remind)["drafts_discarded"] == 0  # a second run finds none


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("days", "welsh"),
    [
        (1, "Drafftiau gwe heb eu newid am 1 diwrnod wedi'u dileu: 1."),
        (2, "Drafftiau gwe heb eu newid am 2 ddiwrnod wedi'u dileu: 1."),
        (3, "Drafftiau gwe heb eu newid am 3 diwrnod wedi'u dileu: 1."),
        (10, "Drafftiau gwe heb eu newid am 10 o ddiwrnodau wedi'u dileu: 1."),
    ],
)
def test_the_sweep_says_in_welsh_how_old_the_drafts_it_deleted_were(
    engine, people, monkeypatch, capsys, days, welsh
):
    """`dfr remind --now` in Welsh: the noun mutates after 2 ("2 ddiwrnod") and after 5, 10,
    12… ("deng niwrnod"), so any other number says "o ddiwrnodau"."""
    from dfr.cli.main import main
    from dfr.settings import get_settings

    monkeypatch.setenv("DFR_DRAFT_RETENTION_DAYS", str(days))
    get_settings.cache_clear()
    _drafts_aged(engine, {"old": (days + 1, False)})
    assert main(["--lang", "cy", "remind", "--now"]) == 0
    assert welsh in capsys.readouterr().out.splitlines()
