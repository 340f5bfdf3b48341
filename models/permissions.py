"""Who may decide which stage. Pure: takes the facts, returns yes/no with the reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dfr import labels
from dfr.i18n import _
from dfr.labels import either, label
from models.lifecycle import STAGES, Role, Stage


@dataclass(frozen=True)
class HeldRole:
    role: str
    dg_code: str | None  # None: across all DGs
    discipline: str | None = None


def eligible_roles(stage: Stage, scrutiny: str | None) -> tuple[Role, ...]:
    """The roles that may decide `stage`; extra scrutiny reserves the first review to the CoE."""
    if stage == Stage.DIGITAL_OPTIONS_REVIEW and scrutiny == "coe":
        return (Role.COE,)
    return STAGES[stage].deciders


def holds_role(
    roles: Iterable[HeldRole], role: Role, dg_code: str, *, is_digital_leader: bool
) -> bool:
    if role == Role.DIGITAL_LEADER:
        return is_digital_leader
    return any(r.role == role and r.dg_code in (None, dg_code) for r in roles)


def decide_refusal(
    *,
    actor_id: str,
    submitter_id: str,
    roles: Iterable[HeldRole],
    stage: Stage,
    dg_code: str,
    scrutiny: str | None,
    is_digital_leader: bool,
) -> str | None:
    """None when the actor may decide; otherwise the reason they may not."""
    if actor_id == submitter_id:
        return _(
            "{person} submitted this and cannot review it (separation of duties); "
            "ask another reviewer.",
            person=actor_id,
        )
    allowed = eligible_roles(stage, scrutiny)
    held = list(roles)
    if any(
        holds_role(held, role, dg_code, is_digital_leader=is_digital_leader) for role in allowed
    ):
        return None
    return _(
        "Only {roles} can decide the {stage} for {dg}; {person} cannot.",
        roles=either([label(labels.ROLE_HOLDERS, r.value) for r in allowed]),
        stage=label(labels.STAGES, stage.value),
        dg=dg_code,
        person=actor_id,
    )
