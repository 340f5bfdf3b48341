"""The directory as one transaction sees it: DGs, people, roles and absence cover, each read
once and then remembered.

Intake checks every submission against the same few rows, so bulk intake keeps one lookup for
a whole chunk and asks the database once per DG, person or role instead of once per
submission. Single intake uses the same code with a fresh lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import String, Table, bindparam, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select

from models import driver_sql
from models.directory import Delegation, Directorate, Person, RoleAssignment
from models.lifecycle import Role
from models.permissions import HeldRole


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person's directory columns as a step read them: what checks and notifications read of
    a person, without an ORM object (a `Person` made for it costs ~40 us of validation and
    instrumentation)."""

    id: str
    name: str
    email: str
    slack_user_id: str | None
    language: str


@dataclass(frozen=True, slots=True)
class DirectorateRow:
    """A DG's directory columns as a step read them (see `PersonRow`)."""

    code: str
    name_cy: str
    name_en: str
    digital_leader_id: str | None
    slack_channel: str | None

    def name(self, language: str) -> str:
        return self.name_cy if language == "cy" else self.name_en


# What the lookup answers with: the ORM object when the row was read as one, else the columns.
KnownPerson = Person | PersonRow
KnownDirectorate = Directorate | DirectorateRow


def person_columns(person: Any) -> tuple[Any, ...]:
    """The columns of `person` (the Person table or an alias of it) a `PersonRow` is made
    of, in its order."""
    return (
        col(person.id),
        col(person.name),
        col(person.email),
        col(person.slack_user_id),
        col(person.language),
    )


@cache
def _submitting_query(largest_ids: tuple[Table, ...] = ()) -> Any:
    """`DirectoryLookup.submitting`'s query, taking `person_id` and `dg_code` as parameters:
    built once (building it costs more than running it). With `largest_ids`, the largest id
    of each of those tables (0 when empty) in the last columns."""
    anchor = select(literal(1).label("one")).subquery("anchor")
    return (
        sa_select(
            col(Directorate.code),
            col(Directorate.name_cy),
            col(Directorate.name_en),
            col(Directorate.digital_leader_id),
            col(Directorate.slack_channel),
            *person_columns(Person),
            col(RoleAssignment.role),
            col(RoleAssignment.dg_code),
            col(RoleAssignment.discipline),
            *(
                sa_select(func.coalesce(func.max(table.c.id), 0)).scalar_subquery()
                for table in largest_ids
            ),
        )
        .select_from(anchor)
        .outerjoin(Directorate, col(Directorate.code) == bindparam("dg_code", type_=String))
        .outerjoin(Person, col(Person.id) == bindparam("person_id", type_=String))
        .outerjoin(RoleAssignment, col(RoleAssignment.person_id) == col(Person.id))
        .order_by(col(RoleAssignment.id))
    )


class DirectoryLookup:
    """Read-through memo of directory queries for one session (one transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._dgs: dict[str, KnownDirectorate | None] = {}
        self._people: dict[str, KnownPerson | None] = {}
        self._person_rows: dict[str, tuple[str, str, str | None, str]] = {}
        self._holders: dict[tuple[str, str], list[str]] = {}
        self._roles: dict[str, list[HeldRole]] = {}
        self._cover: dict[tuple[str, date], str] = {}

    def directorate(self, code: str) -> KnownDirectorate | None:
        if code not in self._dgs:
            self._dgs[code] = self.session.get(Directorate, code)
        return self._dgs[code]

    def person(self, person_id: str) -> KnownPerson | None:
        if person_id not in self._people:
            row = self._person_rows.get(person_id)
            self._people[person_id] = (
                PersonRow(person_id, *row)
                if row is not None
                else self.session.get(Person, person_id)
            )
        return self._people[person_id]

    def submitting(
        self, person_id: str, dg_code: str, *, largest_ids: tuple[Table, ...] = ()
    ) -> tuple[int, ...] | None:
        """Read a DG, a person and the roles they hold, those not read yet, in one query
        (`directorate`, `person` and `roles_of` then have them): what submitting checks.

        With `largest_ids`, the largest id of each of those tables is read along and returned
        (None when nothing had to be read): a creation on SQLite, whose transaction holds the
        write lock from its first statement, takes its new ids from them."""
        if dg_code in self._dgs and person_id in self._people and person_id in self._roles:
            return None
        rows = driver_sql.read(
            self.session,
            _submitting_query(largest_ids),
            {"person_id": person_id, "dg_code": dg_code},
        )
        first = rows[0]
        self._dgs.setdefault(dg_code, DirectorateRow(*first[0:5]) if first[0] is not None else None)
        self._people.setdefault(
            person_id, PersonRow(*first[5:10]) if first[5] is not None else None
        )
        self._roles.setdefault(
            person_id, [HeldRole(row[10], row[11], row[12]) for row in rows if row[10]]
        )
        return tuple(int(top) for top in first[13:]) if largest_ids else None

    def know_directorate(self, dg: KnownDirectorate) -> None:
        """A DG the caller read along with something else."""
        self._dgs.setdefault(dg.code, dg)

    def know_people(self, people: Iterable[KnownPerson]) -> None:
        """People the caller read along with something else."""
        for person in people:
            self._people.setdefault(person.id, person)

    def know_person_rows(self, rows: dict[str, tuple[str, str, str | None, str]]) -> None:
        """People the caller read along with something else, as (name, email, Slack user,
        language) by id: made into `Person`s only if asked for."""
        for person_id, row in rows.items():
            self._person_rows.setdefault(person_id, row)

    def people(self, person_ids: Iterable[str]) -> None:
        """Read these people, those not read yet, in one query (`person` then has them)."""
        missing = sorted(
            {p for p in person_ids if p not in self._people and p not in self._person_rows}
        )
        if not missing:
            return
        found: dict[str, Person] = {}
        for start in range(0, len(missing), 500):  # well inside every parameter limit
            batch = missing[start : start + 500]
            found.update(
                (p.id, p)
                for p in self.session.exec(select(Person).where(col(Person.id).in_(batch)))
            )
        self._people.update((p, found.get(p)) for p in missing)

    def role_holders(self, role: Role, dg_code: str) -> list[str]:
        """Who holds `role` for `dg_code` (in that DG or across all DGs)."""
        key = (role.value, dg_code)
        if key not in self._holders:
            if role == Role.DIGITAL_LEADER:
                dg = self.directorate(dg_code)
                leader = dg.digital_leader_id if dg else None
                self._holders[key] = [leader] if leader else []
            else:
                self._holders[key] = list(
                    self.session.exec(
                        select(RoleAssignment.person_id).where(
                            RoleAssignment.role == role.value,
                            or_(
                                col(RoleAssignment.dg_code).is_(None),
                                RoleAssignment.dg_code == dg_code,
                            ),
                        )
                    ).all()
                )
        return self._holders[key]

    def knows_holders(self, role: Role, dg_code: str) -> bool:
        """Whether `role_holders(role, dg_code)` has been read already."""
        return (role.value, dg_code) in self._holders

    def knows_cover(self, person_id: str, on: date) -> bool:
        """Whether `covering(person_id, on)` has been read already."""
        return (person_id, on) in self._cover

    def remember(
        self,
        dg_code: str,
        on: date,
        holders: dict[Role, list[str]],
        cover: dict[str, str],
    ) -> None:
        """Keep role holders and absence cover that the caller read together (one query for
        what a step needs, instead of one per role and per person)."""
        for role, people in holders.items():
            self._holders[(role.value, dg_code)] = people
        for person_id, delegate in cover.items():
            self._cover[(person_id, on)] = delegate

    def roles_of(self, person_id: str) -> list[HeldRole]:
        """The roles `person_id` holds (in one DG or across all)."""
        if person_id not in self._roles:
            self._roles[person_id] = [
                HeldRole(r.role, r.dg_code, r.discipline)
                for r in self.session.exec(
                    select(RoleAssignment).where(RoleAssignment.person_id == person_id)
                ).all()
            ]
        return self._roles[person_id]

    def leader(self, dg_code: str) -> str | None:
        dg = self.directorate(dg_code)
        return dg.digital_leader_id if dg else None

    def covering(self, person_id: str, on: date) -> str:
        """Who covers `person_id`'s reviews on `on`: their delegate while a delegation runs."""
        key = (person_id, on)
        if key not in self._cover:
            delegation = self.session.exec(
                select(Delegation)
                .where(
                    Delegation.person_id == person_id,
                    col(Delegation.starts_on) <= on,
                    col(Delegation.ends_on) >= on,
                )
                .order_by(col(Delegation.id).desc())
            ).first()
            self._cover[key] = delegation.delegate_id if delegation else person_id
        return self._cover[key]
