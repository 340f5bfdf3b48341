"""`dfr decide`, `reassign` and `delegate`: what reviewers and administrators record."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from dfr.cli import hints, telling
from dfr.cli.app import app, checklist_registry, say
from dfr.errors import ValidationError
from dfr.i18n import _, _n

Reference = Annotated[str, typer.Argument(help="Submission number or DFR-00012.")]


@app.command()
def decide(
    reference: Reference,
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
    from dfr.cli import render
    from dfr.i18n import get_language
    from models.db import session_scope
    from models.queries import parse_reference
    from services.decide import DecisionRequest, record_decision
    from services.decision_input import parse_conditions, parse_ratings
    from services.describe import describe

    hints.given_with(actor="--as", stage="--stage", outcome="--outcome")
    request = DecisionRequest(
        submission_id=parse_reference(reference),
        stage=stage,
        outcome=outcome,
        rationale=rationale,
        actor_id=actor,
        conditions=parse_conditions([_split_condition(c) for c in condition or []]),
        ratings=parse_ratings(_raw_ratings(rating or [], ratings_file)),
    )
    registry = checklist_registry()
    with session_scope() as session:
        decision = record_decision(session, request, registry)
    told = telling.tell_people([decision.submission_id], "a decision")
    with session_scope(read_only=True) as session:
        described = describe(session, decision.submission_id, registry, get_language())
    detail = described.detail
    say(
        _(
            "Recorded: {stage}: {outcome}, by {person} (decision-log entry {seq}).",
            stage=render.stage_name(decision.stage),
            outcome=render.outcome_name(decision.outcome),
            person=described.names.person(actor),
            seq=decision.log_seq,
        )
    )
    say(_("Submission is now {state}.", state=render.state_name(detail.submission.state)))
    telling.say_how_it_went(told)
    for task in detail.tasks:
        if task.status == "open":
            say(_("Next: {task}", task=render.task_line(task, described.names)))


def _split_condition(text: str) -> dict[str, str]:
    due, _sep, what = text.strip().partition(" ")
    try:
        date.fromisoformat(due)
    except ValueError:
        raise ValidationError(
            _('--condition must start with its due date: "2027-03-31 Publish performance data".')
        ) from None
    return {"due": due, "text": what}


def _raw_ratings(ratings: list[str], ratings_file: Path | None) -> dict[str, object]:
    """`--ratings-file` first, then each `--rating STANDARD=colour` over it."""
    from checklists.yaml_files import read_yaml

    raw: dict[str, object] = {}
    if ratings_file:
        loaded = read_yaml(ratings_file) or {}
        if not isinstance(loaded, dict):
            raise ValidationError(
                _(
                    "{file} must map each standard to a rating, e.g. `w01: green`.",
                    file=str(ratings_file),
                )
            )
        raw.update(loaded)
    for item in ratings:
        standard, sep, colour = item.partition("=")
        if not sep:
            raise ValidationError(
                _("--rating must look like w01=green, not {value!r}.", value=item)
            )
        raw[standard.strip()] = colour.strip()
    return raw


@app.command("reassign")
def reassign_cmd(
    reference: Reference,
    stage: Annotated[str, typer.Option("--stage", help="The open stage to move.")],
    to: Annotated[str, typer.Option("--to", help="Who takes it (must be able to decide it).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the log).")],
    actor: Annotated[
        str, typer.Option("--as", help="An administrator, CoE or the DG's Digital Leader.")
    ],
) -> None:
    """Give an open review to someone else; the reason goes into the decision log."""
    from dfr.cli import render
    from dfr.i18n import get_language
    from models.db import session_scope
    from models.queries import parse_reference
    from services.describe import describe
    from services.reassign import reassign

    hints.given_with(actor="--as", assignee="--to", to="--to", stage="--stage")
    with session_scope() as session:
        task = reassign(session, parse_reference(reference), stage, to, reason, actor)
    told = telling.tell_people([task.submission_id], "a reassignment")
    with session_scope(read_only=True) as session:
        names = describe(session, task.submission_id, checklist_registry(), get_language()).names
    say(_("Reassigned: {task}", task=render.task_line(task, names)))
    telling.say_how_it_went(told)


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
    from dfr.dates import long_date
    from dfr.i18n import get_language
    from models.db import session_scope
    from services.reassign import delegate

    hints.given_with(actor="--as", person="PERSON", delegate="--to", to="--to")
    try:
        starts_on, ends_on = date.fromisoformat(starts), date.fromisoformat(ends)
    except ValueError:
        raise ValidationError(_("--from and --until must be dates like 2027-01-31.")) from None
    with session_scope() as session:
        delegation, moved = delegate(session, person, to, starts_on, ends_on, reason, actor)
    told = telling.tell_people(moved, "a delegation")
    say(
        _n(
            "{delegate} covers {person} from {starts} until {ends}; {count} open review moved.",
            "{delegate} covers {person} from {starts} until {ends}; {count} open reviews moved.",
            len(moved),
            delegate=delegation.delegate_id,
            person=delegation.person_id,
            starts=long_date(starts_on, get_language()),
            ends=long_date(ends_on, get_language()),
            count=len(moved),
        )
    )
    telling.say_how_it_went(told, report=False)
