"""Bring a database to the newest schema with Alembic (`dfr db upgrade`, `dfr init`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from dfr.errors import DatabaseNotReadyError
from dfr.i18n import _
from dfr.paths import resource
from models.db import engine_for, make_engine

if TYPE_CHECKING:
    from alembic.config import Config

# How each migration file names itself and the one it builds on (see migrations/versions/).
_REVISION = re.compile(r"""^revision(?:: *str)? *= *["']([^"']+)["'] *$""", re.MULTILINE)
_BUILDS_ON = re.compile(
    r"""^down_revision(?::[^=\n]*)? *= *(?:None|["']([^"']+)["']) *$""", re.MULTILINE
)


def alembic_config(database_url: str) -> Config:
    """Alembic's configuration for `database_url`, with the migrations shipped with `dfr`."""
    from alembic.config import Config

    config = Config(str(resource("alembic.ini")))
    config.set_main_option("script_location", str(resource("migrations")))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    from alembic import command

    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def newest_revision() -> str | None:
    """The newest migration's revision, read from the files' text: the one revision no other
    builds on. None where the files say anything this reading is unsure of (a file it cannot
    read, two newest): then Alembic decides. Importing Alembic would cost every command that
    opens the database a good part of its start-up."""
    revisions: set[str] = set()
    built_on: set[str] = set()
    for path in resource("migrations", "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, builds_on = _REVISION.findall(source), _BUILDS_ON.findall(source)
        if len(revision) != 1 or len(builds_on) != 1:
            return None
        revisions.add(revision[0])
        if builds_on[0]:
            built_on.add(builds_on[0])
    newest = revisions - built_on
    return newest.pop() if len(newest) == 1 and built_on <= revisions else None


def _recorded_revision(database_url: str) -> str | None:
    """The revision the database says it has, or None if it cannot say (Alembic then looks)."""
    try:
        with engine_for(database_url).connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DatabaseError:
        return None


def require_current_schema(database_url: str, shown_url: str) -> None:
    """Raise DatabaseNotReadyError, saying what to do, unless the database has the newest
    schema: a missing, empty or foreign file (never set up), an older revision (not migrated),
    or a revision these migrations do not know (made by a newer version). A SQLite file that
    is missing or empty is neither created nor opened."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database or "")
        if not path.is_file() or path.stat().st_size == 0:
            raise DatabaseNotReadyError(
                _("The database {url} is not set up for dfr yet.", url=shown_url),
                field="database",
            )
    if _recorded_revision(database_url) == newest_revision():
        return  # the everyday case, decided without loading Alembic
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    head = scripts.get_current_head()
    try:
        with engine_for(database_url).connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except DatabaseError:  # e.g. SQLite's "file is not a database"
        raise DatabaseNotReadyError(
            _("{url} is not a database dfr can use.", url=shown_url), field="database_url"
        ) from None
    if current == head:
        return
    if current is None:
        raise DatabaseNotReadyError(
            _("The database {url} is not set up for dfr yet.", url=shown_url), field="database"
        )
    if current in {script.revision for script in scripts.walk_revisions()}:
        raise DatabaseNotReadyError(
            _(
                "The database {url} has not been migrated to this version of dfr (it is at "
                "schema revision {current}; this version needs {head}).",
                url=shown_url,
                current=current,
                head=head,
            ),
            field="schema",
        )
    raise DatabaseNotReadyError(
        _(
            "The database {url} has schema revision {current}, which this version of dfr does "
            "not know: a newer version migrated it. Use that version.",
            url=shown_url,
            current=current,
        ),
        field="database_url",
    )
