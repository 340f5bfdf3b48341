"""The one settings object. Every value can be set with an environment variable prefixed `DFR_`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from dfr.paths import resource

Language = Literal["cy", "en"]


class Settings(BaseSettings):
    """Runtime configuration; defaults give the embedded mode (SQLite under ./var/)."""

    model_config = SettingsConfigDict(env_prefix="DFR_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/dfr.sqlite3",
        description="SQLAlchemy URL. Embedded default: a SQLite file under ./var/.",
    )
    language: Language = Field(default="en", description="Default language for CLI output.")
    var_dir: Path = Field(default=Path("var"), description="Where embedded-mode files live.")
    checklists_dir: Path | None = Field(
        default=None,
        description="Versioned checklist YAML definitions; unset: those shipped in checklists/.",
    )
    examples_dir: Path = Field(
        default_factory=lambda: resource("examples"),
        description="The demo directory of DGs and people, and the example submissions.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000", description="Public URL used in links to items."
    )
    support_email: str = Field(
        default="digital-first-review@example.org",
        description="Where people report a problem or ask for another format (help, "
        "accessibility statement and privacy pages).",
    )

    # Notifications. With neither Slack nor SMTP configured, messages go to the outbox folder.
    outbox_dir: Path = Field(default=Path("var/outbox"))
    slack_token: SecretStr | None = Field(default=None, description="Slack bot token (xoxb-…).")
    slack_api_url: str | None = Field(
        default=None, description="Slack Web API base URL, ending in /; default: Slack's own."
    )
    slack_timeout_seconds: float = Field(
        default=10.0, gt=0, description="How long to wait for Slack's answer to one request."
    )
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "digital-first-review@localhost"
    smtp_timeout_seconds: float = 10.0
    remind_before_working_days: int = Field(
        default=2, ge=0, description="Remind the assignee this many working days before due."
    )
    second_escalation_after_working_days: int = Field(
        default=5, gt=0, description="Escalate to the Digital CoE this long after the due date."
    )
    assessment_notice_weeks: int = Field(
        default=4,
        ge=0,
        description="Book a Service Standard assessment at least this many weeks ahead.",
    )
    draft_retention_days: int = Field(
        default=28,
        ge=1,
        description="Delete a web draft not changed for this many days (the daily sweep).",
    )
    # A month's return for the register is late when it is not in by this working day of
    # the next month (no source sets one: GDS's service data tool collected returns monthly).
    return_due_working_day: int = Field(
        default=10, ge=1, le=20, description="A monthly return is due by this working day."
    )
    return_escalate_after_working_days: int = Field(
        default=10,
        ge=1,
        description="Tell the DG's Digital Leader of a return this late after it was due.",
    )
    notify_max_attempts: int = Field(default=5, ge=1)
    notify_backoff_seconds: float = Field(default=2.0, ge=0)
    notify_max_wait_seconds: float = Field(
        default=60.0, ge=0, description="Longest a delivery run waits for a retry to fall due."
    )
    notify_lease_seconds: float = Field(
        default=120.0, gt=0, description="After this, a row left 'sending' is reconciled."
    )

    # The decision log's head is anchored with an HMAC under this key, kept outside the
    # database, so that someone who can write the database cannot truncate the log unseen.
    audit_key: SecretStr | None = Field(
        default=None,
        description="Key (HMAC-SHA-256) anchoring the decision log's head outside the "
        "database; required in production; unset (embedded only): generated into var/.",
    )

    # Web UI. "demo": choose a person from the directory, guarded by a local password (the
    # embedded default). "header": a reverse proxy signs people in and passes their person id
    # in a trusted header (production; never expose the app directly in this mode).
    web_host: str = Field(default="127.0.0.1", description="Address the web UI listens on.")
    web_port: int = Field(default=8000, ge=1, le=65535)
    web_workers: int = Field(
        default=1, ge=1, description="Web UI processes; more serve more people at once."
    )
    web_auth: Literal["demo", "header"] = "demo"
    web_identity_header: str = Field(
        default="X-Remote-User", description="Header the reverse proxy puts the person id in."
    )
    web_demo_password: SecretStr | None = Field(
        default=None, description="Demo sign-in password; unset: generated into var/."
    )
    web_demo_on_network: bool = Field(
        default=False,
        description="Let demo sign-in listen on an address other than loopback (not advised).",
    )
    # Sessions live in the application database; the cookie holds only a random id.
    web_session_idle_minutes: int = Field(
        default=30, ge=1, description="A session unused this long ends."
    )
    web_session_max_hours: int = Field(
        default=12, ge=1, description="A session ends this long after sign-in, used or not."
    )
    # Demo sign-in throttling, per person and per client address: after `delay_after` wrong
    # passwords within the window each attempt waits 1, 2, 4… s; after `lock_after` signing
    # in is locked for `lock_minutes`. A client address (an office behind one address) is
    # allowed more before it is slowed down.
    web_sign_in_window_minutes: int = Field(default=15, ge=1)
    web_sign_in_delay_after: int = Field(default=5, ge=1)
    web_sign_in_lock_after: int = Field(default=10, ge=1)
    web_sign_in_lock_minutes: int = Field(default=15, ge=1)
    web_sign_in_client_delay_after: int = Field(default=20, ge=1)
    web_sign_in_client_lock_after: int = Field(default=50, ge=1)

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    # Production: how front doors start flows, and the Prefect work pool the workers serve.
    flow_mode: Literal["auto", "deployments", "in-process"] = Field(
        default="auto",
        description="deployments: through the work pool's deployments (needs PREFECT_API_URL); "
        "in-process: in the caller; auto: deployments when they are registered.",
    )
    work_pool: str = Field(default="dfr", description="Prefect process work pool for `dfr worker`.")

    @property
    def production(self) -> bool:
        """Signed in by a reverse proxy, or flows started through a work pool's deployments:
        secrets must then come from the environment, never be generated into var/."""
        return self.web_auth == "header" or self.flow_mode == "deployments"

    @property
    def slack_enabled(self) -> bool:
        return self.slack_token is not None

    @property
    def email_enabled(self) -> bool:
        return self.smtp_host is not None

    def safe_database_url(self) -> str:
        """The database URL with any password masked, for logs and messages."""
        from sqlalchemy.engine import make_url

        return make_url(self.database_url).render_as_string(hide_password=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once from the environment)."""
    return Settings()
