"""The one settings object. Every value can be set with an environment variable prefixed `DFR_`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Language = Literal["cy", "en"]

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration; defaults give the embedded mode (SQLite under ./var/)."""

    model_config = SettingsConfigDict(env_prefix="DFR_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/dfr.sqlite3",
        description="SQLAlchemy URL. Embedded default: a SQLite file under ./var/.",
    )
    language: Language = Field(default="en", description="Default language for CLI output.")
    var_dir: Path = Field(default=Path("var"), description="Where embedded-mode files live.")
    checklists_dir: Path = Field(
        default=REPO_ROOT / "checklists" / "data",
        description="Versioned checklist YAML definitions.",
    )
    examples_dir: Path = Field(default=REPO_ROOT / "examples")
    base_url: str = Field(
        default="http://127.0.0.1:8000", description="Public URL used in links to items."
    )

    def safe_database_url(self) -> str:
        """The database URL with any password masked, for logs and messages."""
        from sqlalchemy.engine import make_url

        return make_url(self.database_url).render_as_string(hide_password=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once from the environment)."""
    return Settings()
