"""The `dfr` typer app: its command groups, the `--lang` option and how commands print.

Imports only typer and the core at the top, as every command module does: what a command
uses is imported when it runs, so `dfr --help` starts in a fraction of a second."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from typer import _click as click
from typer.core import TyperGroup

from dfr.errors import ValidationError
from dfr.i18n import set_language

if TYPE_CHECKING:
    from checklists.loader import Registry


class PlainHelp(TyperGroup):
    """Help as plain text, each command with its whole first sentence (click would cut it at
    the terminal's width). Rich's boxes would take longer to import than everything else
    `dfr --help` needs together."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, command.get_short_help_str(limit=1000))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def command_group(help: str) -> typer.Typer:
    """A group of `dfr` commands, its help in plain text."""
    return typer.Typer(
        cls=PlainHelp,
        no_args_is_help=True,
        rich_markup_mode=None,
        add_completion=False,
        pretty_exceptions_enable=False,
        help=help,
    )


app = command_group(
    "Digital-first review: checklists, reviews, assessments and a tamper-evident log."
)
db_app = command_group("Database schema.")
audit_app = command_group("The tamper-evident decision log.")
checklists_app = command_group("Checklist definitions.")
notifications_app = command_group("Notifications and their delivery.")
actions_app = command_group("Conditions and amber actions: mark done, confirm, send back.")
register_app = command_group("The register of transactional services and its KPIs.")
app.add_typer(actions_app, name="actions")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(checklists_app, name="checklists")
app.add_typer(notifications_app, name="notifications")
app.add_typer(register_app, name="register")


def say(lines: list[str] | str) -> None:
    """Print a line, or lines, of the command's result."""
    typer.echo("\n".join(lines) if isinstance(lines, list) else lines)


def warn(line: str) -> None:
    """Print a warning about something that went wrong after the result was recorded."""
    typer.echo(line, err=True)


def checklist_registry() -> Registry:
    """The configured checklists, loaded once; a broken definition stops the command here."""
    from checklists.loader import registry

    return registry()


@app.callback()
def _options(
    lang: Annotated[
        str | None, typer.Option("--lang", help="Output language: cy (Cymraeg) or en (English).")
    ] = None,
) -> None:
    from dfr.settings import get_settings

    chosen = lang or get_settings().language
    if chosen not in ("cy", "en"):
        raise ValidationError(
            f"--lang must be cy or en, not {chosen!r}. / "
            f"Rhaid i --lang fod yn cy neu en, nid {chosen!r}."
        )
    set_language(chosen)  # type: ignore[arg-type]
