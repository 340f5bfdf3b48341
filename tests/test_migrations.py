"""`alembic upgrade head` on an empty database gives exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from models.db import dispose_engine, engine_for
from models.migrate import alembic_config, upgrade
from models.tables import load_every_table


def schema_differences(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, load_every_table())


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
        t.name for t in load_every_table().sorted_tables
    }
    assert schema_differences(engine) == []
    upgrade(url)  # running it again is harmless
    dispose_engine(url)


def test_upgrading_gives_existing_review_tasks_their_submissions_dg(tmp_path):
    """0002 copies each task's DG from its submission: nothing in flight is left without one."""
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0001")
    engine = engine_for(url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO directorate (code, name_cy, name_en) VALUES ('EST', 'E', 'E')")
        )
        conn.execute(
            text("INSERT INTO person (id, name, email, language) VALUES ('p', 'P', 'e', 'en')")
        )
        conn.execute(
            text(
                "INSERT INTO submission (id, kind, title_cy, title_en, summary_cy, summary_en, "
                "dg_code, submitter_id, state, submitted_on, created_at, updated_at, round, "
                "version) VALUES (7, 'initiative', 't', 't', 's', 's', 'EST', 'p', 'in_review', "
                "'2027-01-04', '2027-01-04', '2027-01-04', 1, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO review_task (submission_id, stage, position, round, attempt, status) "
                "VALUES (7, 'digital_options_review', 0, 1, 1, 'open')"
            )
        )
    dispose_engine(url)
    upgrade(url)
    engine = engine_for(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT dg_code FROM review_task")).scalar_one() == "EST"
    assert schema_differences(engine) == []
    dispose_engine(url)


def test_no_index_is_covered_by_another(database_url):
    """An index on columns that begin a wider index or unique constraint of the same table
    serves no lookup the wider one does not, and every write pays for both (0017 dropped
    fifteen). Read from the migrated database, so a migration adding one fails here too."""
    inspector = inspect(engine_for(database_url))
    covered = []
    for table in inspector.get_table_names():
        keys = [(i["name"], i["column_names"]) for i in inspector.get_indexes(table)]
        keys += [(u["name"], u["column_names"]) for u in inspector.get_unique_constraints(table)]
        for name, columns in keys:
            for other, wider in keys:
                if len(wider) > len(columns) and wider[: len(columns)] == columns:
                    covered.append(f"{table}.{name} {columns} by {other} {wider}")
    assert covered == []
