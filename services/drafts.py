"""Web drafts: a policy officer's scratch space before submitting, and their retention."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from models.draft import Draft


def discard_stale_drafts(session: Session, now: datetime, days: int) -> int:
    """Delete unsent drafts nobody has changed for `days` days; return how many. A sent draft
    stays: it is the record that the submission came from the web UI."""
    result = session.execute(
        delete(Draft).where(
            col(Draft.submission_id).is_(None), col(Draft.updated_at) < now - timedelta(days=days)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
