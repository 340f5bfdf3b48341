"""Choosing who reviews a stage: eligible by role and DG, never the submitter, least loaded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from models.directory import Directorate, RoleAssignment
from models.lifecycle import Role, Stage
from models.permissions import eligible_roles
from models.review import ReviewTask


def least_loaded(candidates: Sequence[str], open_tasks: Mapping[str, int]) -> str | None:
    """The candidate with the fewest open tasks; ties go to the first in id order. Pure."""
    if not candidates:
        return None
    return min(sorted(candidates), key=lambda person: open_tasks.get(person, 0))


def candidates_for(
    session: Session, stage: Stage, dg_code: str, scrutiny: str | None, submitter_id: str
) -> list[str]:
    people: set[str] = set()
    for role in eligible_roles(stage, scrutiny):
        if role == Role.DIGITAL_LEADER:
            leader = session.exec(
                select(Directorate.digital_leader_id).where(Directorate.code == dg_code)
            ).one_or_none()
            if leader:
                people.add(leader)
            continue
        rows = session.exec(
            select(RoleAssignment.person_id).where(
                RoleAssignment.role == role.value,
                or_(col(RoleAssignment.dg_code).is_(None), RoleAssignment.dg_code == dg_code),
            )
        ).all()
        people.update(rows)
    people.discard(submitter_id)
    return sorted(people)


def open_task_counts(session: Session, people: Sequence[str]) -> dict[str, int]:
    if not people:
        return {}
    rows = session.exec(
        select(ReviewTask.assignee_id, func.count())
        .where(col(ReviewTask.assignee_id).in_(people), ReviewTask.status == "open")
        .group_by(col(ReviewTask.assignee_id))
    ).all()
    return {person: count for person, count in rows if person}


def choose_assignee(
    session: Session, stage: Stage, dg_code: str, scrutiny: str | None, submitter_id: str
) -> str | None:
    """Whom to assign; None when nobody holds the role (anyone who gains it may then decide).

    The DG's own Digital Leader takes its digital-options reviews when eligible.
    """
    people = candidates_for(session, stage, dg_code, scrutiny, submitter_id)
    if stage == Stage.DIGITAL_OPTIONS_REVIEW and scrutiny != "coe":
        leader = session.exec(
            select(Directorate.digital_leader_id).where(Directorate.code == dg_code)
        ).one_or_none()
        if leader and leader in people:
            return leader
    return least_loaded(people, open_task_counts(session, people))
