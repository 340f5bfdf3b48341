"""Register proposals: an approved submission that builds a new digital service (its
digital-options answer "Will this build or change a digital service?" is yes) and is not linked
to a register entry is a proposal for one. The CoE's register page lists them; the CoE accepts
one in one step (the entry is added, pre-filled from the submission, and linked to it) or
dismisses it with a reason. Both are in the decision log, on the submission's history.

A proposal is worked out, not stored, and a submission linked to a service it changes is
never proposed. The approval that makes one appends `register.proposed` to the decision log
(`proposal_entry`), from which the CoE is told once, with a link to where they accept or dismiss
it (`notifications.recipients`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from sqlalchemy import ColumnElement, Exists
from sqlmodel import Session, col, select, true

from dfr.errors import NotFoundError, ValidationError
from dfr.i18n import _
from models import audit
from models.lifecycle import State
from models.service_links import CHANGES, CREATES, ProposalDismissal, ServiceLink
from models.service_register import PHASES, Service
from models.submission import ChecklistAnswers, Submission
from services.register import (
    EVENT_ADDED,
    EntryRejectedError,
    Vocabulary,
    check_entry,
    require_editor,
)
from services.service_links import set_link

APPROVED = (State.APPROVED.value, State.APPROVED_WITH_CONDITIONS.value)
EVENT_ACCEPTED = "register.proposal_accepted"
EVENT_DISMISSED = "register.proposal_dismissed"
EVENT_PROPOSED = "register.proposed"


@dataclass(frozen=True)
class Proposal:
    """An approved submission for a new service, and the entry it would make."""

    submission: Submission
    entry: dict[str, str]  # the register entry's fields as text, pre-filled


def _slug(title: str, taken: set[str]) -> str:
    """An address from the English title: `Apply for a boat permit` → `apply-for-a-boat-permit`."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    base = "-".join(re.findall(r"[a-z0-9]+", plain))[:70].strip("-") or "service"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _entry(
    submission: Submission, answers: Mapping[str, object], taken: set[str]
) -> dict[str, str]:
    """The entry pre-filled from the submission: its titles and summaries, its DG, and its
    phase ("not yet digital" when it did not say one)."""
    return {
        "slug": _slug(submission.title_en, taken),
        "name_cy": submission.title_cy[:200],
        "name_en": submission.title_en[:200],
        "description_cy": submission.summary_cy[:2000],
        "description_en": submission.summary_en[:2000],
        "dg": submission.dg_code,
        "transaction_type": "",
        "customer_type": "citizens" if answers.get("public_facing") else "public_sector",
        "channels": "online",
        "assisted_digital": "yes" if answers.get("assisted_digital") else "no",
        "phase": submission.phase if submission.phase in PHASES else "not_yet_digital",
        "web_address": "",
    }


def _options_answers() -> ColumnElement[bool]:
    """For a query on Submission: its current round's answers to the digital-options
    checklist."""
    return (
        (col(ChecklistAnswers.submission_id) == col(Submission.id))
        & (col(ChecklistAnswers.round) == col(Submission.round))
        & (col(ChecklistAnswers.checklist_id) == "digital_options")
    )


def _builds_service() -> ColumnElement[bool]:
    """The answer that makes an approved submission a proposal: it builds a new service."""
    answers = ChecklistAnswers.__table__.c.answers  # type: ignore[attr-defined]
    return cast("ColumnElement[bool]", answers["builds_service"].as_boolean() == true())


def builds_new_service() -> Exists:
    """For a query on Submission: whether its current round's answers say it builds a new
    service (a proposal once approved), so that a decision can ask it with what it reads
    anyway and look for a proposal only when it does."""
    return select(ChecklistAnswers.id).where(_options_answers(), _builds_service()).exists()


def _pending(session: Session, submission_id: int | None = None) -> list[Proposal]:
    settled = select(ServiceLink.submission_id).where(
        (col(ServiceLink.kind) == CHANGES) | col(ServiceLink.service_id).is_not(None)
    )
    query = select(Submission, ChecklistAnswers).join(ChecklistAnswers, _options_answers())
    query = query.where(
        _builds_service(),
        col(Submission.state).in_(APPROVED),
        col(Submission.id).not_in(settled),
        col(Submission.id).not_in(select(ProposalDismissal.submission_id)),
    )
    if submission_id is not None:
        query = query.where(Submission.id == submission_id)
    rows = session.exec(query.order_by(col(Submission.id))).all()
    if not rows:  # the slugs taken are read only when there is a slug to choose
        return []
    taken = set(session.exec(select(Service.slug)).all())
    found = []
    for submission, answers in rows:
        entry = _entry(submission, answers.answers, taken)
        taken.add(entry["slug"])
        found.append(Proposal(submission, entry))
    return found


def proposal_entry(session: Session, submission: Submission) -> audit.NewEntry | None:
    """The log entry saying the submission is now a register proposal (None if it is not):
    for the decision that approves it, once its new state is set, in that decision's
    transaction."""
    if submission.state not in APPROVED:
        return None
    session.flush()  # the decision's new state, for the query
    found = _pending(session, submission.id or 0)
    if not found:
        return None
    return audit.NewEntry(EVENT_PROPOSED, None, submission.id, {"slug": found[0].entry["slug"]})


def pending_proposals(session: Session, actor_id: str) -> list[Proposal]:
    """The proposals the CoE has not accepted or dismissed yet, oldest submission first."""
    require_editor(session, actor_id)
    return _pending(session)


def _proposal(session: Session, submission_id: int) -> Proposal:
    found = _pending(session, submission_id)
    if not found:
        raise NotFoundError(
            _(
                "No register proposal for submission {id}: it is not an approved submission "
                "for a new service, or it is linked to the register or dismissed already.",
                id=submission_id,
            ),
            field="submission",
        )
    return found[0]


def proposal(session: Session, actor_id: str, submission_id: int) -> Proposal:
    """One pending proposal (NotFoundError if there is none for the submission)."""
    require_editor(session, actor_id)
    return _proposal(session, submission_id)


def accept_proposal(
    session: Session, actor_id: str, submission_id: int, cells: Mapping[str, str]
) -> Service:
    """Add the register entry the proposal makes, with the CoE's changes to the pre-filled
    fields (`cells`), linked to the submission; logged. Wrong fields are refused
    (EntryRejectedError, naming each) and nothing is written."""
    require_editor(session, actor_id)
    found = _proposal(session, submission_id)
    fields, problems = check_entry({**found.entry, **cells}, Vocabulary.read(session))
    if session.exec(select(Service.id).where(Service.slug == fields["slug"])).first():
        problems.setdefault(
            "slug",
            _(
                "There is a service at {slug} already: choose another address, or link the "
                "submission to that service instead.",
                slug=fields["slug"],
            ),
        )
    if problems:
        raise EntryRejectedError(problems)
    service = Service(**fields)
    session.add(service)
    session.flush()
    reference = found.submission.reference
    audit.append_many(
        session,
        [
            audit.NewEntry(EVENT_ADDED, actor_id, None, {**service.facts(), "from": reference}),
            audit.NewEntry(EVENT_ACCEPTED, actor_id, submission_id, {"service": service.slug}),
        ],
    )
    set_link(session, submission_id, CREATES, service, actor_id)
    return service


def dismiss_proposal(session: Session, actor_id: str, submission_id: int, reason: str) -> None:
    """Say the approved submission needs no register entry, and why; logged."""
    require_editor(session, actor_id)
    _proposal(session, submission_id)
    reason = reason.strip()
    if not reason or len(reason) > 1000:
        raise ValidationError(
            _("Say why it needs no entry on the register (up to 1,000 characters)."),
            field="reason",
        )
    session.add(
        ProposalDismissal(submission_id=submission_id, reason=reason, dismissed_by_id=actor_id)
    )
    audit.append(
        session,
        event=EVENT_DISMISSED,
        actor_id=actor_id,
        submission_id=submission_id,
        payload={"reason": reason},
    )
    session.flush()
