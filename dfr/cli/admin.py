"""`dfr init`, `db upgrade`, `export`, `import`, `audit verify`, `audit anchor` and
`checklists …`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dfr.cli.app import app, audit_app, checklist_registry, checklists_app, db_app, say
from dfr.errors import IntegrityError
from dfr.i18n import _, _n, get_language


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version (Alembic)."""
    from dfr.settings import get_settings
    from models.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    say(_("Database is up to date: {url}", url=settings.safe_database_url()))


@app.command()
def init(
    directory: Annotated[
        list[Path] | None, typer.Option("--directory", help="YAML file(s) of DGs and people.")
    ] = None,
) -> None:
    """Create the database and load DGs and people (default: the demo data in examples/)."""
    from dfr.settings import get_settings
    from services.setup import set_up

    settings = get_settings()
    files = directory or [
        settings.examples_dir / "directorates.yaml",
        settings.examples_dir / "people.yaml",
    ]
    loaded = set_up(settings.database_url, files)
    # Each count takes its own plural forms ("1 DG", Welsh "2 Gyfarwyddiaeth Gyffredinol").
    dgs = _n("{count} DG", "{count} DGs", loaded.directorates, count=loaded.directorates)
    people = _n("{count} person", "{count} people", loaded.people, count=loaded.people)
    say(
        _(
            "Ready: {url} with {dgs} and {people}.",
            url=settings.safe_database_url(),
            dgs=dgs,
            people=people,
        )
    )


@app.command("export")
def export_cmd(
    file: Annotated[Path, typer.Argument(help="Where to write the JSON-lines export.")],
) -> None:
    """Write the whole database as JSON lines (a backup that `dfr import` restores exactly)."""
    from models.db import default_engine
    from services.backup import export_to_file

    count = export_to_file(default_engine(), file)
    say(
        _n(
            "Exported {count} row to {file}.",
            "Exported {count} rows to {file}.",
            count,
            count=count,
            file=str(file),
        )
    )


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="A file written by `dfr export`.")],
) -> None:
    """Restore an export into an empty database, verifying the decision log first."""
    from dfr.settings import get_settings
    from services.backup import import_from_file

    count = import_from_file(get_settings().database_url, file)
    say(
        _n(
            "Imported {count} row; the decision log verifies.",
            "Imported {count} rows; the decision log verifies.",
            count,
            count=count,
        )
    )


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the decision log's hash chain and its anchored head, then the tables it vouches
    for; name the first broken entry (or the head)."""
    from dfr.cli import render
    from models.db import session_scope
    from services.audit import verify_log

    with session_scope(read_only=True) as session:
        result = verify_log(session)
    if not result.ok:
        raise IntegrityError(render.verify_line(result))
    say(render.verify_line(result))


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Anchor the log's head with DFR_AUDIT_KEY, once the chain and tables verify: for a log
    written before anchoring, after changing the key, or after looking into a broken head."""
    from models.db import session_scope
    from services.audit import reanchor

    with session_scope() as session:
        seq = reanchor(session)
    say(_("The decision log's head (entry {seq}) is anchored with the audit key.", seq=seq))


@checklists_app.command("list")
def checklists_list() -> None:
    """Every checklist version, with status and content hash."""
    lang = get_language()
    for (cid, version), checklist in sorted(checklist_registry().checklists.items()):
        d = checklist.definition
        say(
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
    from checklists.loader import configured_folder, load_registry

    registry = load_registry(folder or configured_folder())
    count = len(registry.checklists)
    say(
        _n(
            "The {count} checklist version is valid.",
            "All {count} checklist versions are valid.",
            count,
            count=count,
        )
    )


@checklists_app.command("show")
def checklists_show(
    checklist_id: Annotated[str, typer.Argument()],
    version: Annotated[int | None, typer.Option("--version")] = None,
) -> None:
    """The questions, rules and flags of one checklist, in the chosen language."""
    from dfr.cli import render

    say(render.checklist_lines(checklist_registry().get(checklist_id, version)))


@checklists_app.command("publish")
def checklists_publish(checklist_id: str, version: int) -> None:
    """Record a version's content hash: from now on it may not change."""
    from checklists.loader import configured_folder
    from services.checklists import publish

    published = publish(configured_folder(), checklist_id, version)
    say(_("Published {key} ({hash}).", key=published.key, hash=published.content_hash[:12]))
