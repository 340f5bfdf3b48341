"""Web drafts: a policy officer's scratch space before submitting, and their retention.

A draft is only ever visible to its owner: to anyone else it does not exist (the same "not
found" as a missing id). Who may start one for a DG is `services.access.may_submit`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from checklists.answers import answers_that_apply, to_json
from checklists.loader import Registry
from dfr import labels
from dfr.errors import NotFoundError, PermissionDeniedError, ValidationError
from dfr.i18n import _
from dfr.labels import either, label
from models.draft import Draft
from models.lifecycle import State
from models.submission import utcnow
from services.access import Actor, log_privacy_refusal, may_submit, visible_submission
from services.intake import stored_answers

DESCRIPTION = ("title_cy", "title_en", "summary_cy", "summary_en")


def unsent_drafts(session: Session, person_id: str, limit: int = 10) -> list[Draft]:
    """A person's drafts not sent yet, newest first."""
    return list(
        session.exec(
            select(Draft)
            .where(Draft.person_id == person_id, col(Draft.submission_id).is_(None))
            .order_by(col(Draft.id).desc())
            .limit(limit)
        ).all()
    )


def start_problems(actor: Actor, kind: str, dg_code: str) -> dict[str, str]:
    """What is wrong with starting (or changing) a draft of `kind` for `dg_code`, by field:
    a kind there is not, or a DG `actor` may not submit for. Empty when nothing is."""
    problems: dict[str, str] = {}
    if kind not in labels.KINDS:
        problems["kind"] = _(
            "Choose what you are submitting: {kinds}.",
            kinds=either([label(labels.KINDS, k) for k in labels.KINDS]),
        )
    if not may_submit(actor.roles, dg_code):
        problems["dg"] = _(
            "{person} is not a policy officer in {dg}, so cannot submit for it. Ask an "
            "administrator to add the role, or submit for your own DG.",
            person=actor.id,
            dg=dg_code or "—",
        )
    return problems


def _check_start(actor: Actor, kind: str, dg_code: str) -> None:
    problems = start_problems(actor, kind, dg_code)
    if "kind" in problems:
        raise ValidationError(problems["kind"], field="kind")
    if "dg" in problems:
        raise PermissionDeniedError(problems["dg"], field="dg")


def start_draft(session: Session, actor: Actor, kind: str, dg_code: str) -> Draft:
    """A new, empty draft of `kind` for `dg_code`, if `actor` may submit for that DG."""
    _check_start(actor, kind, dg_code)
    draft = Draft(person_id=actor.id, kind=kind, dg_code=dg_code)
    session.add(draft)
    session.flush()
    return draft


def change_start(
    session: Session, actor: Actor, draft: Draft, kind: str, dg_code: str, registry: Registry
) -> Draft:
    """Make `draft` a draft of `kind` for `dg_code`, keeping every answer that still applies
    (a procurement's category review goes when it becomes an initiative, and questions asked
    of one kind only go with it). A resubmission keeps the kind and DG it was submitted with."""
    if draft.resubmission_of is not None:
        raise PermissionDeniedError(
            _(
                "A resubmission keeps what it is and its DG. Withdraw it and submit again to "
                "change them."
            ),
            field="kind",
        )
    _check_start(actor, kind, dg_code)
    if kind != draft.kind:
        used = {c.id: c for c in registry.questionnaires_for(kind)}
        draft.answers = {
            checklist_id: answers_that_apply(used[checklist_id], answers, kind)
            for checklist_id, answers in draft.answers.items()
            if checklist_id in used
        }
    draft.kind, draft.dg_code = kind, dg_code
    draft.updated_at = utcnow()
    session.add(draft)
    session.flush()
    return draft


def draft_not_found(draft_id: int | str) -> NotFoundError:
    """What anyone is told about a draft that does not exist or is someone else's."""
    return NotFoundError(_("No draft {id} of yours. Start a new submission.", id=draft_id))


def own_draft(session: Session, person_id: str, draft_id: int) -> Draft:
    """The draft if `person_id` owns it, sent or not; "not found" for anyone else."""
    draft = session.get(Draft, draft_id)
    if draft is not None and draft.person_id != person_id:
        log_privacy_refusal(person_id, "draft", draft_id)
    if draft is None or draft.person_id != person_id:
        raise draft_not_found(draft_id)
    return draft


def open_draft(session: Session, person_id: str, draft_id: int) -> Draft:
    """The owner's draft while it can still change (not sent yet)."""
    draft = own_draft(session, person_id, draft_id)
    if draft.submission_id is not None:
        raise ValidationError(
            _("This draft has already been sent. Open the submission from your work page.")
        )
    return draft


def delete_draft(session: Session, person_id: str, draft_id: int) -> None:
    """Throw away a draft that has not been sent (only its owner can)."""
    session.delete(open_draft(session, person_id, draft_id))


def describe(session: Session, draft: Draft, texts: Mapping[str, str]) -> None:
    """Set the draft's titles and summaries (`title_cy`, `title_en`, `summary_cy`, …)."""
    for name in DESCRIPTION:
        if name in texts:
            setattr(draft, name, texts[name])
    draft.updated_at = utcnow()
    session.add(draft)


def save_answers(
    session: Session, draft: Draft, checklist_id: str, answers: dict[str, Any]
) -> None:
    """Replace the draft's answers to one checklist (as the form gave them)."""
    draft.answers = {**draft.answers, checklist_id: answers}
    draft.updated_at = utcnow()
    session.add(draft)
    session.flush()


def carry_from_draft(session: Session, draft: Draft, submission_id: int) -> None:
    """The draft's link to the register becomes its submission's (`services.service_links`)."""
    from services.service_links import carry_from_draft as carry  # it reads drafts: no cycle

    carry(session, draft, submission_id)


def mark_sent(session: Session, draft: Draft, submission_id: int) -> None:
    """The draft became (or answered) submission `submission_id`; it stays as the record."""
    draft.submission_id = submission_id
    draft.updated_at = utcnow()
    session.add(draft)
    carry_from_draft(session, draft, submission_id)


def start_resubmission(
    session: Session, actor: Actor, submission_id: int, registry: Registry
) -> Draft:
    """A draft holding the submission's current answers, for its submitter to change after
    "changes requested"."""
    submission = visible_submission(session, actor, submission_id)
    if submission.submitter_id != actor.id:
        raise PermissionDeniedError(
            _(
                "Only the submitter can answer the changes requested on {reference}.",
                reference=submission.reference,
            )
        )
    if submission.state != State.CHANGES_REQUESTED:
        raise PermissionDeniedError(_("You can only resubmit when changes have been requested."))
    current = stored_answers(session, submission, registry)
    draft = Draft(
        person_id=actor.id,
        kind=submission.kind,
        dg_code=submission.dg_code,
        title_cy=submission.title_cy,
        title_en=submission.title_en,
        summary_cy=submission.summary_cy,
        summary_en=submission.summary_en,
        answers={cid: draft_values(answers) for cid, answers in current.items()},
        resubmission_of=submission.id,
    )
    session.add(draft)
    session.flush()
    return draft


def draft_values(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Typed answers back into what a draft holds (yes/no, plain numbers, ISO dates)."""
    return {
        qid: ("yes" if value else "no") if isinstance(value, bool) else to_json(value)
        for qid, value in answers.items()
    }


def discard_stale_drafts(session: Session, now: datetime, days: int) -> int:
    """Delete unsent drafts nobody has changed for `days` days; return how many. A sent draft
    stays: it is the record that the submission came from the web UI."""
    result = session.execute(
        delete(Draft).where(
            col(Draft.submission_id).is_(None), col(Draft.updated_at) < now - timedelta(days=days)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
