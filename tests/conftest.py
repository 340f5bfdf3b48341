"""Shared fixtures: a real SQLite file and a real PostgreSQL database, both migrated by Alembic.

PostgreSQL is never skipped: if the server at 127.0.0.1:5432 is unreachable the tests fail.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from notifications.delivery import DeliveryReport
    from tests.web_support import Site

from checklists.loader import Registry, registry
from dfr.i18n import set_language
from dfr.settings import get_settings
from harness import scratch
from harness.fakes.slack import TOKEN, FakeSlack, FakeSlackServer
from harness.fakes.smtp import Mailbox, SmtpServer
from models.db import dispose_engine, engine_for, make_engine, session_scope
from models.migrate import upgrade
from models.tables import load_every_table

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated to head, dropped afterwards."""
    try:
        names = scratch.create_databases("dfr_test")
    except psycopg.OperationalError as err:  # fail, never skip
        pytest.fail(f"PostgreSQL is required for the tests and is unreachable: {err}")
    url = scratch.url_of(names[0])
    try:
        upgrade(url)
        yield url
    finally:
        dispose_engine(url)
        scratch.drop_databases(names)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


_PG_RESET: dict[str, str] = {}


def _pg_reset_statement(engine: Engine) -> str:
    """One script that empties every table of the database but Alembic's (with triggers and
    foreign-key checks off for the session, so the order does not matter), restarts every
    sequence and puts the log back at its start. DELETE on mostly empty tables is far faster than
    TRUNCATE, which makes new files for each of them (about 0.25 s a test)."""
    key = engine.url.render_as_string(hide_password=False)
    if key not in _PG_RESET:
        with engine.connect() as conn:
            tables = conn.execute(
                text(
                    "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version' ORDER BY tablename"
                )
            ).scalars()
            deletes = [f"DELETE FROM {t};" for t in tables]
            sequences = conn.execute(
                text(
                    "SELECT quote_literal(quote_ident(sequencename)) FROM pg_sequences "
                    "WHERE schemaname = 'public'"
                )
            ).scalars()
            restarts = ", ".join(f"setval({s}, 1, false)" for s in sequences)
        _PG_RESET[key] = "\n".join(
            [
                "SET LOCAL session_replication_role = replica;",
                *deletes,
                f"SELECT {restarts};" if restarts else "",
                "INSERT INTO decision_log_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));",
            ]
        )
    return _PG_RESET[key]


def _truncate_all(engine: Engine) -> None:
    script = _pg_reset_statement(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(script)


def empty_database(engine: Engine) -> None:
    """Back to a fresh, migrated database: no rows, ids start again at 1, the log at its start."""
    if engine.dialect.name == "postgresql":
        _truncate_all(engine)
        return
    with engine.begin() as conn:
        for table in reversed(load_every_table().sorted_tables):
            conn.execute(table.delete())
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first():
            conn.execute(text("DELETE FROM sqlite_sequence"))
        conn.execute(
            text("INSERT INTO decision_log_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": "0" * 64}
        )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """An empty, migrated database of each kind, set as DFR_DATABASE_URL for the test."""
    if request.param == "sqlite":
        path = tmp_path / "dfr.sqlite3"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_database")
        _truncate_all(engine_for(url))
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("DFR_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    if request.param == "sqlite":
        dispose_engine(url)


@pytest.fixture
def engine(database_url: str) -> Engine:
    return engine_for(database_url)


@pytest.fixture(scope="session")
def checklist_registry() -> Registry:
    return registry(ROOT / "checklists" / "data")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def fresh_sqlite(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite engine on an empty (unmigrated) file."""
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    yield engine
    engine.dispose()


@pytest.fixture
def people(engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    """The test directory of DGs and people loaded; notifications go to a temporary outbox."""
    from tests.factories import load_people

    monkeypatch.setenv("DFR_OUTBOX_DIR", str(tmp_path / "outbox"))
    get_settings.cache_clear()
    load_people(engine)
    return engine


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Site]:
    """The web app on a free loopback port over a fresh database with the example directory,
    one per test module."""
    from tests.web_support import live_site

    with live_site(tmp_path_factory.mktemp("web"), sqlite_template) as running:
        yield running


@pytest.fixture(scope="module")
def examples_site(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Site]:
    """The web app over a database holding every example submission, each through its
    scripted review steps (one per test module)."""
    from services.scenarios import run_scenario
    from tests.web_support import live_site

    with live_site(tmp_path_factory.mktemp("examples"), sqlite_template) as running:
        engine = engine_for(running.database_url)
        for path in sorted((ROOT / "examples" / "submissions").glob("*.yaml")):
            run_scenario(engine, registry(ROOT / "checklists" / "data"), path)
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium, one per test module: while Playwright's synchronous API is
    open, its event loop counts as running in this thread, and a later test that starts one
    of its own (`asyncio.run`: a Prefect flow) would fail, so it is closed after each module
    that uses it rather than kept for the whole session."""
    from tests.browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture
def initialised(database_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """`dfr init` run on an empty database (the demo directory loaded); its URL."""
    from dfr.cli.main import main

    assert main(["init"]) == 0
    assert "7 DGs" in capsys.readouterr().out
    return database_url


@pytest.fixture
def submitted(initialised: str, capsys: pytest.CaptureFixture[str]) -> str:
    """`initialised`, then example 01 submitted with `dfr submit` (it is DFR-00001)."""
    from dfr.cli.main import main

    example = ROOT / "examples" / "submissions" / "01-policy-no-digital-service.yaml"
    assert main(["submit", str(example)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    return initialised


# -- notifications through a real local SMTP server and a fake Slack Web API over HTTP ----------


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    state = FakeSlack(users={"U0POLEST", "U0DLEST", "U0CMEST"}, channels={"C0EST0001"})
    with FakeSlackServer(state) as running:
        yield running


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with SmtpServer(Mailbox()) as box:
        yield box


def wire_notifications(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    slack: FakeSlack,
    mailbox: Mailbox,
    **more: str,
) -> None:
    """Settings that send notifications to `slack` and `mailbox` (and the outbox under
    `tmp_path`), retrying at once; `more` adds DFR_ settings."""
    for key, value in {
        "DFR_SLACK_TOKEN": TOKEN,
        "DFR_SLACK_API_URL": slack.url,
        "DFR_SMTP_HOST": "127.0.0.1",
        "DFR_SMTP_PORT": str(mailbox.port),
        "DFR_NOTIFY_BACKOFF_SECONDS": "0.01",
        **more,
        "DFR_OUTBOX_DIR": str(tmp_path / "outbox"),
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()


def tell(engine: Engine, registry: Registry, submission_id: int) -> DeliveryReport:
    """Queue submission `submission_id`'s notifications and deliver them (with the settings
    `wire_notifications` made) until none is pending; what the delivery reports."""
    from notifications.delivery import build_channels, deliver_until_settled
    from notifications.queue import queue_for_submission

    settings = get_settings()
    with session_scope(engine) as session:
        queue_for_submission(session, submission_id, registry, settings)
    return deliver_until_settled(engine, build_channels(settings), settings, submission_id)
