"""What intake writes, as column values: one place for single and bulk intake alike, so a
submission stored in a chunk has exactly the rows it would have had on its own."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from checklists.answers import to_json
from checklists.canonical import sha256_hex
from checklists.loader import Checklist
from checklists.routing import RaisedObligation, Route
from models.lifecycle import State

if TYPE_CHECKING:
    from models.submission_file import SubmissionFile


def submission_row(
    parsed: SubmissionFile, route: Route, on: date, intake_key: str | None
) -> dict[str, Any]:
    """A new submission's columns (the database or the caller adds id and timestamps)."""
    return {
        "kind": parsed.kind,
        "title_cy": parsed.title.cy,
        "title_en": parsed.title.en,
        "summary_cy": parsed.summary.cy,
        "summary_en": parsed.summary.en,
        "dg_code": parsed.dg,
        "submitter_id": parsed.submitter,
        "state": State.IN_REVIEW.value,
        "value": route.value,
        "phase": route.phase,
        "risk": route.risk,
        "scrutiny": route.scrutiny,
        "submitted_on": on,
        "intake_key": intake_key,
    }


def answer_rows(
    submission_id: int,
    round_: int,
    checklists: list[Checklist],
    typed: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """One row per checklist, pinned to the version and content hash answered against."""
    return [
        {
            "submission_id": submission_id,
            "round": round_,
            "checklist_id": checklist.id,
            "checklist_version": checklist.version,
            "content_hash": checklist.content_hash,
            "answers": {q: to_json(v) for q, v in typed[checklist.id].items()},
        }
        for checklist in checklists
    ]


def flag_rows(
    submission_id: int, round_: int, checklists: list[Checklist], route: Route
) -> list[dict[str, Any]]:
    """One row per flag the rules raised, naming the checklist that defines it."""
    rows = []
    for flag in route.flags:
        owner = next(c.id for c in checklists if any(f.id == flag.id for f in c.definition.flags))
        rows.append(
            {
                "submission_id": submission_id,
                "round": round_,
                "flag_id": flag.id,
                "severity": flag.severity,
                "checklist_id": owner,
                "rule_id": flag.rule,
            }
        )
    return rows


def obligation_row(submission_id: int, obligation: RaisedObligation) -> dict[str, Any]:
    """An open obligation (e.g. "assessment due at the end of alpha")."""
    return {
        "submission_id": submission_id,
        "decision_id": None,
        "kind": "obligation",
        "reference": obligation.id,
        "text": obligation.text.en,
        "extra": {"text_cy": obligation.text.cy, "rule": obligation.rule},
        "due_date": obligation.due,
        "status": "open",
    }


def route_payload(
    checklists: list[Checklist], typed: dict[str, dict[str, Any]], route: Route
) -> dict[str, Any]:
    """What the decision log records about a route: pins, answers hash, stages, flags."""
    return {
        "checklists": [
            {"id": c.id, "version": c.version, "content_hash": c.content_hash} for c in checklists
        ],
        "answers_hash": sha256_hex(
            {k: {q: to_json(v) for q, v in a.items()} for k, a in typed.items()}
        ),
        "route": route.stage_names,
        "flags": [f.id for f in route.flags],
        "obligations": [o.id for o in route.obligations],
        "scrutiny": route.scrutiny,
        "risk": route.risk,
    }


def task_rows(
    submission_id: int, dg_code: str, round_: int, route: Route, skip: set[str]
) -> list[dict[str, Any]]:
    """A pending review task for each routed stage not in `skip`, in route order."""
    return [
        {
            "submission_id": submission_id,
            "dg_code": dg_code,
            "stage": routed.stage,
            "position": position,
            "round": round_,
            "checklist_id": routed.checklist,
            "checklist_version": routed.checklist_version,
            "status": "pending",
        }
        for position, routed in enumerate(route.stages)
        if routed.stage not in skip
    ]
