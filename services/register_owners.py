"""Service owners: each entry on the register can name one person in the directory who
answers for the service. The owner (as well as the Digital CoE and administrators) enters the
service's monthly returns, and is reminded when one is late (`services.register_late_returns`).
Only the CoE and administrators name or change an owner; each change is logged."""

from __future__ import annotations

from sqlmodel import Session, col, select

from dfr.errors import NotFoundError, PermissionDeniedError, ValidationError
from dfr.i18n import _
from dfr.labels import N_
from models import audit
from models.directory import Person
from models.lifecycle import Role
from models.service_register import Service, utcnow
from services.access import load_actor
from services.register import require_editor, service_by_slug

EVENT_OWNER = "register.owner_changed"
RETURN_EDITORS = N_(
    "Only the service's owner, the Digital Centre of Excellence and administrators can enter "
    "its monthly returns."
)


def set_owner(session: Session, actor_id: str, slug: str, owner_id: str) -> Service:
    """Name `owner_id` (a person in the directory; empty: nobody) as the owner of service
    `slug`, and log it."""
    require_editor(session, actor_id)
    service = service_by_slug(session, slug)
    owner = owner_id.strip() or None
    if owner is not None and session.get(Person, owner) is None:
        raise ValidationError(
            _("There is no person {id} in the directory.", id=owner), field="owner"
        )
    if owner != service.owner_id:
        payload = {"service": slug, "from": service.owner_id, "to": owner}
        service.owner_id, service.updated_at = owner, utcnow()
        session.add(service)
        audit.append(
            session, event=EVENT_OWNER, actor_id=actor_id, submission_id=None, payload=payload
        )
        session.flush()
    return service


def may_enter_returns(session: Session, actor_id: str, service: Service) -> bool:
    actor = load_actor(session, actor_id)
    return actor is not None and (actor.holds(Role.COE, Role.ADMIN) or service.owner_id == actor.id)


def require_return_editor(session: Session, actor_id: str, service: Service) -> None:
    """Refuse anyone but the service's owner, the CoE and administrators."""
    if load_actor(session, actor_id) is None:
        raise NotFoundError(_("There is no person {id}.", id=actor_id), field="actor")
    if not may_enter_returns(session, actor_id, service):
        raise PermissionDeniedError(_(RETURN_EDITORS), field="actor")


def returnable_services(session: Session, actor_id: str) -> list[Service]:
    """The services whose returns `actor_id` may enter: every one for the CoE and
    administrators, their own for an owner; PermissionDeniedError for anyone else."""
    actor = load_actor(session, actor_id)
    if actor is None:
        raise NotFoundError(_("There is no person {id}.", id=actor_id), field="actor")
    query = select(Service).order_by(col(Service.slug))
    if not actor.holds(Role.COE, Role.ADMIN):
        query = query.where(Service.owner_id == actor.id)
    found = list(session.exec(query).all())
    if not found:
        raise PermissionDeniedError(_(RETURN_EDITORS), field="actor")
    return found
