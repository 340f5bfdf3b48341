"""Who may do what: see a submission, submit for a DG, decide a stage, open a DG overview.
Every front door asks here; none keeps a rule of its own.

Seeing a submission. Only these people see one:

- its submitter;
- its reviewers: whoever any of its stages is or was assigned to (reassigned away, decided,
  earlier rounds), whoever decided one of its stages, the members of its assessment panels,
  and a delegate while covering for one of them (their absence cover is running);
- its DG's Digital Leader;
- the Digital Centre of Excellence and administrators (every DG).

Anyone else is told it does not exist, in the same words as for a missing id, so nobody learns
which submissions exist. Holding a review role does not open other people's submissions: a
category manager or an assessor sees the ones they review.

Submitting for a DG: a policy officer in that DG, or one across every DG.

Deciding a stage: a holder of a role the stage needs (`models.lifecycle.STAGES`; extra
scrutiny reserves the digital-options review to the CoE), acting for themselves or for someone
they cover, and never on their own submission (separation of duties).

A DG overview: the DG's Digital Leader, the CoE and administrators.

Every refusal to show something that exists is logged (`dfr.services.access`, INFO) with the
person and the request id: the person is told nothing, the operators can see who asked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, String, and_, bindparam, literal
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from dfr.errors import NotFoundError, PermissionDeniedError
from dfr.i18n import _
from dfr.request_id import log_fields
from models.audit import LogEntry
from models.directory import Delegation, Directorate, Person, RoleAssignment
from models.directory_lookup import (
    DirectorateRow,
    DirectoryLookup,
    KnownPerson,
    PersonRow,
    person_columns,
)
from models.lifecycle import Role, Stage
from models.permissions import HeldRole, decide_refusal, eligible_roles, holds_role
from models.review import Decision, PanelMember, ReviewTask
from models.submission import Submission
from models.working_days import london_today
from services.assignment import delegators_of

log = logging.getLogger("dfr.services.access")


def log_privacy_refusal(person_id: str, what: str, ident: object) -> None:
    """Record that `person_id` asked for something that exists but is not theirs to see (they
    were told it does not exist)."""
    log.info(
        "not shown (told it does not exist): %s %s to %s",
        what,
        ident,
        person_id,
        extra=log_fields(person=person_id, refusal="privacy", item=f"{what} {ident}"),
    )


@dataclass(frozen=True)
class Actor:
    """A person as the rules see them: their roles and the DGs whose Digital Leader they are."""

    person: Person
    roles: tuple[HeldRole, ...]
    leads: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.person.id

    def holds(self, *roles: Role) -> bool:
        return any(r.role in roles for r in self.roles)

    @property
    def submits(self) -> bool:
        """Whether this person may submit at all (for some DG): the web offers them "Submit"."""
        return self.holds(Role.POLICY_OFFICER)

    @property
    def oversees_any(self) -> bool:
        """Whether this person oversees some DG (see `oversees`): the web offers them the list
        of submissions to search."""
        return bool(self.leads) or self.holds(Role.COE, Role.ADMIN)

    @property
    def arranges_cover(self) -> bool:
        """Whether this person has absence cover to arrange: for their own reviews, or (an
        administrator) for anyone's."""
        return self.reviews or self.holds(Role.ADMIN)

    @property
    def reviews(self) -> bool:
        """Whether this person reviews at all (their work page lists reviews)."""
        return bool(self.leads) or self.holds(
            Role.COE, Role.CATEGORY_MANAGER, Role.LEAD_ASSESSOR, Role.ASSESSOR
        )


def held_roles(session: Session, person_ids: Iterable[str]) -> list[HeldRole]:
    """The roles held by these people (in one DG or across all)."""
    return [
        HeldRole(r.role, r.dg_code, r.discipline)
        for r in session.exec(
            select(RoleAssignment)
            .where(col(RoleAssignment.person_id).in_(list(person_ids)))
            .order_by(col(RoleAssignment.id))
        ).all()
    ]


def load_actor(session: Session, person_id: str) -> Actor | None:
    """A person with their roles, or None when nobody has that id."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    leads = session.exec(
        select(Directorate.code)
        .where(Directorate.digital_leader_id == person_id)
        .order_by(col(Directorate.code))
    ).all()
    return Actor(person, tuple(held_roles(session, [person_id])), tuple(leads))


# -- submitting ---------------------------------------------------------------------------


def may_submit(roles: Iterable[HeldRole], dg_code: str) -> bool:
    """A policy officer in `dg_code`, or in every DG."""
    return holds_role(roles, Role.POLICY_OFFICER, dg_code, is_digital_leader=False)


def submittable_dgs(session: Session, actor: Actor) -> list[Directorate]:
    """The DGs `actor` may submit for, by code; refused when there are none."""
    dgs = [
        dg
        for dg in session.exec(select(Directorate).order_by(col(Directorate.code))).all()
        if may_submit(actor.roles, dg.code)
    ]
    if not dgs:
        raise PermissionDeniedError(
            _(
                "Only policy officers can submit. Ask an administrator to give you the policy "
                "officer role in your DG."
            )
        )
    return dgs


# -- seeing -------------------------------------------------------------------------------


def oversees(actor: Actor, dg_code: str) -> bool:
    """The DG's Digital Leader; the Digital CoE and administrators oversee every DG."""
    return dg_code in actor.leads or actor.holds(Role.COE, Role.ADMIN)


def overseen_dg(session: Session, actor: Actor, dg_code: str) -> Directorate:
    """The DG whose overview `actor` opens; "not found" alike for a missing DG and for one
    they do not oversee."""
    dg = session.get(Directorate, dg_code)
    if dg is not None and not oversees(actor, dg_code):
        log_privacy_refusal(actor.id, "DG overview", dg_code)
    if dg is None or not oversees(actor, dg_code):
        raise NotFoundError(
            _("No DG overview {dg} for you: it is for that DG's Digital Leader.", dg=dg_code)
        )
    return dg


def reviewers_of(session: Session, submission_id: int) -> set[str]:
    """Everyone who reviews or reviewed the submission: assignees (a task keeps its last
    assignee; the log keeps the ones it was reassigned away from), deciders and panels."""
    people: set[str] = set()
    people.update(
        p
        for p in session.exec(
            select(ReviewTask.assignee_id).where(ReviewTask.submission_id == submission_id)
        ).all()
        if p
    )
    people.update(
        session.exec(select(Decision.actor_id).where(Decision.submission_id == submission_id)).all()
    )
    people.update(
        session.exec(
            select(PanelMember.person_id)
            .join(ReviewTask, col(ReviewTask.id) == col(PanelMember.task_id))
            .where(ReviewTask.submission_id == submission_id)
        ).all()
    )
    for payload in session.exec(
        select(LogEntry.payload).where(
            LogEntry.submission_id == submission_id, LogEntry.event == "task.reassigned"
        )
    ).all():
        previous = payload.get("from")
        if isinstance(previous, str):
            people.add(previous)
    return people


def may_see(session: Session, actor: Actor, submission: Submission, on: date) -> bool:
    """Whether `actor` may see `submission` (the rule is in this module's docstring)."""
    if submission.submitter_id == actor.id or oversees(actor, submission.dg_code):
        return True
    reviewers = reviewers_of(session, submission.id or 0)
    if actor.id in reviewers:
        return True
    return any(person in reviewers for person in delegators_of(session, actor.id, on))


def not_found(submission_id: int | str) -> NotFoundError:
    """What anyone is told about a submission that does not exist or is not theirs to see (or
    an id that cannot name one: `1e3`, or one past the database's range)."""
    return NotFoundError(_("No submission {id}. Check the reference.", id=submission_id))


def visible_submission(
    session: Session, actor: Actor, submission_id: int, on: date | None = None
) -> Submission:
    """The submission if `actor` may see it; otherwise the same "not found" as a missing id."""
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise not_found(submission_id)
    if not may_see(session, actor, submission, on or london_today()):
        log_privacy_refusal(actor.id, "submission", submission_id)
        raise not_found(submission_id)
    return submission


# -- deciding -----------------------------------------------------------------------------


def holds_review(session: Session, assignee_id: str | None, person_id: str, on: date) -> bool:
    """Whether the review is `person_id`'s to decide: they are its assignee, or cover for its
    assignee today. (Whether they may decide it at all is `refusal_for`.)"""
    if person_id == assignee_id:
        return True
    return assignee_id is not None and assignee_id in delegators_of(session, person_id, on)


def refusal_for(
    session: Session, submission: Submission, stage: Stage, person_id: str, on: date
) -> str | None:
    """Why `person_id` may not decide `stage` of `submission` (None: they may).

    A person covering for someone (an active delegation) may decide what that person could.
    """
    return load_decider(session, person_id, submission.dg_code, on).refusal(submission, stage)


@dataclass(frozen=True)
class Decider:
    """A person as the decision rules see them on one day, for one DG: whom they cover for,
    the roles they hold or act in, and that DG's Digital Leader. Read in one query."""

    person_id: str
    person: KnownPerson | None
    covers: tuple[str, ...]  # the people whose reviews they cover today
    roles: tuple[HeldRole, ...]  # theirs and those of the people they cover
    dg_leader: str | None

    def holds(self, assignee_id: str | None) -> bool:
        """`holds_review`, from what was read."""
        if self.person_id == assignee_id:
            return True
        return assignee_id is not None and assignee_id in self.covers

    def refusal(self, submission: Submission, stage: Stage) -> str | None:
        """`refusal_for`, from what was read."""
        if self.person is None:
            return _("Unknown person {person}. Check the person id.", person=self.person_id)
        acting_for = (self.person_id, *self.covers)
        return decide_refusal(
            actor_id=self.person_id,
            submitter_id=submission.submitter_id,
            roles=self.roles,
            stage=stage,
            dg_code=submission.dg_code,
            scrutiny=submission.scrutiny,
            is_digital_leader=self.dg_leader is not None and self.dg_leader in acting_for,
        )


def load_decider(
    session: Session,
    person_id: str,
    dg_code: str,
    on: date,
    directory: DirectoryLookup | None = None,
) -> Decider:
    """The person, whom they cover for on `on`, their roles and those people's, and the
    Digital Leader of `dg_code`: one query (a row per cover and pair of roles). `directory`, when
    given, keeps the person, the DG and its Digital Leader read along (a step that tells
    people does not read them again)."""
    rows = session.execute(
        _decider_query(), {"decider_id": person_id, "dg_code": dg_code, "on": on}
    ).all()
    return decider_from(person_id, rows, 0, directory)


def decider_from(
    person_id: str,
    rows: Sequence[Any],
    at: int,
    directory: DirectoryLookup | None = None,
) -> Decider:
    """The `Decider` read by a query made with `with_decider`, its columns starting at
    position `at` of each row (the first row gives the person, the DG and its Digital Leader;
    every row a cover, a role of the person's own and one of whom they cover, or None). The
    person, the DG and its Digital Leader are read as columns and kept as light rows
    (`PersonRow`, `DirectorateRow`), not ORM objects."""
    first = rows[0] if rows else None
    if first is None or first[at] is None:
        return Decider(person_id, None, (), (), None)
    person = PersonRow(*first[at : at + 5])
    dg = DirectorateRow(*first[at + 5 : at + 10]) if first[at + 5] is not None else None
    dg_leader = PersonRow(*first[at + 10 : at + 15]) if first[at + 10] is not None else None
    if directory is not None:
        directory.know_people([p for p in (person, dg_leader) if p is not None])
        if dg is not None:
            directory.know_directorate(dg)
    covers = sorted({r[at + 15] for r in rows if r[at + 15] is not None})
    roles = {
        r[i]: HeldRole(r[i + 1], r[i + 2], r[i + 3])
        for r in rows
        for i in (at + 16, at + 20)  # their own roles, and those of whom they cover
        if r[i]
    }
    return Decider(
        person_id,
        person,
        tuple(covers),
        tuple(roles[i] for i in sorted(roles)),
        dg.digital_leader_id if dg is not None else None,
    )


def with_decider(query: Any, dg_code: Any) -> Any:
    """`query` with the columns `decider_from` reads, by outer joins: the person whose id is
    the parameter `decider_id`, the DG `dg_code` (a parameter or a column of `query`) and its
    Digital Leader, whom the person covers for on the parameter `on`, and the roles of the
    person and of those they cover (a row per cover and pair of roles: one of their own, one
    of the person covered)."""
    decider, leader = aliased(Person, name="decider"), aliased(Person, name="leader")
    own = aliased(RoleAssignment, name="own_role")
    covered = aliased(RoleAssignment, name="covered_role")
    on = bindparam("on", type_=Date)
    covering = and_(
        col(Delegation.delegate_id) == col(decider.id),
        col(Delegation.starts_on) <= on,
        col(Delegation.ends_on) >= on,
    )
    return (
        query.add_columns(
            *person_columns(decider),
            col(Directorate.code),
            col(Directorate.name_cy),
            col(Directorate.name_en),
            col(Directorate.digital_leader_id),
            col(Directorate.slack_channel),
            *person_columns(leader),
            col(Delegation.person_id),
            *(
                col(column)
                for held in (own, covered)
                for column in (held.id, held.role, held.dg_code, held.discipline)
            ),
        )
        .outerjoin(decider, col(decider.id) == bindparam("decider_id", type_=String))
        .outerjoin(Directorate, col(Directorate.code) == dg_code)
        .outerjoin(leader, col(leader.id) == col(Directorate.digital_leader_id))
        .outerjoin(Delegation, covering)
        # Two joins, each by one person's id, not one join on an OR of the two: PostgreSQL
        # read every role ever assigned to test each against the OR.
        .outerjoin(own, col(own.person_id) == col(decider.id))
        .outerjoin(covered, col(covered.person_id) == col(Delegation.person_id))
    )


@cache
def _decider_query() -> Any:
    """`load_decider`'s query, taking `decider_id`, `dg_code` and `on` as parameters: built
    once (building it costs more than running it)."""
    anchor = sa_select(literal(1).label("one")).subquery("anchor")
    return with_decider(sa_select().select_from(anchor), bindparam("dg_code", type_=String))


# -- reassigning --------------------------------------------------------------------------

MANAGERS = (Role.ADMIN.value, Role.COE.value)


def may_reassign(session: Session, person_id: str, dg_code: str | None) -> bool:
    """Administrators and the Digital CoE reassign any review; a Digital Leader their DG's."""
    held = session.exec(
        select(RoleAssignment.id).where(
            RoleAssignment.person_id == person_id, col(RoleAssignment.role).in_(MANAGERS)
        )
    ).first()
    if held is not None:
        return True
    if dg_code is None:
        return False
    dg = session.get(Directorate, dg_code)
    return dg is not None and dg.digital_leader_id == person_id


def reassign_candidates(
    session: Session, submission: Submission, task: ReviewTask, on: date | None = None
) -> list[Person]:
    """Who an open review could be given to: everyone who may decide it, by name, but its
    present assignee."""
    on = on or london_today()
    roles = [r.value for r in eligible_roles(Stage(task.stage), submission.scrutiny)]
    holders = set(
        session.exec(
            select(RoleAssignment.person_id).where(col(RoleAssignment.role).in_(roles))
        ).all()
    )
    dg = session.get(Directorate, submission.dg_code)
    if Role.DIGITAL_LEADER.value in roles and dg is not None and dg.digital_leader_id:
        holders.add(dg.digital_leader_id)
    holders.discard(task.assignee_id or "")
    people = [p for p in (session.get(Person, h) for h in sorted(holders)) if p is not None]
    return sorted(
        (
            p
            for p in people
            if refusal_for(session, submission, Stage(task.stage), p.id, on) is None
        ),
        key=lambda p: p.name,
    )


def decidable_by(
    session: Session, submission: Submission, tasks: Iterable[ReviewTask], person_id: str
) -> list[ReviewTask]:
    """The open reviews among `tasks` that are `person_id`'s to decide now (theirs, or those of
    someone they cover for): the submission page offers them the decision form."""
    on = london_today()
    return [
        t
        for t in tasks
        if t.status == "open"
        and holds_review(session, t.assignee_id, person_id, on)
        and refusal_for(session, submission, Stage(t.stage), person_id, on) is None
    ]
