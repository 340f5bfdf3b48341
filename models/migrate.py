"""Bring a database to the newest schema with Alembic (`dfr db upgrade`, `dfr init`)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from dfr.paths import resource
from models.db import make_engine


def alembic_config(database_url: str) -> Config:
    """Alembic's configuration for `database_url`, with the migrations shipped with `dfr`."""
    config = Config(str(resource("alembic.ini")))
    config.set_main_option("script_location", str(resource("migrations")))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
