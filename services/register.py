"""The register of transactional services: adding and changing entries, one at a time or from
the CoE's baseline spreadsheet (CSV). Only the Digital Centre of Excellence and administrators
change it; every change is appended to the decision log, with what changed.

The same checks serve one entry and a file: `check_entry` reads an entry's fields as text (a
form's or a CSV row's) and reports every field that is wrong, so a file with bad rows is
refused with every problem listed (`services.register_csv`) and nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from dfr.errors import NotFoundError, PermissionDeniedError, ValidationError
from dfr.i18n import _
from dfr.labels import N_
from models.audit import NewEntry, append_many
from models.directory import Directorate
from models.lifecycle import Role
from models.service_register import (
    CHANNELS,
    CUSTOMER_TYPES,
    PHASES,
    Service,
    TransactionType,
    utcnow,
)
from services.access import Actor, load_actor, log_privacy_refusal
from services.register_csv import Problems, read_rows

# The transaction types of the UK's Transactions Explorer, as the register starts with them;
# the CoE can add more (`TransactionType` rows).
DEFAULT_TRANSACTION_TYPES = {
    "payment": ("Gwneud taliad", "Making a payment"),
    "benefit": ("Gwneud cais am fudd-dal neu gymorth", "Applying for a benefit or support"),
    "licence": ("Gwneud cais am drwydded neu ganiatâd", "Applying for a licence or permission"),
    "grant": ("Gwneud cais am grant", "Applying for a grant"),
    "registration": ("Cofrestru", "Registering"),
    "information": ("Rhoi gwybodaeth neu wneud datganiad", "Giving information or a return"),
    "booking": ("Trefnu apwyntiad neu le", "Booking an appointment or a place"),
}

COLUMNS = (
    "slug",
    "name_cy",
    "name_en",
    "description_cy",
    "description_en",
    "dg",
    "transaction_type",
    "customer_type",
    "channels",
    "assisted_digital",
    "phase",
    "web_address",
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YES = {"yes", "ie", "true", "1"}
NO = {"no", "na", "false", "0"}
EVENT_ADDED = "register.service_added"
EVENT_CHANGED = "register.service_changed"
# Why the register refuses someone; neutral, as every front door shows it as it is.
EDITORS = N_(
    "Only the Digital Centre of Excellence and administrators can change the register of services."
)


def edits_register(actor: Actor | None) -> bool:
    """Who keeps the register: the CoE and administrators."""
    return actor is not None and actor.holds(Role.COE, Role.ADMIN)


def require_editor(session: Session, actor_id: str) -> None:
    """Refuse anyone but the CoE and administrators."""
    actor = load_actor(session, actor_id)
    if actor is None:
        raise NotFoundError(_("There is no person {id}.", id=actor_id), field="actor")
    if not edits_register(actor):
        raise PermissionDeniedError(_(EDITORS), field="actor")


def ensure_transaction_types(session: Session) -> None:
    """Add the default transaction types the register does not have yet."""
    known = set(session.exec(select(TransactionType.code)).all())
    for code, (name_cy, name_en) in DEFAULT_TRANSACTION_TYPES.items():
        if code not in known:
            session.add(TransactionType(code=code, name_cy=name_cy, name_en=name_en))
    session.flush()


@dataclass(frozen=True)
class Vocabulary:
    """What an entry's fields may name, read once for a whole file."""

    dgs: frozenset[str]
    transaction_types: frozenset[str]

    @classmethod
    def read(cls, session: Session) -> Vocabulary:
        ensure_transaction_types(session)
        return cls(
            frozenset(session.exec(select(Directorate.code)).all()),
            frozenset(session.exec(select(TransactionType.code)).all()),
        )


def _one_of(allowed: Sequence[str]) -> str:
    return _("It must be one of: {allowed}.", allowed=", ".join(allowed))


def check_entry(
    cells: Mapping[str, str], vocabulary: Vocabulary
) -> tuple[dict[str, Any], dict[str, str]]:
    """An entry's fields from text, and a problem (by column) for each one that is wrong."""
    problems: dict[str, str] = {}
    fields: dict[str, Any] = {}
    slug = cells.get("slug", "")
    if not SLUG.match(slug) or len(slug) > 80:
        problems["slug"] = _(
            "It must be lower-case letters, digits and single hyphens (up to 80), such as "
            "blue-badge: it is the service's address on the register."
        )
    fields["slug"] = slug
    for name in ("name_cy", "name_en", "description_cy", "description_en"):
        value = cells.get(name, "")
        if not value:
            problems[name] = _("It is empty: every entry is described in Welsh and English.")
        elif len(value) > (200 if name.startswith("name") else 2000):
            problems[name] = _(
                "It is too long: a name has up to 200 characters, a description up to 2,000."
            )
        fields[name] = value
    dg = cells.get("dg", "")
    if dg not in vocabulary.dgs:
        problems["dg"] = _("There is no DG {code}.", code=dg or "-")
    fields["dg_code"] = dg
    kind = cells.get("transaction_type", "")
    if kind not in vocabulary.transaction_types:
        problems["transaction_type"] = _one_of(sorted(vocabulary.transaction_types))
    fields["transaction_type"] = kind
    customer = cells.get("customer_type", "")
    if customer not in CUSTOMER_TYPES:
        problems["customer_type"] = _one_of(list(CUSTOMER_TYPES))
    fields["customer_type"] = customer
    channels = [c.strip() for c in cells.get("channels", "").split(";") if c.strip()]
    wrong = [c for c in channels if c not in CHANNELS]
    if not channels or wrong:
        problems["channels"] = _(
            "List one or more of {allowed}, separated by semicolons.",
            allowed=", ".join(CHANNELS),
        )
    fields["channels"] = [c for c in CHANNELS if c in channels]  # in a fixed order
    assisted = cells.get("assisted_digital", "").lower()
    if assisted not in YES | NO:
        problems["assisted_digital"] = _("It must be yes or no.")
    fields["assisted_digital"] = assisted in YES
    phase = cells.get("phase", "")
    if phase not in PHASES:
        problems["phase"] = _one_of(list(PHASES))
    fields["phase"] = phase
    address = cells.get("web_address", "")
    if address and (not re.match(r"^https?://[^\s/]+\S*$", address) or len(address) > 2000):
        problems["web_address"] = _(
            "It must be a web address starting with https:// or http://, or left empty."
        )
    fields["web_address"] = address or None
    return fields, problems


class EntryRejectedError(ValidationError):
    """An entry with wrong fields: `by_field` has each one (field → what is wrong); the
    message and `field` are the first, for a front door that shows one."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        name, problem = next(iter(problems.items()))
        super().__init__(problem, field=name, by_field=problems)


def _changes(service: Service, fields: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"from": getattr(service, name), "to": value}
        for name, value in fields.items()
        if getattr(service, name) != value
    }


def _store(
    session: Session, fields: Mapping[str, Any], actor_id: str
) -> tuple[Service, NewEntry | None]:
    """Add the entry or change the one with its slug; the log entry saying so (None when
    nothing changed)."""
    service = session.exec(select(Service).where(Service.slug == fields["slug"])).one_or_none()
    if service is None:
        service = Service(**fields)
        session.add(service)
        return service, NewEntry(EVENT_ADDED, actor_id, None, service.facts())
    changes = _changes(service, fields)
    if not changes:
        return service, None
    for name, change in changes.items():
        setattr(service, name, change["to"])
    service.version += 1
    service.updated_at = utcnow()
    session.add(service)
    payload = {"slug": service.slug, "version": service.version, "changes": changes}
    return service, NewEntry(EVENT_CHANGED, actor_id, None, payload)


def save_service(session: Session, cells: Mapping[str, str], actor_id: str) -> Service:
    """Add a service to the register, or change the one with the same slug, and log it. Wrong
    fields are refused (EntryRejectedError, naming each) and nothing is written."""
    require_editor(session, actor_id)
    fields, problems = check_entry(cells, Vocabulary.read(session))
    if problems:
        raise EntryRejectedError(problems)
    service, entry = _store(session, fields, actor_id)
    append_many(session, [entry] if entry else [])
    session.flush()
    return service


@dataclass(frozen=True)
class Imported:
    added: int
    changed: int
    unchanged: int


def import_services(session: Session, text: str, actor_id: str) -> Imported:
    """Load a baseline (or a later copy) of the register from CSV: every row is checked
    first; any bad row refuses the whole file. A row whose slug is on the register changes
    that entry; each entry added or changed gets its own log entry."""
    require_editor(session, actor_id)
    rows = read_rows(text, COLUMNS)
    vocabulary = Vocabulary.read(session)
    problems, checked = Problems(), []
    seen: dict[str, int] = {}
    for row in rows:
        fields, wrong = check_entry(row.cells, vocabulary)
        for column, reason in wrong.items():
            problems.add(row.line, column, reason)
        slug = fields["slug"]
        if slug in seen:
            problems.add(
                row.line,
                "slug",
                _("Line {line} has this slug already: each service is one row.", line=seen[slug]),
            )
        seen.setdefault(slug, row.line)
        checked.append(fields)
    problems.check()
    entries = []
    for fields in checked:
        _service, entry = _store(session, fields, actor_id)
        if entry:
            entries.append(entry)
    append_many(session, entries)
    session.flush()
    added = sum(1 for e in entries if e.event == EVENT_ADDED)
    return Imported(added, len(entries) - added, len(checked) - len(entries))


def not_on_register(slug: str) -> NotFoundError:
    """What a person is told of a service that is not on the register (or that is not theirs
    to see): the same words either way."""
    return NotFoundError(
        _("There is no service {slug} on the register.", slug=slug), field="service"
    )


def service_by_slug(session: Session, slug: str) -> Service:
    """The service at this address, or NotFoundError."""
    service = session.exec(select(Service).where(Service.slug == slug)).one_or_none()
    if service is None:
        raise not_on_register(slug)
    return service


# -- one entry, changed by a register editor ----------------------------------------------

RETIRED = "retired"
# The fields of an entry a person can change: it keeps its address (slug) and its DG.
CHANGEABLE = tuple(name for name in COLUMNS if name not in ("slug", "dg"))


def entry_cells(service: Service) -> dict[str, str]:
    """The entry's fields as text, as `check_entry` reads them (what a form shows)."""
    return {
        "slug": service.slug,
        "name_cy": service.name_cy,
        "name_en": service.name_en,
        "description_cy": service.description_cy,
        "description_en": service.description_en,
        "dg": service.dg_code,
        "transaction_type": service.transaction_type,
        "customer_type": service.customer_type,
        "channels": ";".join(service.channels),
        "assisted_digital": "yes" if service.assisted_digital else "no",
        "phase": service.phase,
        "web_address": service.web_address or "",
    }


def service_to_change(session: Session, actor_id: str, slug: str, *, lock: bool = False) -> Service:
    """Service `slug`, for the CoE or an administrator to change its entry (`lock`: its row
    held until the transaction ends, on PostgreSQL; SQLite's writers hold the whole file).
    Anyone else is told there is no such service, in the words used for one not on the
    register (deny by default); a retired service's entry is kept as it was."""
    actor = load_actor(session, actor_id)
    query = select(Service).where(Service.slug == slug)
    service = session.exec(query.with_for_update() if lock else query).one_or_none()
    if not edits_register(actor) or service is None:
        if service is not None:
            log_privacy_refusal(actor_id, "register service to change", slug)
        raise not_on_register(slug)
    if service.phase == RETIRED:
        raise NotFoundError(
            _(
                "The service {slug} is retired: its entry is kept as it was and is not "
                "changed any more.",
                slug=slug,
            ),
            field="service",
        )
    return service


@dataclass(frozen=True)
class EntryChange:
    """A register entry after a change: what changed (field → from, to), empty when the
    fields given were those it had."""

    service: Service
    changes: dict[str, dict[str, Any]]


class EntryChangedMeanwhileError(ValidationError):
    """The entry was saved by someone else after the person opened it: saving theirs would
    undo that change unseen. `version` is the entry's version now (a form that keeps what the
    person typed offers to save over it, knowingly)."""

    def __init__(self, service: Service) -> None:
        self.version = service.version
        super().__init__(
            _(
                "Someone else saved a change to this entry after you opened it. Check the "
                "service's page to see what it says now, then save again to replace it with "
                "what is below."
            ),
            field="version",
        )


def change_service(
    session: Session,
    slug: str,
    cells: Mapping[str, str],
    actor_id: str,
    seen_version: int | None = None,
) -> EntryChange:
    """Change the entry of service `slug` to `cells` (its fields as text, as `check_entry`
    reads them; its slug and DG stay as they are) and log what changed, as an import does;
    nothing is logged when nothing changed. Wrong fields are refused (EntryRejectedError,
    naming each) and nothing is written; see `service_to_change` for who may. With
    `seen_version` (the version the person's form showed), a change saved by someone else
    since then is not overwritten unseen (EntryChangedMeanwhileError)."""
    service = service_to_change(session, actor_id, slug, lock=True)
    if seen_version is not None and seen_version != service.version:
        raise EntryChangedMeanwhileError(service)
    return _change(session, service, cells, actor_id)


def change_service_fields(
    session: Session, slug: str, given: Mapping[str, str], actor_id: str
) -> EntryChange:
    """Change only the fields `given` of service `slug`'s entry (field → text, as
    `check_entry` reads it; each one of CHANGEABLE): every other field stays as the entry says
    now, read under the same row lock as the change, so a change saved meanwhile is kept.
    Otherwise as `change_service`: who may, what is refused, what is logged."""
    unknown = sorted(set(given) - set(CHANGEABLE))
    if unknown:
        raise ValueError(f"not fields a person can change: {', '.join(unknown)}")
    service = service_to_change(session, actor_id, slug, lock=True)
    return _change(session, service, {**entry_cells(service), **given}, actor_id)


def _change(
    session: Session, service: Service, cells: Mapping[str, str], actor_id: str
) -> EntryChange:
    """Store `cells` as the entry of `service` (locked, found by `service_to_change`)."""
    fields, problems = check_entry(
        {**cells, "slug": service.slug, "dg": service.dg_code}, Vocabulary.read(session)
    )
    if problems:
        raise EntryRejectedError(problems)
    service, entry = _store(session, fields, actor_id)
    append_many(session, [entry] if entry else [])
    session.flush()
    return EntryChange(service, dict(entry.payload["changes"]) if entry else {})


TYPE_CODE = re.compile(r"^[a-z][a-z_]{0,31}$")


def save_transaction_type(
    session: Session, code: str, name_cy: str, name_en: str, actor_id: str
) -> TransactionType:
    """Add a transaction type, or rename one, and log it: the types are data the CoE keeps."""
    require_editor(session, actor_id)
    ensure_transaction_types(session)
    if not TYPE_CODE.match(code):
        raise ValidationError(
            _("A type's code is lower-case letters and underscores, up to 32, such as payment."),
            field="code",
        )
    for field, name in (("name_cy", name_cy), ("name_en", name_en)):
        if not name.strip() or len(name) > 200:
            raise ValidationError(
                _("Name the type in Welsh and in English, each up to 200 characters."),
                field=field,
            )
    kind = session.get(TransactionType, code) or TransactionType(code=code, name_cy="", name_en="")
    before = {"cy": kind.name_cy, "en": kind.name_en}
    kind.name_cy, kind.name_en = name_cy.strip(), name_en.strip()
    session.add(kind)
    if before != {"cy": kind.name_cy, "en": kind.name_en}:
        payload = {"code": code, "name": {"cy": kind.name_cy, "en": kind.name_en}}
        append_many(session, [NewEntry("register.transaction_type_saved", actor_id, None, payload)])
    session.flush()
    return kind
