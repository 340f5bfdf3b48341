"""`dfr assessments …`: booking a Service Standard assessment and its panel, declaring
interests, replacing a panel member, adding evidence, and showing where it stands. The rules
are in `services.panels`; this module parses, calls and prints."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dfr.cli import hints, telling
from dfr.cli.app import app, checklist_registry, command_group, say
from dfr.errors import PermissionDeniedError, ValidationError
from dfr.i18n import _, _n, get_language
from dfr.labels import (
    ACCEPTED_HOW,
    DISCIPLINES,
    EVIDENCE_KINDS,
    OUTCOMES,
    PANEL_ROLES,
    PHASES,
    label,
)

# Each command imports the database layer and the services it uses when it runs (`dfr --help`
# loads neither; see tests/test_cli_startup.py).
if TYPE_CHECKING:
    from services.decide import StandardAssessment
    from services.panel_view import PanelView


def long_date(value: date | None, language: str) -> str:
    """`dfr.dates.long_date`, imported when first used (`dfr --help` need not load the time
    zones)."""
    from dfr.dates import long_date as in_words

    return in_words(value, language)


assessments_app = command_group(
    "Service Standard assessments: book the date and panel, declare interests, evidence."
)
app.add_typer(assessments_app, name="assessments")

Reference = Annotated[str, typer.Argument(help="Submission number or DFR-00012.")]
Person = Annotated[str, typer.Option("--as", help="Your person id.")]


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _("{value} is not a date; write YYYY-MM-DD.", value=value), field="date"
        ) from None


def _seats(values: list[str]) -> dict[str, str]:
    """`DISCIPLINE=PERSON` pairs."""
    seats: dict[str, str] = {}
    for value in values:
        discipline, sep, person = value.partition("=")
        if not sep:
            raise ValidationError(
                _("Write each panel seat as DISCIPLINE=PERSON, e.g. design=ben.taylor."),
                field="panel",
            )
        seats[discipline.strip()] = person.strip()
    return seats


def _told(submission_id: int, line: str) -> None:
    told = telling.tell_people([submission_id], "an assessment step")
    say(line)
    telling.say_how_it_went(told)


def view_lines(view: PanelView) -> list[str]:
    """The assessment as `dfr assessments show` prints it."""
    language = get_language()
    s = view.submission
    lines = [f"{s.reference} · {s.title(language)}"]
    if view.booking:
        lines.append(
            _("Assessment date: {date}", date=long_date(view.booking.assessment_date, language))
        )
    else:
        lines.append(
            _(
                "Not booked yet: book it on or after {date}.",
                date=long_date(view.earliest, language),
            )
        )
    if view.reassessing:
        lines.append(_("A reassessment of these standards only:"))
        lines += [f"  {name}" for name in view.reassessing]
    lines.append(_("Panel:"))
    for seat in view.seats:
        what = (
            label(DISCIPLINES, seat.discipline)
            if seat.discipline
            else label(PANEL_ROLES, seat.role)
        )
        who = seat.person.name if seat.person else _("nobody yet")
        if seat.person is None:
            declared = ""
        elif seat.declaration is None:
            declared = _("interests not declared yet")
        else:
            declared = _("no conflict of interests")
        lines.append(f"  {what}: {who}" + (f" ({declared})" if declared else ""))
    for name, declaration in view.conflicts:
        lines.append(
            _(
                "Conflict of interests declared by {person}: {detail}",
                person=name,
                detail=declaration.detail,
            )
        )
    if view.evidence:
        lines.append(_("Evidence for the panel:"))
        lines += [
            f"  {label(EVIDENCE_KINDS, e.kind)}: {e.description} <{e.url}>" for e in view.evidence
        ]
    return lines


@assessments_app.command("show")
def show(reference: Reference, actor: Person) -> None:
    """Where the open assessment of a submission stands: date, panel, declarations, evidence."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.panel_view import load_visitor, panel_view

    hints.given_with(actor="--as")
    with session_scope(read_only=True) as session:
        view = panel_view(session, load_visitor(session, actor), parse_reference(reference))
        say(view_lines(view))


@assessments_app.command("book")
def book(
    reference: Reference,
    when: Annotated[str, typer.Option("--date", help="The assessment date, YYYY-MM-DD.")],
    actor: Person,
    seat: Annotated[
        list[str] | None,
        typer.Option(
            "--panel",
            help="DISCIPLINE=PERSON (repeatable): user_research, design, "
            "technical, and performance at beta and live.",
        ),
    ] = None,
    observer: Annotated[
        list[str] | None, typer.Option("--observer", help="An observer's person id (repeatable).")
    ] = None,
) -> None:
    """The Digital CoE or the lead assessor books the assessment date and its panel."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.panels import book_assessment

    hints.given_with(actor="--as", date="--date", panel="--panel", observers="--observer")
    submission_id = parse_reference(reference)
    with session_scope() as session:
        booking = book_assessment(
            session, submission_id, actor, _day(when), _seats(seat or []), observer or []
        )
        day = long_date(booking.assessment_date, get_language())
    _told(
        submission_id,
        _("Booked: the assessment is on {date}. The team and the panel are told.", date=day),
    )


@assessments_app.command("declare")
def declare(
    reference: Reference,
    actor: Person,
    conflict: Annotated[
        str | None,
        typer.Option("--conflict", help="What the conflict of interests is, and why."),
    ] = None,
) -> None:
    """A panel member declares their interests: none, or --conflict with what and why."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.panel_declarations import declare_interests

    hints.given_with(actor="--as", detail="--conflict")
    submission_id = parse_reference(reference)
    with session_scope() as session:
        declared = declare_interests(
            session, submission_id, actor, conflict is not None, conflict or ""
        )
    if declared.conflicted:
        line = _(
            "Recorded: a conflict of interests. You are no longer on this panel; the Digital "
            "Centre of Excellence is asked to replace you."
        )
    else:
        line = _("Recorded: no conflict of interests.")
    _told(submission_id, line)


@assessments_app.command("replace")
def replace(
    reference: Reference,
    discipline: Annotated[
        str, typer.Option("--seat", help="user_research, design, technical or performance.")
    ],
    person: Annotated[str, typer.Option("--with", help="The new assessor's person id.")],
    actor: Person,
) -> None:
    """Put someone else in a panel seat (after a conflict of interests); the date stays."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.panels import replace_assessor

    hints.given_with(actor="--as", discipline="--seat", **{"panel." + discipline: "--with"})
    submission_id = parse_reference(reference)
    with session_scope() as session:
        replace_assessor(session, submission_id, actor, discipline, person)
    _told(
        submission_id,
        _(
            "Replaced: {person} now takes the {seat} seat.",
            person=person,
            seat=label(DISCIPLINES, discipline),
        ),
    )


@assessments_app.command("evidence")
def evidence(
    reference: Reference,
    kind: Annotated[
        str, typer.Option("--kind", help="research, design, code, performance or other.")
    ],
    url: Annotated[str, typer.Option("--url", help="The link (https://…).")],
    description: Annotated[
        str, typer.Option("--description", help="What it shows, in a few words.")
    ],
    actor: Person,
) -> None:
    """The submitter adds a link to the team's evidence for the panel."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.panel_declarations import add_evidence

    hints.given_with(actor="--as", kind="--kind", evidence="--url", description="--description")
    submission_id = parse_reference(reference)
    with session_scope() as session:
        add_evidence(session, submission_id, actor, kind, url, description)
    _told(submission_id, _("Added: the panel can open the link from the assessment page."))


# -- rating ---------------------------------------------------------------------------------

RatingsFile = Annotated[
    Path,
    typer.Option("--ratings-file", help="YAML: STANDARD: {rating, done_well, to_explore}."),
]


def _notes(path: Path) -> dict[str, StandardAssessment]:
    from checklists.yaml_files import read_yaml
    from services.decision_input import parse_ratings

    loaded = read_yaml(path) or {}
    if not isinstance(loaded, dict):
        raise ValidationError(
            _("{file} must map each standard to a rating, e.g. `w01: green`.", file=str(path)),
            field="ratings",
        )
    return parse_ratings(loaded)


@assessments_app.command("rate")
def rate(
    reference: Reference,
    ratings_file: RatingsFile,
    actor: Person,
    draft: Annotated[
        bool, typer.Option("--draft", help="Save them as a draft; do not send them yet.")
    ] = False,
) -> None:
    """An assessor rates the standards their seat covers, and sends them to the lead."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.ratings import save_ratings

    hints.given_with(actor="--as", ratings="--ratings-file")
    submission_id = parse_reference(reference)
    with session_scope() as session:
        rows = save_ratings(
            session,
            submission_id,
            actor,
            _notes(ratings_file),
            checklist_registry(),
            final=not draft,
        )
    if draft:
        say(
            _n(
                "Saved a draft of {count} rating.",
                "Saved a draft of {count} ratings.",
                len(rows),
                count=len(rows),
            )
        )
        return
    _told(
        submission_id,
        _n(
            "Sent {count} rating to the lead assessor.",
            "Sent {count} ratings to the lead assessor.",
            len(rows),
            count=len(rows),
        ),
    )


@assessments_app.command("notes")
def notes(reference: Reference, actor: Person) -> None:
    """The lead assessor reads every assessor's ratings and notes, standard by standard."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.ratings import rating_sheet

    hints.given_with(actor="--as")
    with session_scope(read_only=True) as session:
        sheet = rating_sheet(session, actor, parse_reference(reference), checklist_registry())
        if not sheet.is_lead:
            raise PermissionDeniedError(
                _("Only the lead assessor (or someone covering for them) settles the ratings."),
                field="actor",
            )
        lines = []
        for standard in sheet.standards:
            lines.append(f"{standard}:")
            for name, note in sheet.notes.get(standard, []):
                lines.append(f"  {name}: {label(OUTCOMES, note.rating)}")
                if note.done_well:
                    lines.append("    " + _("Done well: {text}", text=note.done_well))
                if note.to_explore:
                    lines.append("    " + _("Needs to explore: {text}", text=note.to_explore))
        if sheet.waiting_for:
            lines.append(
                _("Waiting for ratings from: {names}.", names=", ".join(sheet.waiting_for))
            )
        say(lines)


@assessments_app.command("settle")
def settle_cmd(
    reference: Reference,
    outcome: Annotated[
        str, typer.Option("--outcome", help="The overall result: green, amber or red.")
    ],
    rationale: Annotated[str, typer.Option("--rationale", help="Why (Markdown).")],
    ratings_file: RatingsFile,
    actor: Person,
) -> None:
    """The lead assessor settles each standard's rating and the overall result."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.ratings import settle

    hints.given_with(
        actor="--as", outcome="--outcome", rationale="--rationale", ratings="--ratings-file"
    )
    submission_id = parse_reference(reference)
    with session_scope() as session:
        decision = settle(
            session,
            submission_id,
            actor,
            _notes(ratings_file),
            outcome,
            rationale,
            checklist_registry(),
        )
        seq = decision.log_seq
    _told(
        submission_id,
        _(
            "Settled: the overall result is {outcome} (decision-log entry {seq}).",
            outcome=label(OUTCOMES, outcome),
            seq=seq,
        ),
    )


# -- the report -----------------------------------------------------------------------------


@assessments_app.command("report")
def report(reference: Reference, actor: Person) -> None:
    """The assessment report: its result, each standard, and which languages are complete."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.assessment_reports import described, report_view

    hints.given_with(actor="--as")
    language = get_language()
    with session_scope(read_only=True) as session:
        view = report_view(session, actor, parse_reference(reference))
        r = view.report
        lines = [
            f"{view.submission.reference} · {view.submission.title(language)}",
            _("Phase: {phase}", phase=label(PHASES, view.phase)),
            _("Assessment date: {date}", date=long_date(r.assessed_on, language)),
            _("Result: {result}", result=label(OUTCOMES, r.result)),
            _("Report due: {date}", date=long_date(r.due_date, language)),
        ]
        if r.status == "sent":
            lines.append(
                _(
                    "Waiting for the team to accept or challenge it, until {date}.",
                    date=long_date(r.response_due, language),
                )
            )
        elif r.status == "challenged":
            lines.append(
                _(
                    "Challenged by the team: the panel answers by {date}.",
                    date=long_date(r.challenge_due, language),
                )
            )
        elif r.status == "accepted":
            lines.append(
                _(
                    "The report is final: {how}.",
                    how=label(ACCEPTED_HOW, r.accepted_how or ""),
                )
            )
        for code, name in (("cy", _("Welsh")), ("en", _("English"))):
            state = _("complete") if view.complete[code] else described(view.missing[code])
            lines.append(f"{name}: {state}")
        lines += [r.summary(language), ""]
        for section in view.sections:
            lines.append(f"{section.standard_id}: {label(OUTCOMES, section.rating)}")
            if section.text("done_well", language):
                lines.append(
                    "  " + _("Done well: {text}", text=section.text("done_well", language))
                )
            if section.text("to_explore", language):
                lines.append(
                    "  " + _("Needs to explore: {text}", text=section.text("to_explore", language))
                )
        say(lines)


@assessments_app.command("write-report")
def write_report(
    reference: Reference,
    language: Annotated[str, typer.Option("--language", help="cy or en: the version to write.")],
    actor: Person,
    summary: Annotated[str | None, typer.Option("--summary", help="The summary.")] = None,
    notes_file: Annotated[
        Path | None,
        typer.Option("--notes-file", help="YAML: STANDARD: {done_well, to_explore}."),
    ] = None,
) -> None:
    """The lead writes one language version of the report."""
    from checklists.yaml_files import read_yaml
    from models.db import session_scope
    from models.queries import parse_reference
    from services.assessment_reports import described, edit_report

    hints.given_with(actor="--as", language="--language", summary="--summary")
    raw = (read_yaml(notes_file) or {}) if notes_file else {}
    if not isinstance(raw, dict):
        raise ValidationError(
            _("{file} must map each standard to its notes.", file=str(notes_file)), field="notes"
        )
    notes = {
        str(k): (str((v or {}).get("done_well", "")), str((v or {}).get("to_explore", "")))
        for k, v in raw.items()
    }
    with session_scope() as session:
        view = edit_report(session, parse_reference(reference), actor, language, summary, notes)
        left = described(view.missing[language])
    say(_("Saved. Still missing in this version: {what}.", what=left))


@assessments_app.command("send-report")
def send_report_cmd(reference: Reference, actor: Person) -> None:
    """The lead sends the report to the team, once it is complete in Welsh and English."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.assessment_reports import send_report

    hints.given_with(actor="--as")
    submission_id = parse_reference(reference)
    with session_scope() as session:
        send_report(session, submission_id, actor)
    _told(submission_id, _("Sent: the team, the panel and the DG's Digital Leader are told."))
