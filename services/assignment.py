"""Choosing who reviews a stage: eligible by role and DG, never the submitter, least loaded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, String, bindparam, func, literal, union_all
from sqlmodel import Session, col, or_, select

from models import driver_sql
from models.db import any_of
from models.directory import Delegation, Person, RoleAssignment
from models.directory_lookup import DirectoryLookup
from models.lifecycle import Role, Stage
from models.permissions import eligible_roles
from models.review import PanelMember, ReviewTask
from models.working_days import london_today


def least_loaded(candidates: Sequence[str], open_tasks: Mapping[str, int]) -> str | None:
    """The candidate with the fewest open tasks; ties go to the first in id order. Pure."""
    if not candidates:
        return None
    return min(sorted(candidates), key=lambda person: open_tasks.get(person, 0))


def read_candidates(
    session: Session,
    stage: Stage,
    dg_code: str,
    scrutiny: str | None,
    on: date,
    directory: DirectoryLookup,
    workload: Workload,
) -> None:
    """Read, in one query, who holds the roles `stage` needs in `dg_code` (the DG's Digital
    Leader, named by the DG, included), each person's row, how many open reviews each has and
    who covers for each on `on`, into `directory` and `workload`."""
    eligible = eligible_roles(stage, scrutiny)
    roles = [
        r for r in eligible if r != Role.DIGITAL_LEADER and not directory.knows_holders(r, dg_code)
    ]
    leader = directory.leader(dg_code) if Role.DIGITAL_LEADER in eligible else None
    with_leader = leader is not None and not directory.knows_cover(leader, on)
    if not roles and not with_leader:
        return
    query = _candidates_query(tuple(r.value for r in roles), with_leader)
    params = {"dg_code": dg_code, "on": on, "leader": leader}
    rows: list[Any] = driver_sql.read(session, query, params)
    holders: dict[Role, list[str]] = {r: [] for r in roles}
    for role, person_id, *_rest in rows:
        if role:
            holders[Role(role)].append(person_id)
    directory.remember(dg_code, on, holders, {r[1]: r[3] or r[1] for r in rows})
    # The people themselves, read along: whoever is assigned is told, by name.
    directory.know_person_rows({r[4]: (r[5], r[6], r[7], r[8]) for r in rows if r[4] is not None})
    workload.seed({r[1]: r[2] for r in rows})


@lru_cache(maxsize=64)
def _candidates_query(roles: tuple[str, ...], with_leader: bool) -> Any:
    """`read_candidates`' query for these roles, with or without the DG's Digital Leader,
    taking `dg_code`, `on` and `leader` as parameters: built once (building it costs more
    than running it)."""
    on = bindparam("on", type_=Date)
    parts: list[Any] = []
    if roles:
        parts.append(
            _with_load_and_cover(
                select(col(RoleAssignment.role), col(RoleAssignment.person_id)),
                col(RoleAssignment.person_id),
                on,
            )
            .outerjoin(Person, col(Person.id) == col(RoleAssignment.person_id))
            .where(
                any_of(col(RoleAssignment.role), roles),
                or_(
                    col(RoleAssignment.dg_code).is_(None),
                    col(RoleAssignment.dg_code) == bindparam("dg_code", type_=String),
                ),
            )
        )
    if with_leader:
        person = bindparam("leader", type_=String)
        anchor = select(literal(1).label("one")).subquery("anchor")
        parts.append(
            _with_load_and_cover(select(literal("", String), person), person, on)
            .select_from(anchor)
            .outerjoin(Person, col(Person.id) == person)
        )
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _with_load_and_cover(query: Any, person: Any, on: Any) -> Any:
    """`query` with more columns: `person`'s open reviews, who covers for them on `on` (the
    latest delegation running then) or None, and the person's own row (the caller joins
    `Person` to it)."""
    open_count = (
        select(func.count())
        .where(col(ReviewTask.assignee_id) == person, ReviewTask.status == "open")
        .scalar_subquery()
    )
    delegate = (
        select(Delegation.delegate_id)
        .where(
            col(Delegation.person_id) == person,
            col(Delegation.starts_on) <= on,
            col(Delegation.ends_on) >= on,
        )
        .order_by(col(Delegation.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    return query.add_columns(
        open_count,
        delegate,
        col(Person.id),
        col(Person.name),
        col(Person.email),
        col(Person.slack_user_id),
        col(Person.language),
    )


def candidates_for(
    session: Session,
    stage: Stage,
    dg_code: str,
    scrutiny: str | None,
    submitter_id: str,
    directory: DirectoryLookup | None = None,
) -> list[str]:
    directory = directory or DirectoryLookup(session)
    people: set[str] = set()
    for role in eligible_roles(stage, scrutiny):
        people.update(directory.role_holders(role, dg_code))
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


class Workload:
    """Open review tasks per person: read from the database once per person, then counted in
    memory as a batch assigns more (bulk intake assigns a whole chunk before writing it)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._open: dict[str, int] = {}

    def of(self, people: Sequence[str]) -> dict[str, int]:
        missing = [person for person in people if person not in self._open]
        if missing:
            found = open_task_counts(self.session, missing)
            self._open.update({person: found.get(person, 0) for person in missing})
        return {person: self._open[person] for person in people}

    def seed(self, counts: Mapping[str, int]) -> None:
        """Open-task counts read along with something else, for people not counted yet."""
        for person, count in counts.items():
            self._open.setdefault(person, count)

    def assigned(self, person_id: str) -> None:
        self._open[person_id] = self.of([person_id])[person_id] + 1


def covering(session: Session, person_id: str, on: date) -> str:
    """Who covers `person_id`'s reviews on `on`: their delegate while a delegation runs."""
    return DirectoryLookup(session).covering(person_id, on)


def delegators_of(session: Session, delegate_id: str, on: date) -> list[str]:
    """The people whose reviews `delegate_id` covers on `on`."""
    return list(
        session.exec(
            select(Delegation.person_id).where(
                Delegation.delegate_id == delegate_id,
                col(Delegation.starts_on) <= on,
                col(Delegation.ends_on) >= on,
            )
        ).all()
    )


def choose_assignee(
    session: Session,
    stage: Stage,
    dg_code: str,
    scrutiny: str | None,
    submitter_id: str,
    on: date | None = None,
    *,
    directory: DirectoryLookup | None = None,
    workload: Workload | None = None,
) -> str | None:
    """Whom to assign; None when nobody holds the role (anyone who gains it may then decide).

    The DG's own Digital Leader takes its digital-options reviews when eligible; otherwise the
    least loaded eligible person. Someone away is covered by their delegate. Bulk intake passes
    one `directory` and `workload` for a whole chunk; the choice is the same.
    """
    on = on or london_today()
    directory = directory or DirectoryLookup(session)
    workload = workload or Workload(session)
    read_candidates(session, stage, dg_code, scrutiny, on, directory, workload)
    people = candidates_for(session, stage, dg_code, scrutiny, submitter_id, directory)
    chosen: str | None = None
    if stage == Stage.DIGITAL_OPTIONS_REVIEW and scrutiny != "coe":
        leader = directory.leader(dg_code)
        if leader and leader in people:
            chosen = leader
    if chosen is None:
        load = workload.of(people)
        chosen = least_loaded(people, load)
    if chosen is None:
        return None
    cover = directory.covering(chosen, on)
    return cover if cover != submitter_id else chosen


# A panel: a lead assessor plus assessors of different disciplines; a performance analyst
# joins at beta and live (GDS service assessments).
PANEL_DISCIPLINES = ("user_research", "design", "technical")


def choose_panel(
    session: Session, lead_id: str | None, submitter_id: str, phase: str | None
) -> list[tuple[str, str]]:
    """(person, discipline) for each discipline that has an assessor: least loaded first."""
    disciplines = PANEL_DISCIPLINES + (("performance",) if phase in ("beta", "live") else ())
    rows = session.exec(
        select(RoleAssignment.person_id, RoleAssignment.discipline).where(
            RoleAssignment.role == Role.ASSESSOR.value,
            col(RoleAssignment.discipline).in_(disciplines),
        )
    ).all()
    taken = {submitter_id, lead_id}
    load = panel_load(session, [person for person, _d in rows])
    panel: list[tuple[str, str]] = []
    for discipline in disciplines:
        people = sorted(p for p, d in rows if d == discipline and p not in taken)
        chosen = least_loaded(people, load)
        if chosen:
            panel.append((chosen, discipline))
            taken.add(chosen)
    return panel


def panel_load(session: Session, people: Sequence[str]) -> dict[str, int]:
    if not people:
        return {}
    rows = session.exec(
        select(PanelMember.person_id, func.count())
        .join(ReviewTask, col(ReviewTask.id) == col(PanelMember.task_id))
        .where(col(PanelMember.person_id).in_(people), ReviewTask.status == "open")
        .group_by(col(PanelMember.person_id))
    ).all()
    return {person: count for person, count in rows}
