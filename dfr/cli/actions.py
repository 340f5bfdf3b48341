"""`dfr actions done`, `confirm` and `send-back`: closing a condition or an amber action. The
id is the number `dfr show` prints beside each one (#3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from dfr.cli import hints, telling
from dfr.cli.app import actions_app, say
from dfr.i18n import _

if TYPE_CHECKING:
    from models.review import Action

ActionId = Annotated[int, typer.Argument(help="The condition's or action's number (dfr show).")]
Person = Annotated[str, typer.Option("--as", help="Your person id.")]


def _said(action: Action, line: str) -> None:
    """What was recorded, then tell people and say how that went."""
    from dfr.cli import render

    told = telling.tell_people([action.submission_id], "an action step")
    say(line)
    say(_("It is now {state}.", state=render.action_state(action.status)))
    telling.say_how_it_went(told)


@actions_app.command("done")
def done(
    action_id: ActionId,
    note: Annotated[str, typer.Option("--note", help="What was done.")],
    evidence: Annotated[
        str, typer.Option("--evidence", help="A link to the evidence (https://…).")
    ],
    actor: Person,
) -> None:
    """The submitter marks a condition or an amber action as done; its reviewer confirms it."""
    from dfr.cli import render
    from models.db import session_scope
    from services.actions import report_done

    hints.given_with(actor="--as", note="--note", evidence="--evidence", action="ACTION_ID")
    with session_scope() as session:
        action = report_done(session, action_id, actor, note, evidence)
    _said(
        action,
        _(
            "Reported done: {what}. The reviewer who set it is asked to confirm it.",
            what=render.action_name(action),
        ),
    )


@actions_app.command("confirm")
def confirm(action_id: ActionId, actor: Person) -> None:
    """The reviewer who set it confirms a condition or an amber action is done."""
    from dfr.cli import render
    from models.db import session_scope
    from services.actions import confirm_done

    hints.given_with(actor="--as", action="ACTION_ID")
    with session_scope() as session:
        action = confirm_done(session, action_id, actor)
    _said(action, _("Confirmed done: {what}.", what=render.action_name(action)))


@actions_app.command("send-back")
def send_back_cmd(
    action_id: ActionId,
    reason: Annotated[str, typer.Option("--reason", help="What is still missing (logged).")],
    actor: Person,
) -> None:
    """The reviewer who set it sends it back: it is not done yet, and why."""
    from dfr.cli import render
    from models.db import session_scope
    from services.actions import send_back

    hints.given_with(actor="--as", reason="--reason", action="ACTION_ID")
    with session_scope() as session:
        action = send_back(session, action_id, actor, reason)
    _said(action, _("Sent back: {what}.", what=render.action_name(action)))
