"""`dfr`: submit, review and audit from the command line. Exit 0 ok, 2 bad input or a refused
request, 3 a decision log that fails verification, 70 an internal error (logged with an id).

A command imports what it uses when it runs: `dfr --help` loads typer and the command
definitions only, and no command loads Prefect or the web stack unless it runs them
(`tests/test_cli_startup.py`).
"""

from __future__ import annotations

import sys

import typer

from dfr.cli import hints
from dfr.cli.app import app
from dfr.cli.incidents import record_incident
from dfr.errors import DfrError
from dfr.i18n import _

# Each module adds its commands to `app`; `dfr --help` lists them in this order: a
# submission's life first, then administration, then the engine.
# isort: off
from dfr.cli import submissions, reviews, actions, assessments, report_responses
from dfr.cli import notifications, admin
from dfr.cli import register, register_entry, register_links, reports, progress, engine, worker
# isort: on

COMMANDS = (
    submissions,
    reviews,
    actions,
    assessments,
    report_responses,
    notifications,
    admin,
    register,
    register_entry,
    register_links,
    reports,
    progress,
    engine,
    worker,
)


def main(argv: list[str] | None = None) -> int:
    """Run one command. A refusal prints one message (the domain's, with the CLI's hint) and
    changes nothing; an internal error prints only an id, and says nothing was changed only
    when no transaction was committed."""
    _forget_settings()
    hints.forget_options()
    commits_before = _read_write_commits()
    try:
        result = app(args=argv, standalone_mode=False)
        return result if isinstance(result, int) else 0
    except DfrError as err:
        typer.echo(hints.present(err), err=True)
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
        incident = record_incident("internal error")
        if _read_write_commits() == commits_before:
            message = _(
                "Internal error (id {id}). Nothing was changed; please report the id.",
                id=incident,
            )
        else:
            message = _(
                "Internal error (id {id}). Some changes may have been saved; please report the id.",
                id=incident,
            )
        typer.echo(message, err=True)
        return 70


def _forget_settings() -> None:
    """Read the settings afresh for each command (tests run many in one process); before
    anything has read them there is nothing to forget, and nothing to import."""
    settings = sys.modules.get("dfr.settings")
    if settings is not None:
        settings.get_settings.cache_clear()


def _read_write_commits() -> int:
    """`models.db.read_write_commits`, without importing the database layer for a command that
    never opens it: until it is imported, nothing can have been committed."""
    db = sys.modules.get("models.db")
    return db.read_write_commits() if db is not None else 0


def run() -> None:
    sys.exit(main())
