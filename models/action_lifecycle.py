"""Conditions and amber actions after a decision: every allowed `source → move → target`, who
may take it, and what an evidence link must look like. Pure.

Read this table first. Anything not in it raises `TransitionError` (or `PermissionDeniedError`
when the table gives the move to someone else).

    open ──report_done──▶ reported_done ──confirm───▶ done
      ▲ (submitter: a note and a link       │ (the reviewer who set it)
      │  to the evidence)                   │
    sent_back ◀──────────send_back──────────┘ (the reviewer who set it, with a reason)

A sent-back action is the submitter's again (and chased again). Withdrawing or rejecting the
submission cancels whatever is outstanding (`services.stages.cancel_open_actions`); an
assessment at alpha, beta or live fulfils an "assessment due" obligation
(`services.decide`). Obligations are never reported done by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from dfr import labels
from dfr.errors import PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import _
from dfr.labels import label
from models import text_limits
from models.text_limits import within


class ActionState(StrEnum):
    OPEN = "open"
    REPORTED_DONE = "reported_done"
    DONE = "done"
    SENT_BACK = "sent_back"
    CANCELLED = "cancelled"


class ActionTaker(StrEnum):
    """Who takes a move: the submission's submitter, or the reviewer who set the action (or
    whoever stands in for them: `services.actions` establishes it)."""

    SUBMITTER = "submitter"
    SETTER = "setter"


@dataclass(frozen=True)
class ActionMove:
    source: ActionState
    move: str
    target: ActionState
    by: ActionTaker


_A, _SUBMITTER, _SETTER = ActionState, ActionTaker.SUBMITTER, ActionTaker.SETTER

# fmt: off
ACTION_MOVES: tuple[ActionMove, ...] = (
    #          source             move           target             by
    ActionMove(_A.OPEN,           "report_done", _A.REPORTED_DONE,  _SUBMITTER),
    ActionMove(_A.SENT_BACK,      "report_done", _A.REPORTED_DONE,  _SUBMITTER),
    ActionMove(_A.REPORTED_DONE,  "confirm",     _A.DONE,           _SETTER),
    ActionMove(_A.REPORTED_DONE,  "send_back",   _A.SENT_BACK,      _SETTER),
)
# fmt: on

# Still owed: chased by the reminder sweep while the submitter holds it, and listed as
# outstanding (a submission with any of these finishes "approved with conditions").
SUBMITTER_HOLDS = frozenset({ActionState.OPEN, ActionState.SENT_BACK})
OUTSTANDING = frozenset({*SUBMITTER_HOLDS, ActionState.REPORTED_DONE})
FINISHED = frozenset({ActionState.DONE, ActionState.CANCELLED})

# Kinds a person reports done; obligations are met by what they ask for (an assessment).
REPORTABLE_KINDS = ("condition", "amber_action")


def apply_move(source: str, move: str, takers: frozenset[ActionTaker]) -> ActionMove:
    """The move someone acting as `takers` makes with `move` from `source`: its target is
    the new state. Raises PermissionDeniedError when the table gives the move to someone
    else, TransitionError when it is not allowed from `source`."""
    found = next((m for m in ACTION_MOVES if m.source == source and m.move == move), None)
    # Who may make a move does not depend on the state: someone who may never make it hears
    # that, not which state the action is in.
    by = found.by if found else next(m.by for m in ACTION_MOVES if m.move == move)
    if by not in takers:
        raise PermissionDeniedError(
            _(
                "Only {who} can {move}.",
                who=label(labels.ACTION_TAKERS, by.value),
                move=label(labels.ACTION_MOVES, move),
            ),
            field="actor",
        )
    if found is None:
        possible = [m.move for m in ACTION_MOVES if m.source == source and m.by in takers]
        if possible:
            allowed = ", ".join(label(labels.ACTION_MOVES, m) for m in possible)
        elif source in FINISHED:
            allowed = _("nothing (it is finished)")
        else:
            allowed = _("nothing until someone else takes the next step")
        raise TransitionError(
            _(
                "This is {state}, so this step is not possible: {move}. Possible now: {allowed}.",
                state=label(labels.ACTION_STATUSES, source),
                move=label(labels.ACTION_MOVES, move),
                allowed=allowed,
            ),
            field="action",
        )
    return found


def moves_from(source: str, takers: frozenset[ActionTaker]) -> list[str]:
    """The moves someone acting as `takers` may make from `source` (what a page offers)."""
    return [m.move for m in ACTION_MOVES if m.source == source and m.by in takers]


def _required(value: str, limit: int, field: str, missing: str) -> str:
    """`value` without surrounding space: not empty (else `missing`, about `field`) and
    within `limit`."""
    value = within(value.strip(), limit, field)
    if not value:
        raise ValidationError(missing, field=field)
    return value


def done_note(value: str) -> str:
    """What the submitter says was done: required, within the limit."""
    return _required(value, text_limits.DONE_NOTE, "note", _("Say what was done, in a short note."))


def evidence_link(value: str) -> str:
    """A link to the evidence: an http or https web address with a host, within the limit."""
    value = _required(
        value,
        text_limits.EVIDENCE_LINK,
        "evidence",
        _(
            "Give a link to the evidence: a web address starting with https://, for "
            "example https://www.gov.wales/report."
        ),
    )
    parts = urlsplit(value)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() or ord(c) < 32 for c in value)
    ):
        raise ValidationError(
            _(
                "The link to the evidence must be a web address starting with https:// (or "
                "http://) and without spaces, for example https://www.gov.wales/report."
            ),
            field="evidence",
        )
    return value


def send_back_reason(value: str) -> str:
    """Why a reviewer sends an action back: required, within the limit."""
    return _required(
        value,
        text_limits.REASON,
        "reason",
        _("Say why it is not done yet, so the submitter knows what is missing."),
    )
