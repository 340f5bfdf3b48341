"""Refused steps, recorded: every service that refuses a person (a decision, a step on a
condition) logs it at INFO with the person, the reason, what was refused and the request id,
never a password or token. The refusals a step can meet are these three kinds."""

from __future__ import annotations

import logging

from dfr.errors import DfrError, NotFoundError, PermissionDeniedError, TransitionError
from dfr.request_id import log_fields

REFUSALS = (NotFoundError, PermissionDeniedError, TransitionError)


def log_refusal(
    log: logging.Logger, what: str, person_id: str, refusal: DfrError, **about: object
) -> None:
    """`what` (e.g. "decision") refused to `person_id`; `about` names what it was about
    (`submission_id=12, stage=…`), in the message and as fields of the record."""
    named = ", ".join(f"{key.removesuffix('_id')} {value}" for key, value in about.items())
    log.info(
        "%s refused: %s on %s: %s",
        what,
        person_id,
        named,
        refusal.message,
        extra=log_fields(
            person=person_id, refusal=type(refusal).__name__, reason=refusal.message, **about
        ),
    )
