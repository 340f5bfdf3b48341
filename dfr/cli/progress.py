"""`dfr progress generate | lessons | publish | save`: the quarterly progress report from the
command line (the CoE and administrators; `services.progress_reports` holds the rules)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dfr.cli import hints
from dfr.cli.app import app, checklist_registry, command_group, say
from dfr.errors import ValidationError
from dfr.i18n import _

if TYPE_CHECKING:
    from models.quarter import Quarter

progress_app = command_group("The quarterly progress report: generate, write lessons, publish.")
app.add_typer(progress_app, name="progress")

Person = Annotated[str, typer.Option("--as", help="Your person id (the CoE or an administrator).")]
QuarterOption = Annotated[
    str | None,
    typer.Option("--quarter", help="YYYY-Qn, e.g. 2026-Q3 (default: the last complete quarter)."),
]


def _quarter(text: str | None) -> Quarter:
    from models.quarter import Quarter
    from models.working_days import london_today

    return Quarter.parse(text) if text else Quarter.last_complete(london_today())


@progress_app.command("generate")
def generate_cmd(actor: Person, quarter: QuarterOption = None) -> None:
    """Make the quarter's draft report, or refresh its figures (one draft per quarter)."""
    from models.db import session_scope
    from services.progress_reports import generate

    hints.given_with(actor="--as", quarter="--quarter")
    chosen = _quarter(quarter)
    with session_scope() as session:
        done = generate(session, chosen, actor, checklist_registry())
    if done.published:
        say(_("The progress report for {quarter} is already published.", quarter=str(chosen)))
    elif done.created:
        say(_("Draft progress report for {quarter} made.", quarter=str(chosen)))
    else:
        say(_("Draft progress report for {quarter} brought up to date.", quarter=str(chosen)))


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ValidationError(
            _("Cannot read {file}: {problem}", file=str(file), problem=str(err)), field="file"
        ) from None


@progress_app.command("lessons")
def lessons_cmd(
    actor: Person,
    welsh: Annotated[Path, typer.Option("--cy", help="The lessons in Welsh (a Markdown file).")],
    english: Annotated[
        Path, typer.Option("--en", help="The lessons in English (a Markdown file).")
    ],
    quarter: QuarterOption = None,
) -> None:
    """Write the lessons section of the quarter's draft, in Welsh and English."""
    from models.db import session_scope
    from services.progress_reports import edit_lessons

    hints.given_with(actor="--as", quarter="--quarter", lessons_cy="--cy", lessons_en="--en")
    chosen = _quarter(quarter)
    with session_scope() as session:
        edit_lessons(session, chosen, actor, _read(welsh), _read(english))
    say(_("Lessons saved in the draft progress report for {quarter}.", quarter=str(chosen)))


@progress_app.command("publish")
def publish_cmd(actor: Person, quarter: QuarterOption = None) -> None:
    """Publish the quarter's draft: its HTML and PDF in both languages, frozen for good."""
    from models.db import session_scope
    from services.progress_reports import public_url, publish

    hints.given_with(actor="--as", quarter="--quarter")
    chosen = _quarter(quarter)
    with session_scope() as session:
        publish(session, chosen, actor)
    say(
        [
            _("Progress report for {quarter} published.", quarter=str(chosen)),
            *(
                f"  {public_url(chosen, lang, fmt)}"
                for lang in ("cy", "en")
                for fmt in ("html", "pdf")
            ),
        ]
    )


@progress_app.command("save")
def save_cmd(
    actor: Person,
    folder: Annotated[Path, typer.Argument(help="The folder to write the files to.")],
    quarter: QuarterOption = None,
) -> None:
    """Write the quarter's report (the draft as previewed, or as published) as HTML and PDF in
    each language to FOLDER."""
    from models.db import session_scope
    from services.progress_reports import documents

    hints.given_with(actor="--as", quarter="--quarter", file="FOLDER")
    chosen = _quarter(quarter)
    if not folder.is_dir():
        raise ValidationError(
            _("Folder not found: {folder}. Create it or choose another.", folder=str(folder)),
            field="file",
        )
    with session_scope(read_only=True) as session:
        files = documents(session, chosen, actor)
    written = []
    for (language, format), content in sorted(files.items()):
        path = folder / f"progress-{chosen.slug}.{language}.{format}"
        path.write_bytes(content)
        written.append(f"  {path}")
    say([_("Progress report for {quarter} written:", quarter=str(chosen)), *written])
