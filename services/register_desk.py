"""The register's working page (not the public register): for the Digital CoE and
administrators every service and the pending register proposals; for a service owner the
services they own. Anyone else is told there is no such page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from dfr.errors import NotFoundError
from dfr.i18n import _
from models.directory import Person
from models.lifecycle import Role
from models.service_register import Service, TransactionType
from services.access import load_actor
from services.register_proposals import Proposal, pending_proposals


@dataclass(frozen=True)
class Desk:
    services: list[Service]
    owners: dict[str, str]  # person id → name
    proposals: list[Proposal]
    editor: bool  # the CoE or an administrator


def register_desk(session: Session, actor_id: str, language: str) -> Desk:
    """What `actor_id` works on in the register; NotFoundError for someone with nothing."""
    actor = load_actor(session, actor_id)
    editor = actor is not None and actor.holds(Role.COE, Role.ADMIN)
    query = select(Service)
    if not editor:
        query = query.where(Service.owner_id == actor_id)
    services = sorted(session.exec(query).all(), key=lambda s: s.name(language).lower())
    if actor is None or not (editor or services):
        raise NotFoundError(_("Check the web address is correct."))
    owner_ids = sorted({s.owner_id for s in services if s.owner_id})
    owners = {
        p.id: p.name
        for p in session.exec(select(Person).where(col(Person.id).in_(owner_ids))).all()
    }
    return Desk(services, owners, pending_proposals(session, actor_id) if editor else [], editor)


def transaction_type_names(session: Session, language: str) -> dict[str, str]:
    """Every type of transaction's name in `language`, by code, in name order."""
    kinds = session.exec(select(TransactionType)).all()
    return {k.code: k.name(language) for k in sorted(kinds, key=lambda k: k.name(language).lower())}
