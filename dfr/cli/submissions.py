"""`dfr submit`, `submit-many`, `show`, `resubmit`, `withdraw` and `tasks`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dfr.cli import hints, telling
from dfr.cli.app import app, checklist_registry, say
from dfr.errors import NotFoundError, ValidationError
from dfr.i18n import _, _n, get_language

Reference = Annotated[str, typer.Argument(help="Submission number or DFR-00012.")]


@app.command("submit")
def submit_cmd(file: Annotated[Path, typer.Argument(help="Submission YAML file.")]) -> None:
    """Validate and store a submission, then print the route it will take."""
    from checklists.canonical import sha256_hex
    from checklists.yaml_files import read_yaml
    from dfr.cli import render
    from dfr.i18n import get_language
    from models.db import session_scope
    from services.describe import describe
    from services.service_links import link_in_words
    from services.submit import submit

    registry = checklist_registry()
    data = read_yaml(file)
    with session_scope() as session:  # idempotent on the file's content
        submitted = submit(session, data, registry, intake_key=sha256_hex(data))
    outcome = telling.tell_people([submitted.submission_id], "a submission")
    with session_scope(read_only=True) as session:
        described = describe(session, submitted.submission_id, registry, get_language())
        linked = link_in_words(session, submitted.submission_id, get_language())
    detail = described.detail
    if submitted.route is None:
        say(
            _(
                "{reference} was submitted from this file before; nothing new was stored.",
                reference=submitted.reference,
            )
        )
        say(render.detail_lines(described, registry))
    else:
        say(render.submitted_lines(detail.submission, submitted.route, registry))
    if linked is not None:
        say(_("Service on the register: {link}.", link=linked))
    telling.say_how_it_went(outcome)


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
    per_transaction: Annotated[
        int,
        typer.Option(
            "--per-transaction", help="Submissions stored together (1 to 5000; default 500)."
        ),
    ] = 500,
) -> None:
    """Store and route many submissions from a JSON-lines file (an import from another system),
    500 to a transaction; a bad line stops the import and says where to resume."""
    from flows.intake import intake_many
    from flows.runner import run_flow

    if not file.is_file():
        raise NotFoundError(_("File not found: {file}. Check the path.", file=str(file)))
    if from_line < 1:
        raise ValidationError(_("--from-line must be 1 or more (the file's first line is 1)."))
    if not 1 <= per_transaction <= 5000:
        raise ValidationError(_("--per-transaction must be from 1 to 5000 submissions."))
    checklist_registry()  # fail fast on a broken checklist before reading the file
    try:
        stored = run_flow(
            intake_many, path=str(file.resolve()), chunk=per_transaction, from_line=from_line
        )
    except Exception:
        # What was stored before a bad line is delivered all the same; a failure to deliver
        # (retried later by the scheduled delivery) must not hide where to resume.
        stopped = telling.deliver_pending("a stopped bulk import")
        telling.say_how_it_went(stopped, report=False)
        raise
    say(
        _n(
            "Stored and routed {count} submission from {file}.",
            "Stored and routed {count} submissions from {file}.",
            stored,
            count=stored,
            file=str(file),
        )
    )
    telling.say_how_it_went(telling.deliver_pending("a bulk import"))


@app.command()
def show(reference: Reference) -> None:
    """Everything about one submission: answers, route, stages, decisions, history."""
    from dfr.cli import render
    from dfr.i18n import get_language
    from models.db import session_scope
    from models.queries import parse_reference
    from services.describe import describe

    registry = checklist_registry()
    with session_scope(read_only=True) as session:
        described = describe(session, parse_reference(reference), registry, get_language())
    say(render.detail_lines(described, registry))


@app.command()
def tasks(
    assignee: Annotated[
        str | None, typer.Option("--assignee", help="Only this person's tasks.")
    ] = None,
) -> None:
    """Open review tasks, soonest due first."""
    from dfr.cli import render
    from models.db import session_scope
    from models.queries import open_tasks

    hints.given_with(assignee="--assignee")
    lang = get_language()
    with session_scope(read_only=True) as session:
        rows = open_tasks(session, assignee)
    if not rows:
        say(_("No open tasks."))
    for task, submission in rows:
        say(f"{submission.reference} {submission.title(lang)} — {render.task_line(task)}")


@app.command("resubmit")
def resubmit_cmd(
    reference: Reference,
    file: Annotated[
        Path,
        typer.Argument(
            help="YAML with `answers:` to change, per checklist; optionally a new `title:` or "
            "`summary:` (each with `cy:` and `en:`)."
        ),
    ],
    actor: Annotated[str, typer.Option("--as", help="The submitter's person id.")],
) -> None:
    """Answer again after changes were requested; review starts again from that stage."""
    from checklists.yaml_files import read_yaml
    from dfr.cli import render
    from models.db import session_scope
    from models.queries import parse_reference
    from services.intake import resubmit

    hints.given_with(actor="--as", submitter="--as")
    data = read_yaml(file) or {}
    described = isinstance(data, dict) and bool({"title", "summary"} & set(data))
    changes = data.get("answers", {} if described else data) if isinstance(data, dict) else None
    if not isinstance(changes, dict):
        raise ValidationError(
            _(
                "{file} must hold `answers:` per checklist (and may give a new `title:` or "
                "`summary:`, each with `cy:` and `en:`).",
                file=str(file),
            )
        )
    description = {k: data[k] for k in ("title", "summary") if k in data} if described else None
    registry = checklist_registry()
    with session_scope() as session:
        submission, route = resubmit(
            session, parse_reference(reference), actor, changes, registry, description=description
        )
    outcome = telling.tell_people([submission.id or 0], "a resubmission")
    say(
        _(
            "Resubmitted {reference} (round {round}).",
            reference=submission.reference,
            round=submission.round,
        )
    )
    say(render.route_lines(route, registry))
    telling.say_how_it_went(outcome)


@app.command("withdraw")
def withdraw_cmd(
    reference: Reference,
    actor: Annotated[str, typer.Option("--as", help="The submitter's person id.")],
    reason: Annotated[str, typer.Option("--reason")] = "",
) -> None:
    """Withdraw a submission (submitter only); open stages are cancelled."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.intake import withdraw

    hints.given_with(actor="--as", submitter="--as")
    with session_scope() as session:
        submission = withdraw(session, parse_reference(reference), actor, reason)
    outcome = telling.tell_people([submission.id or 0], "a withdrawal")
    say(_("Withdrawn: {reference}.", reference=submission.reference))
    telling.say_how_it_went(outcome)
