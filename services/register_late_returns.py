"""Late monthly returns: the daily reminder sweep (flows/remind.py) reminds a service's owner
when a month's return is late, and tells the DG's Digital Leader when it is still late a
while after.

A month's return is due by the Nth working day of the following month (`DFR_RETURN_DUE_WORKING_DAY`,
default 10; FACTS.md gives no deadline, only that GDS collected the figures monthly) and late
from the next day. The escalation follows `DFR_RETURN_ESCALATE_AFTER_WORKING_DAYS` (default 10)
working days after the due date. Each step is sent at most once per service and month: a row in
`late_return_reminder` (unique by service, month and step) and each notification's idempotency
key say so, so running the sweep again, or after downtime, sends nothing twice. Only services
with an owner and not retired are chased, for months from the one the entry was added in, at
most the last 12. A fixed number of queries, whatever the number of services.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from dfr.dates import long_date, long_month
from dfr.settings import Settings
from models import audit
from models.directory import Directorate, Person
from models.notification import PENDING, Notification
from models.service_links import LateReturnReminder
from models.service_register import Service
from models.service_returns import MonthlyReturn
from models.working_days import add_working_days
from notifications.recipients import channels_for
from notifications.render import TEMPLATE_VERSIONS, languages_for, render

MESSAGE = "return_late"
EVENT = "register.return_late"
MONTHS_CHASED = 12


def return_due(month: date, working_day: int) -> date:
    """The day `month`'s return is due: the `working_day`th working day of the next month."""
    last_day = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return add_working_days(last_day, working_day)


def _months_back(today: date, count: int) -> list[date]:
    """The `count` months before today's, oldest first."""
    months, month = [], today.replace(day=1)
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


@dataclass(frozen=True)
class LateReturn:
    service: Service
    month: date
    due: date
    step: str  # reminder | escalation


def late_returns(session: Session, today: date, settings: Settings) -> list[LateReturn]:
    """The late returns owed a step today that has not been sent."""
    months = _months_back(today, MONTHS_CHASED)
    services = session.exec(
        select(Service).where(col(Service.owner_id).is_not(None), Service.phase != "retired")
    ).all()
    if not services:
        return []
    ids = [s.id or 0 for s in services]
    entered = set(
        session.exec(
            select(col(MonthlyReturn.service_id), col(MonthlyReturn.month)).where(
                col(MonthlyReturn.service_id).in_(ids), col(MonthlyReturn.month) >= months[0]
            )
        ).all()
    )
    sent = set(
        session.exec(
            select(
                col(LateReturnReminder.service_id),
                col(LateReturnReminder.month),
                col(LateReturnReminder.step),
            ).where(
                col(LateReturnReminder.service_id).in_(ids),
                col(LateReturnReminder.month) >= months[0],
            )
        ).all()
    )
    # Each month's due date and step today, worked out once for every service.
    steps: dict[date, tuple[date, str]] = {}
    for month in months:
        due = return_due(month, settings.return_due_working_day)
        if today > due:
            escalate_on = add_working_days(due, settings.return_escalate_after_working_days)
            steps[month] = (due, "escalation" if today >= escalate_on else "reminder")
    owed = []
    for service in services:
        added = service.created_at.date().replace(day=1)
        for month, (due, step) in steps.items():
            if month < added or (service.id, month) in entered:
                continue
            if (service.id, month, step) not in sent:
                owed.append(LateReturn(service, month, due, step))
    return owed


def _context(
    late: LateReturn, person: Person, owner: Person | None, dg: Directorate, link: str, lang: str
) -> dict[str, Any]:
    return {
        "name": person.name,
        "service": late.service.name(lang),
        "dg_name": dg.name(lang),
        "month": long_month(late.month, lang),
        "due": long_date(late.due, lang),
        "escalated": late.step == "escalation",
        "owner": owner.name if owner else "",
        "link": link,
    }


def chase_late_returns(session: Session, today: date, settings: Settings) -> int:
    """Record, log and queue every late-return reminder and escalation owed today; return
    how many steps were taken."""
    owed = late_returns(session, today, settings)
    if not owed:
        return 0
    people = {p.id: p for p in session.exec(select(Person)).all()}
    dgs = {d.code: d for d in session.exec(select(Directorate)).all()}
    entries = audit.append_many(
        session,
        [
            audit.NewEntry(
                EVENT,
                None,
                None,
                {
                    "service": late.service.slug,
                    "month": f"{late.month:%Y-%m}",
                    "step": late.step,
                    "due_date": late.due.isoformat(),
                },
            )
            for late in owed
        ],
    )
    base, now, rows = settings.base_url.rstrip("/"), datetime.now(UTC), []
    # One executemany each for the steps and the messages: the statement count stays fixed.
    session.execute(
        insert(LateReturnReminder),
        [
            {
                "service_id": late.service.id or 0,
                "month": late.month,
                "step": late.step,
                "sent_on": today,
                "log_seq": entry.seq,
            }
            for late, entry in zip(owed, entries, strict=True)
        ],
    )
    for late, entry in zip(owed, entries, strict=True):
        dg = dgs[late.service.dg_code]
        owner = people.get(late.service.owner_id or "")
        told = owner if late.step == "reminder" else people.get(dg.digital_leader_id or "")
        if told is None:
            continue
        link = f"{base}/register/services/{late.service.slug}"
        contexts = {
            lang: _context(late, told, owner, dg, link, lang)
            for lang in languages_for(told.language)
        }
        rendered = render(MESSAGE, told.language, contexts)
        for channel, address in channels_for(told, settings):
            key = (
                f"return-late:{late.service.id}:{late.month:%Y-%m}:{late.step}:{told.id}:{channel}"
            )
            rows.append(
                {
                    "id": uuid.uuid4().hex,
                    "idempotency_key": key,
                    "message": MESSAGE,
                    "template_version": TEMPLATE_VERSIONS[MESSAGE],
                    "log_seq": entry.seq,
                    "submission_id": None,
                    "recipient_id": told.id,
                    "channel": channel,
                    "address": address,
                    "language": rendered.language,
                    "subject": rendered.subject,
                    "body_markdown": rendered.body_markdown,
                    "body_html": rendered.body_html if channel == "email" else "",
                    "status": PENDING,
                    "attempts": 0,
                    "created_at": now,
                }
            )
    if rows:
        session.execute(insert(Notification), rows)
    session.flush()
    return len(owed)
