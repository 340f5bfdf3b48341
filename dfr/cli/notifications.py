"""`dfr notifications list` and `dfr notifications retry`."""

from __future__ import annotations

from typing import Annotated

import typer

from dfr.cli import telling
from dfr.cli.app import notifications_app, say
from dfr.i18n import _, _n


@notifications_app.command("list")
def notifications_list(
    status: Annotated[
        str | None, typer.Option("--status", help="pending, sending, delivered or failed")
    ] = None,
) -> None:
    """Notification rows with their status, attempts and last error."""
    from models.db import session_scope
    from services.notifications import list_notifications

    with session_scope(read_only=True) as session:
        rows = list_notifications(session, status)
    if not rows:
        say(_("No notifications."))
    for row in rows:
        error = f" — {row.last_error}" if row.last_error else ""
        where = f"{row.channel} {row.address}"
        say(f"{row.id} [{row.status}] {where} ({row.attempts}): {row.subject}{error}")


@notifications_app.command("retry")
def notifications_retry(
    ids: Annotated[
        list[str] | None, typer.Argument(help="Notification ids (default: every failed one).")
    ] = None,
) -> None:
    """Send failed notifications again."""
    from models.db import session_scope
    from services.notifications import queue_failed_again

    with session_scope() as session:
        count = queue_failed_again(session, ids)
    say(
        _n(
            "{count} failed notification queued again.",
            "{count} failed notifications queued again.",
            count,
            count=count,
        )
    )
    telling.say_how_it_went(telling.deliver_pending("queueing failed ones"))
