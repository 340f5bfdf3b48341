"""The `dfr` typer app: its command groups, the `--lang` option and how commands print."""

from __future__ import annotations

from typing import Annotated

import typer

from checklists.loader import Registry, registry
from dfr.errors import ValidationError
from dfr.i18n import set_language
from dfr.settings import get_settings

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Digital-first review: checklists, reviews, assessments and a tamper-evident log.",
)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
audit_app = typer.Typer(no_args_is_help=True, help="The tamper-evident decision log.")
checklists_app = typer.Typer(no_args_is_help=True, help="Checklist definitions.")
notifications_app = typer.Typer(no_args_is_help=True, help="Notifications and their delivery.")
actions_app = typer.Typer(
    no_args_is_help=True, help="Conditions and amber actions: mark done, confirm, send back."
)
register_app = typer.Typer(
    no_args_is_help=True, help="The register of transactional services and its KPIs."
)
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
