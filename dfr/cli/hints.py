"""What the CLI adds to a domain error: where on the command line to look.

Domain errors are neutral (they name no command or option); their `field` says which input an
error is about. A command says which option gives which field (`given_with`); fields that every
command reads the same way have their hint here.
"""

from __future__ import annotations

from contextvars import ContextVar

from dfr.errors import DfrError
from dfr.i18n import _

# Fields that hold a person's id.
PEOPLE = frozenset(
    {"actor", "actor_id", "submitter", "assignee", "person", "person_id", "delegate", "to"}
)
SUBMISSIONS = frozenset({"submission", "submission_id", "reference"})

_options: ContextVar[dict[str, str] | None] = ContextVar("dfr_cli_options", default=None)


def given_with(**options: str) -> None:
    """Declare, for the running command, the option that gives each field (`actor="--as"`)."""
    _options.set(dict(options))


def forget_options() -> None:
    _options.set(None)


def hint_for(err: DfrError) -> str | None:
    """The CLI's own advice for an error about `err.field`, or None."""
    if err.resume_line is not None:
        return _("Once it is corrected, resume with --from-line {line}.", line=err.resume_line)
    return _field_hint(err.field)


def _field_hint(field: str | None) -> str | None:
    if not field:
        return None
    option = (_options.get() or {}).get(field)
    if option is not None:
        if field in PEOPLE:
            return _("Check the id given with {option}.", option=option)
        return _("Check the value given with {option}.", option=option)
    if field in SUBMISSIONS:
        return _("List them with `dfr tasks`.")
    if field in ("submitter", "dg"):
        return _("The file must name DGs and people loaded with `dfr init`.")
    if field == "service":
        return _("List the services on the register with `dfr register list`.")
    if field == "notification":
        return _("List the failed ones with `dfr notifications list --status failed`.")
    if field == "database":
        return _("Run `dfr init` to set it up, or check DFR_DATABASE_URL.")
    if field == "schema":
        return _("Run `dfr db upgrade` to migrate it.")
    if field == "database_url":
        return _("Check DFR_DATABASE_URL.")
    if field.startswith("answers."):
        checklist = field.split(".")[1]
        return _("See its questions with `dfr checklists show {checklist}`.", checklist=checklist)
    return None


def present(err: DfrError) -> str:
    """The error as the CLI prints it: the domain's message, then the CLI's hint; where
    several inputs are wrong, a line for each, named by its option (or its field)."""
    if len(err.by_field) > 1:
        options = _options.get() or {}
        lines = [_("Error: {count} values are wrong.", count=len(err.by_field))]
        for field, problem in err.by_field.items():
            hint = None if field in options else _field_hint(field)
            lines.append(f"  {options.get(field, field)}: {problem}" + (f" {hint}" if hint else ""))
        return "\n".join(lines)
    message = err.message
    hint = hint_for(err)
    if hint and hint not in message:
        message = f"{message} {hint}"
    return _("Error: {message}", message=message)
