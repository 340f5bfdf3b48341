"""`dfr`: submit, review and audit from the command line. Exit 0 ok, non-zero with a message."""

from __future__ import annotations

import logging
import os
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import col, select

from checklists.loader import (
    Registry,
    configured_folder,
    load_registry,
    lock_key,
    read_lock,
    read_yaml,
    write_lock,
)
from dfr.cli import follow_up, render
from dfr.cli.engine import prefect_server
from dfr.cli.scenarios import parse_conditions, parse_ratings, run_scenario
from dfr.errors import DfrError, IntegrityError, NotFoundError, ValidationError
from dfr.i18n import _, get_language, set_language
from dfr.settings import get_settings
from flows.deliver import deliver
from flows.remind import remind
from flows.runner import run_flow
from models.audit_check import verify_all
from models.db import default_engine, refresh_statistics, session_scope
from models.directory import Person
from models.migrate import upgrade
from models.notification import Notification
from models.queries import open_tasks, parse_reference, submission_detail
from notifications.delivery import retry_failed
from services.backup import export_lines, import_lines
from services.decide import DecisionRequest, record_decision
from services.directory import load_directory, parse_directory
from services.intake import resubmit, withdraw
from services.reassign import delegate, reassign

log = logging.getLogger("dfr")

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Digital-first review: checklists, reviews, assessments and a tamper-evident log.",
)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
audit_app = typer.Typer(no_args_is_help=True, help="The tamper-evident decision log.")
checklists_app = typer.Typer(no_args_is_help=True, help="Checklist definitions.")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(checklists_app, name="checklists")
notifications_app = typer.Typer(no_args_is_help=True, help="Notifications and their delivery.")
app.add_typer(notifications_app, name="notifications")


def _say(lines: list[str] | str) -> None:
    typer.echo("\n".join(lines) if isinstance(lines, list) else lines)


def _registry() -> Registry:
    from checklists.loader import registry

    return registry()


@app.callback()
def _options(
    lang: Annotated[
        str | None, typer.Option("--lang", help="Output language: cy (Cymraeg) or en (English).")
    ] = None,
) -> None:
    chosen = lang or get_settings().language
    if chosen not in ("cy", "en"):
        raise ValidationError(
            f"--lang must be cy or en, not {chosen!r}. / "
            f"Rhaid i --lang fod yn cy neu en, nid {chosen!r}."
        )
    set_language(chosen)  # type: ignore[arg-type]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version (Alembic)."""
    settings = get_settings()
    upgrade(settings.database_url)
    _say(_("Database is up to date: {url}", url=settings.safe_database_url()))


@app.command()
def init(
    directory: Annotated[
        list[Path] | None, typer.Option("--directory", help="YAML file(s) of DGs and people.")
    ] = None,
) -> None:
    """Create the database and load DGs and people (default: the demo data in examples/)."""
    settings = get_settings()
    files = directory or [
        settings.examples_dir / "directorates.yaml",
        settings.examples_dir / "people.yaml",
    ]
    merged: dict[str, list[object]] = {"directorates": [], "people": []}
    for path in files:
        data = read_yaml(path) or {}
        if not isinstance(data, dict):
            raise ValidationError(
                _("{file} must be a mapping with directorates and/or people.", file=str(path))
            )
        for key in merged:
            merged[key] += data.get(key) or []
        unknown = set(data) - set(merged)
        if unknown:
            raise ValidationError(
                _(
                    "{file}: unknown section(s) {sections}; expected directorates and people.",
                    file=str(path),
                    sections=", ".join(sorted(unknown)),
                )
            )
    parsed = parse_directory(merged)
    _registry()  # fail fast on a broken checklist before touching the database
    upgrade(settings.database_url)
    with session_scope() as session:
        dgs, people = load_directory(session, parsed)
    refresh_statistics(default_engine())
    _say(
        _(
            "Ready: {url} with {dgs} DGs and {people} people.",
            url=settings.safe_database_url(),
            dgs=dgs,
            people=people,
        )
    )


@app.command("submit")
def submit_cmd(file: Annotated[Path, typer.Argument(help="Submission YAML file.")]) -> None:
    """Validate and store a submission, then print the route it will take."""
    registry = _registry()
    data = read_yaml(file)
    route = follow_up.preview(data, registry)  # bad input stops here, before any flow starts
    submission = follow_up.intake_and_deliver(data)
    _say(render.submitted_lines(submission, route, registry))


@app.command("submit-many")
def submit_many_cmd(
    file: Annotated[
        Path,
        typer.Argument(help="JSON-lines file: one submission per line, in JSON."),
    ],
    from_line: Annotated[
        int,
        typer.Option("--from-line", help="Start at this line (to resume after a bad line)."),
    ] = 1,
) -> None:
    """Store and route many submissions from a JSON-lines file (an import from another system),
    500 to a transaction; a bad line stops the import and says where to resume."""
    from flows.intake import intake_many
    from flows.start import start_delivery

    if not file.is_file():
        raise NotFoundError(_("File not found: {file}. Check the path.", file=str(file)))
    if from_line < 1:
        raise ValidationError(_("--from-line must be 1 or more (the file's first line is 1)."))
    _registry()  # fail fast on a broken checklist before reading the file
    try:
        stored = run_flow(intake_many, path=str(file.resolve()), from_line=from_line)
    except Exception:
        # What was stored before a bad line is delivered all the same; a failure to deliver
        # (retried later by the scheduled delivery) must not hide where to resume.
        try:
            start_delivery()
        except Exception:
            logging.getLogger(__name__).exception("Delivery after a stopped import failed")
        raise
    _say(_("Stored and routed {count} submissions from {file}.", count=stored, file=str(file)))
    _say(follow_up.delivery_line(start_delivery()))


@app.command()
def show(reference: Annotated[str, typer.Argument(help="Submission number or DFR-00012.")]) -> None:
    """Everything about one submission: answers, route, stages, decisions, history."""
    with session_scope(read_only=True) as session:
        detail = submission_detail(session, parse_reference(reference))
        _say(render.detail_lines(detail, _registry()))


@app.command()
def tasks(
    assignee: Annotated[
        str | None, typer.Option("--assignee", help="Only this person's tasks.")
    ] = None,
) -> None:
    """Open review tasks, soonest due first."""
    lang = get_language()
    with session_scope(read_only=True) as session:
        if assignee and session.get(Person, assignee) is None:
            raise NotFoundError(_("Unknown person {person}. Check the id.", person=assignee))
        rows = open_tasks(session, assignee)
    if not rows:
        _say(_("No open tasks."))
    for task, submission in rows:
        _say(f"{submission.reference} {submission.title(lang)} — {render.task_line(task)}")


@app.command()
def decide(
    reference: Annotated[str, typer.Argument(help="Submission number or DFR-00012.")],
    stage: Annotated[
        str,
        typer.Option(
            "--stage", help="digital_options_review | category_review | service_assessment"
        ),
    ],
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            help="approve, approve_with_conditions, request_changes, reject; "
            "green/amber/red for assessments",
        ),
    ],
    rationale: Annotated[str, typer.Option("--rationale", help="Why (Markdown).")],
    actor: Annotated[str, typer.Option("--as", help="Your person id.")],
    condition: Annotated[
        list[str] | None,
        typer.Option("--condition", help='"YYYY-MM-DD what must be done" (repeatable).'),
    ] = None,
    rating: Annotated[
        list[str] | None, typer.Option("--rating", help="STANDARD=red|amber|green (repeatable).")
    ] = None,
    ratings_file: Annotated[
        Path | None,
        typer.Option("--ratings-file", help="YAML: STANDARD: {rating, done_well, to_explore}."),
    ] = None,
) -> None:
    """Record a reviewer's decision on the open stage of a submission."""
    conditions = parse_conditions([_split_condition(c) for c in condition or []])
    raw_ratings: dict[str, object] = {}
    if ratings_file:
        loaded = read_yaml(ratings_file) or {}
        if not isinstance(loaded, dict):
            raise ValidationError(
                _(
                    "{file} must map each standard to a rating, e.g. `w01: green`.",
                    file=str(ratings_file),
                )
            )
        raw_ratings.update(loaded)
    for item in rating or []:
        standard, sep, colour = item.partition("=")
        if not sep:
            raise ValidationError(
                _("--rating must look like w01=green, not {value!r}.", value=item)
            )
        raw_ratings[standard.strip()] = colour.strip()
    registry = _registry()
    with session_scope() as session:
        decision = record_decision(
            session,
            DecisionRequest(
                submission_id=parse_reference(reference),
                stage=stage,
                outcome=outcome,
                rationale=rationale,
                actor_id=actor,
                conditions=conditions,
                ratings=parse_ratings(raw_ratings),
            ),
            registry,
        )
    report = follow_up.advance_and_deliver(decision.submission_id)
    with session_scope() as session:
        detail = submission_detail(session, decision.submission_id)
    _say(
        _(
            "Recorded: {stage} {outcome} by {person} (decision-log entry {seq}).",
            stage=render.stage_name(decision.stage),
            outcome=outcome,
            person=actor,
            seq=decision.log_seq,
        )
    )
    _say(_("Submission is now {state}.", state=render.state_name(detail.submission.state)))
    _say(follow_up.delivery_line(report))
    for task in detail.tasks:
        if task.status == "open":
            _say(_("Next: {task}", task=render.task_line(task)))


def _split_condition(text: str) -> dict[str, str]:
    due, _sep, what = text.strip().partition(" ")
    try:
        date.fromisoformat(due)
    except ValueError:
        raise ValidationError(
            _('--condition must start with its due date: "2027-03-31 Publish performance data".')
        ) from None
    return {"due": due, "text": what}


@app.command("resubmit")
def resubmit_cmd(
    reference: Annotated[str, typer.Argument(help="Submission number or DFR-00012.")],
    file: Annotated[Path, typer.Argument(help="YAML with `answers:` to change, per checklist.")],
    actor: Annotated[str, typer.Option("--as", help="The submitter's person id.")],
) -> None:
    """Answer again after changes were requested; review starts again from that stage."""
    data = read_yaml(file) or {}
    changes = data.get("answers", data) if isinstance(data, dict) else None
    if not isinstance(changes, dict):
        raise ValidationError(_("{file} must hold `answers:` per checklist.", file=str(file)))
    registry = _registry()
    with session_scope() as session:
        submission, route = resubmit(session, parse_reference(reference), actor, changes, registry)
    follow_up.advance_and_deliver(submission.id or 0)
    _say(
        _(
            "Resubmitted {reference} (round {round}).",
            reference=submission.reference,
            round=submission.round,
        )
    )
    _say(render.route_lines(route, registry))


@app.command("withdraw")
def withdraw_cmd(
    reference: Annotated[str, typer.Argument(help="Submission number or DFR-00012.")],
    actor: Annotated[str, typer.Option("--as", help="The submitter's person id.")],
    reason: Annotated[str, typer.Option("--reason")] = "",
) -> None:
    """Withdraw a submission (submitter only); open stages are cancelled."""
    with session_scope() as session:
        submission = withdraw(session, parse_reference(reference), actor, reason)
    follow_up.advance_and_deliver(submission.id or 0)
    _say(_("Withdrawn: {reference}.", reference=submission.reference))


@app.command("reassign")
def reassign_cmd(
    reference: Annotated[str, typer.Argument(help="Submission number or DFR-00012.")],
    stage: Annotated[str, typer.Option("--stage", help="The open stage to move.")],
    to: Annotated[str, typer.Option("--to", help="Who takes it (must be able to decide it).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the log).")],
    actor: Annotated[
        str, typer.Option("--as", help="An administrator, CoE or the DG's Digital Leader.")
    ],
) -> None:
    """Give an open review to someone else; the reason goes into the decision log."""
    with session_scope() as session:
        task = reassign(session, parse_reference(reference), stage, to, reason, actor)
        submission_id = task.submission_id
    report = follow_up.advance_and_deliver(submission_id)
    _say(_("Reassigned: {task}", task=render.task_line(task)))
    _say(follow_up.delivery_line(report))


@app.command("delegate")
def delegate_cmd(
    person: Annotated[str, typer.Argument(help="The person who will be away.")],
    to: Annotated[str, typer.Option("--to", help="Who covers their reviews.")],
    starts: Annotated[str, typer.Option("--from", help="First day of cover, YYYY-MM-DD.")],
    ends: Annotated[str, typer.Option("--until", help="Last day of cover, YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the log).")],
    actor: Annotated[str, typer.Option("--as", help="The person themselves, or an administrator.")],
) -> None:
    """Absence cover: another person takes someone's reviews for a date range."""
    try:
        starts_on, ends_on = date.fromisoformat(starts), date.fromisoformat(ends)
    except ValueError:
        raise ValidationError(_("--from and --until must be dates like 2027-01-31.")) from None
    with session_scope() as session:
        delegation, moved = delegate(session, person, to, starts_on, ends_on, reason, actor)
    for submission_id in sorted(set(moved)):
        follow_up.advance_and_deliver(submission_id)
    _say(
        _(
            "{delegate} covers {person} from {starts} until {ends}; {count} open reviews moved.",
            delegate=delegation.delegate_id,
            person=delegation.person_id,
            starts=starts_on.isoformat(),
            ends=ends_on.isoformat(),
            count=len(moved),
        )
    )


@notifications_app.command("list")
def notifications_list(
    status: Annotated[
        str | None, typer.Option("--status", help="pending, sending, delivered or failed")
    ] = None,
) -> None:
    """Notification rows with their status, attempts and last error."""
    with session_scope(read_only=True) as session:
        query = select(Notification).order_by(col(Notification.created_at))
        if status:
            query = query.where(Notification.status == status)
        rows = session.exec(query).all()
    if not rows:
        _say(_("No notifications."))
    for row in rows:
        error = f" — {row.last_error}" if row.last_error else ""
        where = f"{row.channel} {row.address}"
        _say(f"{row.id} [{row.status}] {where} ({row.attempts}): {row.subject}{error}")


@notifications_app.command("retry")
def notifications_retry(
    ids: Annotated[
        list[str] | None, typer.Argument(help="Notification ids (default: every failed one).")
    ] = None,
) -> None:
    """Send failed notifications again."""
    with session_scope() as session:
        count = retry_failed(session, ids)
    report = run_flow(deliver)
    _say(_("{count} failed notifications queued again.", count=count))
    _say(follow_up.delivery_line(report))


@app.command("remind")
def remind_cmd(
    now: Annotated[bool, typer.Option("--now", help="Run the reminder sweep once, now.")] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="Sweep as if it were this date (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Send the reminders and escalations that are due (the scheduled sweep, by hand)."""
    if not now and not today:
        raise ValidationError(_("Use --now to run the sweep (or --today DATE to replay a day)."))
    if today:
        try:
            date.fromisoformat(today)
        except ValueError:
            raise ValidationError(_("--today must be a date like 2027-01-31.")) from None
    result = run_flow(remind, today=today)
    _say(
        _(
            "Reminders: {submissions} submissions chased, {queued} messages queued.",
            submissions=result["submissions"],
            queued=result["queued"],
        )
    )
    _say(follow_up.delivery_line(result))
    if result.get("drafts_discarded"):
        _say(
            _(
                "Web drafts unchanged for {days} days deleted: {count}.",
                days=get_settings().draft_retention_days,
                count=result["drafts_discarded"],
            )
        )


@app.command("export")
def export_cmd(
    file: Annotated[Path, typer.Argument(help="Where to write the JSON-lines export.")],
) -> None:
    """Write the whole database as JSON lines (a backup that `dfr import` restores exactly)."""
    count = 0
    with file.open("w", encoding="utf-8") as out:
        for line in export_lines(default_engine()):
            out.write(line + "\n")
            count += 1
    _say(_("Exported {count} rows to {file}.", count=count - 1, file=str(file)))


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="A file written by `dfr export`.")],
) -> None:
    """Restore an export into an empty database, verifying the decision log first."""
    settings = get_settings()
    upgrade(settings.database_url)
    try:
        handle = file.open(encoding="utf-8")
    except OSError as err:
        raise NotFoundError(
            _("Cannot read {file}: {problem}.", file=str(file), problem=err.strerror or str(err))
        ) from None
    with handle:
        count = import_lines(default_engine(), handle)
    _say(_("Imported {count} rows; the decision log verifies.", count=count))


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the decision log's hash chain; name the first broken entry."""
    with session_scope(read_only=True) as session:
        result = verify_all(session)
    if not result.ok:
        raise IntegrityError(render.verify_line(result))
    _say(render.verify_line(result))


@checklists_app.command("list")
def checklists_list() -> None:
    """Every checklist version, with status and content hash."""
    lang = get_language()
    registry = _registry()
    for (cid, version), checklist in sorted(registry.checklists.items()):
        d = checklist.definition
        _say(
            f"{cid} v{version} [{d.status}] {len(d.questions)} — {d.title.get(lang)} "
            f"({checklist.content_hash[:12]})"
        )


@checklists_app.command("validate")
def checklists_validate(
    folder: Annotated[
        Path | None, typer.Argument(help="Checklist folder (default: the configured one).")
    ] = None,
) -> None:
    """Load and cross-check every checklist; print the first problem found."""
    registry = load_registry(folder or configured_folder())
    _say(_("All {count} checklist versions are valid.", count=len(registry.checklists)))


@checklists_app.command("show")
def checklists_show(
    checklist_id: Annotated[str, typer.Argument()],
    version: Annotated[int | None, typer.Option("--version")] = None,
) -> None:
    """The questions, rules and flags of one checklist, in the chosen language."""
    lang = get_language()
    checklist = _registry().get(checklist_id, version)
    d = checklist.definition
    lines = [f"{d.id} v{d.version} [{d.status}] — {d.title.get(lang)}", d.description.get(lang), ""]
    for number, q in enumerate(d.questions, start=1):
        options = f" ({', '.join(o.value for o in q.options)})" if q.options else ""
        optional = "" if q.required else " " + _("(optional)")
        lines.append(f"{number}. [{q.id}] {q.text.get(lang)} — {q.type}{options}{optional}")
    if d.rules:
        lines.append("")
        lines.append(_("Rules:"))
        lines += [f"  {r.id}: {r.because.get(lang)}" for r in d.rules]
    _say(lines)


@checklists_app.command("publish")
def checklists_publish(checklist_id: str, version: int) -> None:
    """Record a version's content hash: from now on it may not change."""
    folder = configured_folder()
    registry = load_registry(folder, check_published=False)
    checklist = registry.get(checklist_id, version)
    if checklist.definition.status != "published":
        raise ValidationError(
            _("Set `status: published` in {file} first.", file=str(checklist.path))
        )
    lock = read_lock(folder)
    key = lock_key(checklist_id, version)
    if key in lock and lock[key] != checklist.content_hash:
        raise ValidationError(
            _("{key} was already published with different content; add a new version.", key=key)
        )
    lock[key] = checklist.content_hash
    write_lock(folder, lock)
    _say(_("Published {key} ({hash}).", key=key, hash=checklist.content_hash[:12]))


@app.command()
def demo(
    folder: Annotated[
        Path | None,
        typer.Argument(help="Folder of example scenarios (default: the shipped examples)."),
    ] = None,
) -> None:
    """Run every example scenario through the engine and print its route and outcome."""
    folder = folder or get_settings().examples_dir / "submissions"
    registry = _registry()
    engine = default_engine()
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ValidationError(_("No scenario files (*.yaml) in {folder}.", folder=str(folder)))
    for path in files:
        result = run_scenario(engine, registry, path, after=follow_up.advance_and_deliver)
        with session_scope(engine) as session:
            detail = submission_detail(session, result.submission_id)
            s = detail.submission
            _say(f"\n== {path.name}")
            if result.route is None:
                _say(_("Already loaded as {reference}.", reference=s.reference))
            else:
                _say(render.submitted_lines(s, result.route, registry))
            for step in result.steps:
                _say("  → " + step)
            _say(_("Outcome: {state}", state=render.state_name(s.state)))


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
    from dfr.web.server import serve_web

    settings = get_settings()
    _say(_("Web UI: http://{host}:{port}", host=settings.web_host, port=settings.web_port))
    serve_web(settings)


@app.command("deploy")
def deploy_cmd() -> None:
    """Create the work pool (DFR_WORK_POOL) and register every deployment on it."""
    from dfr.cli.worker import deploy

    pool = get_settings().work_pool
    names = deploy(pool)
    _say(_("Work pool {pool}: {count} deployments registered.", pool=pool, count=len(names)))


@app.command("worker")
def worker_cmd(
    name: Annotated[str | None, typer.Option("--name", help="Worker name (unique).")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Most flow runs at once (default: no limit).")
    ] = None,
) -> None:
    """Production: register the work pool and deployments, catch up on anything a stopped
    worker left, then become Prefect's process worker for the pool. Needs PREFECT_API_URL."""
    from dfr.cli.worker import catch_up, deploy, pin_relative_paths, worker_command

    pin_relative_paths()
    pool = get_settings().work_pool
    deploy(pool)
    catch_up()
    command = worker_command(pool, name, limit)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)


@app.command("run")
def run_engine(
    port: Annotated[int, typer.Option("--port", help="Port for the local Prefect server.")] = 4200,
    stay: Annotated[
        bool, typer.Option("--stay/--no-stay", help="Keep serving after the examples.")
    ] = True,
) -> None:
    """Start the embedded engine: a local Prefect server, the examples through real flow runs,
    notifications to the outbox, and the web UI. Ctrl-C stops it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from dfr.web.auth import demo_password
    from dfr.web.server import web_process

    settings = get_settings()
    with prefect_server(settings.var_dir, port) as url, temporary_settings({PREFECT_API_URL: url}):
        _say(_("Prefect server: {url} (UI at {ui})", url=url, ui=url.removesuffix("/api")))
        demo(settings.examples_dir / "submissions")
        _say(_("Notifications are in {folder}.", folder=str(settings.outbox_dir)))
        if not stay:
            return
        with web_process(settings, {"PREFECT_API_URL": url}) as site:
            _say(_("Web UI: {site}", site=site))
            if settings.web_auth == "demo":
                _say(
                    _(
                        "Sign in as any person from examples/people.yaml with the password "
                        "{password} (kept in {file}).",
                        password=demo_password(settings),
                        file=str(settings.var_dir / "web-demo-password"),
                    )
                )
            _say(_("Engine running, serving the scheduled deployments. Press Ctrl-C to stop."))
            from prefect import serve

            from flows.deployments import deployments

            try:
                serve(*deployments())
            except KeyboardInterrupt:
                _say(_("Stopped."))


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors print one message and exit non-zero; nothing is half-written."""
    get_settings.cache_clear()
    try:
        result = app(args=argv, standalone_mode=False)
        return result if isinstance(result, int) else 0
    except DfrError as err:
        typer.echo(_("Error: {message}", message=err.message), err=True)
        return err.exit_code
    except typer.Exit as err:
        return int(err.exit_code)
    except typer.Abort:
        return 1
    except typer.TyperException as err:  # usage errors: unknown option, missing argument
        show = getattr(err, "show", None)
        if callable(show):
            show()
        else:
            typer.echo(str(err), err=True)
        return int(getattr(err, "exit_code", 2))
    except Exception:  # internal errors: logged with an id, never leaked
        incident = uuid.uuid4().hex[:8]
        _log_to_file()
        log.exception("internal error %s", incident)
        typer.echo(
            _("Internal error (id {id}). Nothing was changed; please report the id.", id=incident),
            err=True,
        )
        return 70


def _log_to_file() -> None:
    """Internal errors go to var/dfr.log (with the traceback), never to the terminal."""
    folder = get_settings().var_dir
    target = (folder / "dfr.log").resolve()
    for existing in list(log.handlers):
        if isinstance(existing, logging.FileHandler) and Path(existing.baseFilename) == target:
            return
        log.removeHandler(existing)
        existing.close()
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(target, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    log.addHandler(handler)
    log.propagate = False


def run() -> None:
    sys.exit(main())
