"""Monthly data returns: one service's figures for one month, sent one at a time or in a CSV
file for many services and months. A return sent again for the same service and month is a
correction: it needs a reason, and the log records the figures before and after it.

A cell holds a whole number (the cost: pounds, up to two decimal places), "not applicable"
or "not provided" (in English or Welsh). Neither is zero, and an empty cell is refused rather
than guessed: the person sending the file says which it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, col, select

from dfr.errors import ValidationError
from dfr.i18n import _
from dfr.labels import N_
from models.audit import NewEntry, append_many
from models.service_register import Service
from models.service_returns import (
    COST,
    FIGURES,
    NOT_APPLICABLE,
    NOT_PROVIDED,
    Figure,
    MonthlyReturn,
    utcnow,
)
from models.working_days import london_today
from services.register import require_editor
from services.register_csv import Problems, read_rows
from services.register_owners import require_return_editor

COLUMNS = ("service", "month", *FIGURES)
# What a person may write for a figure that is not a number.
ABSENCES = {
    "not applicable": NOT_APPLICABLE,
    "n/a": NOT_APPLICABLE,
    "amherthnasol": NOT_APPLICABLE,
    "not provided": NOT_PROVIDED,
    "heb ei ddarparu": NOT_PROVIDED,
}
LARGEST = 10**12  # a figure beyond this is a typing error
EVENT_RECORDED = "register.return_recorded"
EVENT_CORRECTED = "register.return_corrected"


def read_month(text: str) -> date:
    """A month written YYYY-MM, not after the current month."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        first = date(int(year), int(month), 1)
    except ValueError:
        raise ValidationError(
            _("Write the month as YYYY-MM, such as 2026-04."), field="month"
        ) from None
    if first > london_today().replace(day=1):
        raise ValidationError(_("The month is in the future."), field="month")
    return first


def read_figure(name: str, text: str) -> Figure:
    """A figure from its cell: a number, or why there is none."""
    absence = ABSENCES.get(" ".join(text.lower().split()))
    if absence is not None:
        return absence  # type: ignore[return-value]
    if not text:
        raise ValidationError(
            _('It is empty: write a number, "not applicable" or "not provided".'), field=name
        )
    try:
        number = Decimal(text.replace(",", "")) if name == COST else Decimal(int(text))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _(
                "{value} is not a number: write a whole number (the cost may have pence), "
                '"not applicable" or "not provided".',
                value=text,
            ),
            field=name,
        ) from None
    if not number.is_finite() or number < 0 or number > LARGEST:
        raise ValidationError(_("It must be zero or more, and less than a trillion."), field=name)
    if name == COST:
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError(_("A cost has at most two decimal places (pence)."), field=name)
        return number.quantize(Decimal("0.01"))
    return int(number)


@dataclass(frozen=True)
class ReturnFigures:
    service_id: int
    month: date
    figures: dict[str, Figure]


def _columns(figures: Mapping[str, Figure]) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: None if isinstance(value, str) else value for name, value in figures.items()
    }
    values["not_applicable"] = [n for n, v in figures.items() if v == NOT_APPLICABLE]
    return values


def _logged(figures: Mapping[str, Figure]) -> dict[str, str]:
    return {name: str(value) for name, value in figures.items()}


def _recorded(session: Session, service_id: int, month: date) -> MonthlyReturn | None:
    return session.exec(
        select(MonthlyReturn).where(
            MonthlyReturn.service_id == service_id, MonthlyReturn.month == month
        )
    ).one_or_none()


def _store(
    session: Session,
    sent: ReturnFigures,
    existing: MonthlyReturn | None,
    slug: str,
    actor_id: str,
    reason: str | None,
) -> NewEntry | None:
    """Record a return or correct `existing`; the log entry (None: no change)."""
    month = sent.month.strftime("%Y-%m")
    if existing is None:
        session.add(
            MonthlyReturn(
                service_id=sent.service_id,
                month=sent.month,
                recorded_by_id=actor_id,
                **_columns(sent.figures),
            )
        )
        recorded = {"service": slug, "month": month, "figures": _logged(sent.figures)}
        return NewEntry(EVENT_RECORDED, actor_id, None, recorded)
    before = existing.figures()
    changed = {
        name: {"from": str(before[name]), "to": str(value)}
        for name, value in sent.figures.items()
        if before[name] != value
    }
    if not changed:
        return None
    assert reason  # checked before anything is stored
    for name, value in _columns(sent.figures).items():
        setattr(existing, name, value)
    existing.version += 1
    existing.recorded_by_id, existing.recorded_at = actor_id, utcnow()
    session.add(existing)
    payload: dict[str, Any] = {
        "service": slug,
        "month": month,
        "version": existing.version,
        "reason": reason,
        "changes": changed,
    }
    return NewEntry(EVENT_CORRECTED, actor_id, None, payload)


def _reason(reason: str | None) -> str | None:
    reason = (reason or "").strip() or None
    if reason and len(reason) > 1000:
        raise ValidationError(_("The reason is too long: up to 1,000 characters."), field="reason")
    return reason


CORRECTION_NEEDS_REASON = N_(
    "There is a return for this service and month already: give the reason for correcting it."
)


def record_return(
    session: Session,
    service: Service,
    month: date,
    figures: Mapping[str, Figure],
    actor_id: str,
    reason: str | None = None,
) -> None:
    """Record one service's return for one month, or correct it (with a reason), and log it.
    The service's owner may, as well as the CoE and administrators."""
    require_return_editor(session, actor_id, service)
    reason = _reason(reason)
    missing = [name for name in FIGURES if name not in figures]
    if missing:
        raise ValidationError(_("A return needs every figure."), field=missing[0])
    sent = ReturnFigures(service.id or 0, month, {name: figures[name] for name in FIGURES})
    existing = _recorded(session, sent.service_id, month)
    if existing is not None and existing.figures() != sent.figures and not reason:
        raise ValidationError(_(CORRECTION_NEEDS_REASON), field="reason")
    entry = _store(session, sent, existing, service.slug, actor_id, reason)
    append_many(session, [entry] if entry else [])
    session.flush()


@dataclass(frozen=True)
class ReturnsImported:
    recorded: int
    corrected: int
    unchanged: int


def import_returns(
    session: Session, text: str, actor_id: str, reason: str | None = None
) -> ReturnsImported:
    """Load monthly returns from CSV (a row a service and month). Every row is checked
    first; any bad row refuses the whole file. A row for a month that has a return corrects
    it, which needs `reason` (one for the file, logged with each correction)."""
    require_editor(session, actor_id)
    reason = _reason(reason)
    rows = read_rows(text, COLUMNS)
    ids = {s.slug: s.id or 0 for s in session.exec(select(Service)).all()}
    problems, checked = Problems(), []
    seen: dict[tuple[str, date], int] = {}
    for row in rows:
        slug = row.cells["service"]
        if slug not in ids:
            problems.add(
                row.line,
                "service",
                _("There is no service {slug} on the register.", slug=slug or "-"),
            )
        try:
            month = read_month(row.cells["month"])
        except ValidationError as err:
            problems.add(row.line, "month", err.message)
            month = None
        figures: dict[str, Figure] = {}
        for name in FIGURES:
            try:
                figures[name] = read_figure(name, row.cells[name])
            except ValidationError as err:
                problems.add(row.line, name, err.message)
        if month is None or slug not in ids or len(figures) != len(FIGURES):
            continue
        key = (slug, month)
        if key in seen:
            problems.add(
                row.line,
                None,
                _(
                    "Line {line} has a return for this service and month already: each is one row.",
                    line=seen[key],
                ),
            )
            continue
        seen[key] = row.line
        checked.append((row.line, slug, ReturnFigures(ids[slug], month, figures)))
    existing = _existing(session, [sent for _line, _slug, sent in checked])
    for line, _slug, sent in checked:
        before = existing.get((sent.service_id, sent.month))
        if before is not None and before.figures() != sent.figures and not reason:
            problems.add(line, None, _(CORRECTION_NEEDS_REASON))
    problems.check()
    entries = [
        _store(session, sent, existing.get((sent.service_id, sent.month)), slug, actor_id, reason)
        for _line, slug, sent in checked
    ]
    made = [entry for entry in entries if entry]
    append_many(session, made)
    session.flush()
    recorded = sum(1 for entry in made if entry.event == EVENT_RECORDED)
    return ReturnsImported(recorded, len(made) - recorded, len(entries) - len(made))


def _existing(session: Session, sent: list[ReturnFigures]) -> dict[tuple[int, date], MonthlyReturn]:
    """The figures already recorded for these services' months, in one query."""
    if not sent:
        return {}
    service_ids = sorted({s.service_id for s in sent})
    rows = session.exec(
        select(MonthlyReturn).where(col(MonthlyReturn.service_id).in_(service_ids))
    ).all()
    return {(r.service_id, r.month): r for r in rows}
