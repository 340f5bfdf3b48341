"""`dfr run`: the embedded engine — a local Prefect server under ./var/prefect, the example
submissions run through real flow runs, notifications written to the outbox folder — and the
other long-running or scheduled commands: `demo`, `remind`, `serve`, `web`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dfr.cli import telling
from dfr.cli.app import app, checklist_registry, say
from dfr.errors import DfrError, ValidationError
from dfr.i18n import _, _n

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from dfr.settings import Settings


@contextmanager
def prefect_server(
    var_dir: Path, port: int, timeout: float = 180.0, database_url: str | None = None
) -> Iterator[str]:
    """Start `prefect server start` on loopback and yield its API URL; stop it afterwards.

    `database_url` (e.g. `postgresql+asyncpg://user@host/prefect`) puts the server's own
    database on PostgreSQL, as in production; by default it is SQLite under `var_dir`."""
    from dfr.processes import answers, stop

    home = var_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home.resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_URL": url,
    }
    if database_url:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url
    log = (var_dir / "prefect-server.log").open("ab")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own session: a Ctrl-C or SIGTERM meant for `dfr run` must not stop the server
        # before the scheduler has paused its deployments on it; `stop` ends it afterwards.
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while not answers(f"{url}/health"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise DfrError(
                    _(
                        "The Prefect server did not start; see {log}.",
                        log=str(var_dir / "prefect-server.log"),
                    )
                )
            time.sleep(0.5)
        yield url
    finally:
        stop(server)
        log.close()


def quiet_prefect_console() -> None:
    """Prefect's own lines on the console at warnings and above: every flow run's INFO lines
    would bury what a person came to see (the runs are all in the Prefect UI, which still gets
    them). A PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL set by the person wins."""
    if "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL" in os.environ:
        return
    os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "WARNING"
    from prefect.logging.configuration import setup_logging

    setup_logging(incremental=False)


@app.command("run")
def run_engine(
    port: Annotated[int, typer.Option("--port", help="Port for the local Prefect server.")] = 4200,
    stay: Annotated[
        bool, typer.Option("--stay/--no-stay", help="Keep serving after the examples.")
    ] = True,
) -> None:
    """Start the embedded engine: a local Prefect server, the examples through real flow runs,
    notifications to the outbox, and the web UI. Ctrl-C stops it."""
    from dfr.settings import get_settings

    quiet_prefect_console()
    settings = get_settings()
    # SIGTERM stops it as Ctrl-C does, whenever it comes: the web UI, then the server, stop in
    # turn (while the scheduler serves, Prefect's own handler stops it gracefully first).
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        _run_engine(settings, port, stay)
    except KeyboardInterrupt:
        say(_("Stopped."))
    except SystemExit as exit_:
        # Prefect's scheduler exits (code 0) on a SIGTERM that comes while it is still starting,
        # after its own handler replaced ours: stopped all the same, web UI and server with it.
        if exit_.code not in (None, 0):
            raise
        say(_("Stopped."))


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _run_engine(settings: Settings, port: int, stay: bool) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from dfr.web.server import web_process

    with prefect_server(settings.var_dir, port) as url, temporary_settings({PREFECT_API_URL: url}):
        say(_("Prefect server: {url} (UI at {ui})", url=url, ui=url.removesuffix("/api")))
        demo(settings.examples_dir / "submissions")
        say(_("Notifications are in {folder}.", folder=str(settings.outbox_dir)))
        if not stay:
            return
        with web_process(settings, {"PREFECT_API_URL": url}):  # it says where it listens
            _say_demo_sign_in()
            say(_("Engine running, serving the scheduled deployments. Press Ctrl-C to stop."))
            from prefect import serve

            from flows.deployments import deployments

            serve(*deployments(), print_starting_message=False)  # returns once stopped
            say(_("Stopped."))


def _say_demo_sign_in() -> None:
    from dfr.settings import get_settings
    from dfr.web.auth import demo_password

    settings = get_settings()
    if settings.web_auth == "demo":
        say(
            _(
                "Sign in as any person from examples/people.yaml with the password "
                "{password} (kept in {file}).",
                password=demo_password(settings),
                file=str(settings.var_dir / "web-demo-password"),
            )
        )


@app.command()
def demo(
    folder: Annotated[
        Path | None,
        typer.Argument(help="Folder of example scenarios (default: the shipped examples)."),
    ] = None,
) -> None:
    """Run every example scenario through the engine and print its route and outcome."""
    from dfr.cli import render
    from dfr.settings import get_settings
    from models.db import default_engine, session_scope
    from models.queries import submission_detail
    from services.scenarios import run_scenario

    folder = folder or get_settings().examples_dir / "submissions"
    registry = checklist_registry()
    engine = default_engine()
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ValidationError(_("No scenario files (*.yaml) in {folder}.", folder=str(folder)))
    for path in files:
        result = run_scenario(engine, registry, path, after=_tell_people)
        with session_scope(engine, read_only=True) as session:
            s = submission_detail(session, result.submission_id).submission
        say(f"\n== {path.name}")
        if result.route is None:
            say(_("Already loaded as {reference}.", reference=s.reference))
        else:
            say(render.submitted_lines(s, result.route, registry))
        for step in result.steps:
            say("  → " + step)
        say(_("Outcome: {state}", state=render.state_name(s.state)))
    _load_demo_register(engine)
    _draft_demo_progress_report(engine)


def _load_demo_register(engine: Engine) -> None:
    """The demo register of services and its returns (examples/register/), if shipped."""
    from dfr.settings import get_settings
    from services.register_examples import load_register_examples

    loaded = load_register_examples(engine, get_settings().examples_dir / "register")
    if loaded is not None:
        say(
            "\n"
            + _(
                "Register of services: {added} added, {changed} changed; returns: {recorded} "
                "recorded, {corrected} corrected.",
                added=loaded.services.added,
                changed=loaded.services.changed,
                recorded=loaded.returns.recorded,
                corrected=loaded.returns.corrected,
            )
        )


def _draft_demo_progress_report(engine: Engine) -> None:
    """The draft progress report of the last complete quarter, as the schedule makes it (its
    figures only: the CoE previews and publishes it on /progress/manage)."""
    from models.db import session_scope
    from models.quarter import Quarter
    from models.working_days import london_today
    from services.progress_reports import generate

    quarter = Quarter.last_complete(london_today())
    with session_scope(engine) as session:
        done = generate(session, quarter, None, checklist_registry())
    if done.published:
        say(_("The progress report for {quarter} is already published.", quarter=str(quarter)))
    else:
        say(
            _(
                "Draft progress report for {quarter}: preview and publish it on "
                "/progress/manage, or write it out with `dfr progress save`.",
                quarter=str(quarter),
            )
        )


def _tell_people(submission_id: int) -> None:
    telling.say_how_it_went(telling.tell_people([submission_id], "a demo step"), report=False)


@app.command("remind")
def remind_cmd(
    now: Annotated[bool, typer.Option("--now", help="Run the reminder sweep once, now.")] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="Sweep as if it were this date (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Send the reminders and escalations that are due (the scheduled sweep, by hand)."""
    from dfr.settings import get_settings
    from flows.remind import remind
    from flows.runner import run_flow

    if not now and not today:
        raise ValidationError(_("Use --now to run the sweep (or --today DATE to replay a day)."))
    if today:
        try:
            date.fromisoformat(today)
        except ValueError:
            raise ValidationError(_("--today must be a date like 2027-01-31.")) from None
    result = run_flow(remind, today=today)
    chased, queued = result["submissions"], result["queued"]
    say(
        _(
            "Reminders: {chased}, {queued}.",
            chased=_n(
                "{count} submission chased", "{count} submissions chased", chased, count=chased
            ),
            queued=_n("{count} message queued", "{count} messages queued", queued, count=queued),
        )
    )
    if result.get("acknowledged"):
        say(
            _n(
                "{count} submission nobody had opened in 2 working days acknowledged to its "
                "submitter.",
                "{count} submissions nobody had opened in 2 working days acknowledged to their "
                "submitters.",
                result["acknowledged"],
                count=result["acknowledged"],
            )
        )
    say(telling.delivery_line(telling.FollowUp(report=result)))
    if result.get("drafts_discarded"):
        days = get_settings().draft_retention_days
        say(
            _n(
                "Web drafts unchanged for {days} day deleted: {count}.",
                "Web drafts unchanged for {days} days deleted: {count}.",
                days,
                days=days,
                count=result["drafts_discarded"],
            )
        )


@app.command("serve")
def serve_cmd() -> None:
    """Serve the scheduled deployments (reminder sweep, weekly digest, delivery retries) until
    stopped. Needs a Prefect API (PREFECT_API_URL), e.g. the one `dfr run` starts."""
    from prefect import serve

    from flows.deployments import deployments
    from flows.runner import prefect_configured

    if not prefect_configured():
        raise ValidationError(
            _("Set PREFECT_API_URL to a Prefect server (or use `dfr run`) before `dfr serve`.")
        )
    serve(*deployments())


@app.command("web")
def web_cmd() -> None:
    """Serve the web UI (DFR_WEB_HOST:DFR_WEB_PORT) until stopped; in production run it behind
    a reverse proxy with DFR_WEB_AUTH=header."""
    from dfr.settings import get_settings
    from dfr.web.server import check_start, serve_web
    from models.db import default_engine

    settings = get_settings()
    check_start(settings)
    default_engine()  # before anything listens: a database not set up is refused here
    say(_("Web UI: http://{host}:{port}", host=settings.web_host, port=settings.web_port))
    serve_web(settings)
