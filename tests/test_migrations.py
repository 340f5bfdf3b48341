"""`alembic upgrade head` on an empty database gives exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

import models  # noqa: F401 - registers the tables
import notifications.records  # noqa: F401
from models.db import dispose_engine, engine_for
from models.migrate import alembic_config, upgrade


def schema_differences(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def test_migrated_database_equals_the_models(database_url):
    """The fixture builds each database by running the migrations on an empty one."""
    assert schema_differences(engine_for(database_url)) == []


def test_upgrade_on_an_empty_sqlite_file_reaches_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'dfr.sqlite3'}"
    upgrade(url)
    engine = engine_for(url)
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head
    assert set(inspect(engine).get_table_names()) >= {
        t.name for t in SQLModel.metadata.sorted_tables
    }
    assert schema_differences(engine) == []
    upgrade(url)  # running it again is harmless
    dispose_engine(url)
