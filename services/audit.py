"""Checking the decision log and anchoring its head (`models.audit`, `models.audit_check`)."""

from __future__ import annotations

from sqlmodel import Session

from dfr.errors import IntegrityError
from dfr.i18n import _
from models.audit import VerifyResult, anchor_head
from models.audit_check import verify_all, verify_all_but_anchor


def verify_log(session: Session) -> VerifyResult:
    """The chain, its anchored head, and every table the log vouches for."""
    return verify_all(session)


def reanchor(session: Session) -> int:
    """Anchor the head under the configured key once the chain and the tables verify without
    it: for a log written before anchoring, after a change of key, or once someone has looked
    into a head that no longer matched its anchor. Returns the head's seq."""
    result = verify_all_but_anchor(session)
    if not result.ok:
        raise IntegrityError(
            _(
                "The decision log does not verify, so its head was not anchored: {reason}",
                reason=result.reason or "",
            )
        )
    return anchor_head(session).seq
