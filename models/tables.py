"""Every table module, for what needs the whole schema on `SQLModel.metadata`: the migrations,
the backup, the tests' clean-up. Importing `models` loads none of them (see its docstring)."""

from __future__ import annotations

from importlib import import_module

from sqlalchemy import MetaData
from sqlmodel import SQLModel

TABLE_MODULES = (
    "models.acknowledgement",
    "models.assessment_panel",
    "models.assessment_rating",
    "models.assessment_report",
    "models.audit",
    "models.digest",
    "models.directory",
    "models.draft",
    "models.notification",
    "models.overview_counts",
    "models.progress_report",
    "models.published_report",
    "models.reminders",
    "models.report_response",
    "models.review",
    "models.service_links",
    "models.service_register",
    "models.service_returns",
    "models.sign_in",
    "models.submission",
)


def load_every_table() -> MetaData:
    """`SQLModel.metadata` with every table of the schema on it."""
    for module in TABLE_MODULES:
        import_module(module)
    return SQLModel.metadata
