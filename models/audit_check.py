"""Cross-check the working tables against the verified decision log.

The hash chain proves the log itself is untouched; this proves the tables people read
(decisions, ratings, answers, submission states) still say what the log recorded.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from checklists.canonical import sha256_hex
from dfr import labels
from dfr.i18n import _
from dfr.labels import label
from models.audit import LogEntry, VerifyResult, verify, verify_chain
from models.review import Decision, StandardRating
from models.submission import ChecklistAnswers, Submission

_STATE_AFTER = {
    "submission.submitted": "in_review",
    "submission.resubmitted": "in_review",
    "submission.withdrawn": "withdrawn",
}


def _decision_problem(
    decision: Decision, entry: LogEntry | None, ratings: Iterable[StandardRating]
) -> str | None:
    if entry is None or entry.event != "decision.recorded":
        return _("decision {id} has no decision-log entry", id=decision.id)
    payload = entry.payload
    recorded = {
        "stage": payload.get("stage"),
        "outcome": payload.get("outcome"),
        "rationale": payload.get("rationale"),
        "actor_id": entry.actor_id,
        "task_id": payload.get("task_id"),
        "ratings": {k: v.get("rating") for k, v in (payload.get("ratings") or {}).items()},
    }
    actual = {
        "stage": decision.stage,
        "outcome": decision.outcome,
        "rationale": decision.rationale,
        "actor_id": decision.actor_id,
        "task_id": decision.task_id,
        "ratings": {r.standard_id: r.rating for r in ratings},
    }
    wrong = sorted(k for k in recorded if recorded[k] != actual[k])
    if wrong:
        return _(
            "decision {id} no longer matches decision-log entry {seq} ({fields})",
            id=decision.id,
            seq=entry.seq,
            fields=", ".join(wrong),
        )
    return None


def _answers_problem(session: Session, entries: list[LogEntry]) -> str | None:
    rounds: dict[int, dict[int, LogEntry]] = {}
    for entry in entries:
        if (
            entry.event in {"submission.submitted", "submission.resubmitted"}
            and entry.submission_id
        ):
            rounds.setdefault(entry.submission_id, {})[entry.payload.get("round", 1)] = entry
    for row in session.exec(select(ChecklistAnswers)).all():
        logged = rounds.get(row.submission_id, {}).get(row.round)
        if logged is None:
            return _(
                "answers of submission {id} round {round} have no log entry",
                id=row.submission_id,
                round=row.round,
            )
        siblings = session.exec(
            select(ChecklistAnswers).where(
                ChecklistAnswers.submission_id == row.submission_id,
                ChecklistAnswers.round == row.round,
            )
        ).all()
        if sha256_hex({s.checklist_id: s.answers for s in siblings}) != logged.payload.get(
            "answers_hash"
        ):
            return _(
                "answers of submission {id} round {round} were changed after they were logged",
                id=row.submission_id,
                round=row.round,
            )
    return None


def verify_all(session: Session, key: bytes | None = None) -> VerifyResult:
    """The chain and its anchored head (under `key`, default the configured one), then every
    decision, rating, answer set and submission state against the chain."""
    return _tables_match(session, verify(session, key))


def verify_all_but_anchor(session: Session) -> VerifyResult:
    """`verify_all` without the head's anchor: for an import or a re-anchoring, which anchor
    the head under this system's key once this passes."""
    return _tables_match(session, verify_chain(session))


def _tables_match(session: Session, chain: VerifyResult) -> VerifyResult:
    if not chain.ok:
        return chain
    entries = list(session.exec(select(LogEntry).order_by(col(LogEntry.seq))).all())
    by_seq = {e.seq: e for e in entries}
    ratings: dict[int, list[StandardRating]] = {}
    for rating in session.exec(select(StandardRating)).all():
        ratings.setdefault(rating.decision_id, []).append(rating)
    for decision in session.exec(select(Decision).order_by(col(Decision.id))).all():
        problem = _decision_problem(
            decision, by_seq.get(decision.log_seq), ratings.get(decision.id or 0, [])
        )
        if problem:
            return VerifyResult(False, chain.checked, decision.log_seq, problem)
    problem = _answers_problem(session, entries)
    if problem:
        return VerifyResult(False, chain.checked, None, problem)
    states: dict[int, str] = {}
    for entry in entries:
        if entry.submission_id is None:
            continue
        if entry.event in _STATE_AFTER:
            states[entry.submission_id] = _STATE_AFTER[entry.event]
        elif entry.event == "decision.recorded":
            states[entry.submission_id] = entry.payload["state"]["to"]
    for submission in session.exec(select(Submission)).all():
        if states.get(submission.id or 0) != submission.state:
            return VerifyResult(
                False,
                chain.checked,
                None,
                _(
                    "submission {reference} is {state} but the decision log says {logged}",
                    reference=submission.reference,
                    state=label(labels.STATES, submission.state),
                    logged=label(labels.STATES, states.get(submission.id or 0, "-")),
                ),
            )
    return chain
