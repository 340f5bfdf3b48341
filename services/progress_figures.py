"""What a quarterly progress report counts (Digital Action Plan action 20), read from the
records the engine keeps, as plain JSON-ready data (a draft stores it: what the CoE reviews is
what is published).

Every figure is derived from a dated record, so the same quarter gives the same figures
whenever it is counted (but for overdue actions, below):

- submissions received: `submission.submitted_on` in the quarter; outcomes reached in the
  quarter: the decision log's `submission.completed` (approved, approved with conditions,
  rejected) and `submission.withdrawn` entries, `decision` rows asking for changes, and
  `submission.resubmitted` entries;
- digital options considered: the digital-options answers of the first round of each
  submission received in the quarter (what the checklist recorded when it was sent);
- what changed because of them: conditions and amber actions set by the quarter's decisions,
  changes requested and resubmissions, and, for each resubmission, the digital options answered
  "no" before and "yes" after, and the checklist's flags raised before and no longer raised.
  The records show *what* changed between rounds, not *why*: a report says so;
- assessment results: the overall rating of each Service Standard assessment decided in the
  quarter, by the phase the submission names;
- overdue work at the quarter's end: reviews open at that moment (opened before it, closed
  after it or not yet) whose due date had passed; and conditions, amber actions and obligations
  due before it that were not confirmed done by then. An action's cancellation is not dated,
  so a cancelled action is not counted even if it was overdue at the quarter's end;
- KPI movements: the register's four KPIs (`services.register_kpis`, its formulas unchanged)
  over the quarter's three months against the three before, per DG and overall.

Times are Europe/London: a quarter runs from midnight on its first day to midnight after its
last.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from checklists.loader import Registry
from dfr.labels import N_
from models.audit import LogEntry
from models.directory import Directorate
from models.quarter import Quarter
from models.register_kpis import KPIS, KpiValue, combine
from models.review import Action, Decision, ReviewTask
from models.service_register import Service
from models.submission import ChecklistAnswers, RaisedFlag, Submission
from services.register_kpis import register_kpis

LONDON = ZoneInfo("Europe/London")
DIGITAL_OPTIONS = "digital_options"

# The outcomes a quarter's submissions table counts, in its columns' order.
OUTCOMES = {
    "received": N_("Received"),
    "approved": N_("Approved"),
    "approved_with_conditions": N_("Approved with conditions"),
    "changes_requested": N_("Changes requested"),
    "resubmitted": N_("Resubmitted"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"),
}

# The digital options the checklist records, as yes/no answers: (question, a "yes" means).
OPTIONS = {
    "end_to_end_digital": N_("Can be digital from start to finish (digital by default)"),
    "user_needs_evidence": N_("Evidence of user needs from user research"),
    "reuses_data_held": N_("Reuses data government already holds"),
    "common_components": N_("Reuses at least one common component"),
    "assisted_digital": N_("Assisted digital support planned"),
    "offline_channels_considered": N_("Phone, paper and face-to-face channels considered"),
    "accessibility_wcag": N_("Will meet WCAG 2.2 level AA"),
    "welsh_language_effects": N_("Effects on the Welsh language considered and recorded"),
    "bilingual_from_start": N_("Designed in Welsh and English from the start"),
    "wet_ink_signature": N_("Needs a wet-ink signature or paper forms"),
}
COMPONENTS = {
    "notify": N_("GOV.UK Notify"),
    "pay": N_("GOV.UK Pay"),
    "one_login": N_("GOV.UK One Login"),
    "form_platform": N_("A shared form platform"),
}

RATINGS = ("green", "amber", "red")
PHASES = ("discovery", "alpha", "beta", "live", "none")
OVERDUE_KINDS = {
    "digital_options_review": N_("Digital options reviews"),
    "category_review": N_("Category reviews"),
    "service_assessment": N_("Service assessments"),
    "actions": N_("Conditions, amber actions and obligations"),
}
OUTSTANDING_ACTIONS = ("open", "reported_done", "sent_back")


def moment(day: date) -> datetime:
    """Midnight at the start of `day` in London, as a UTC moment."""
    return datetime.combine(day, time(), tzinfo=LONDON).astimezone(UTC)


def _log_time(at: datetime) -> str:
    """A moment as the decision log writes it (its text compares in time order)."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _is_yes(answer: object, question: str) -> bool:
    if question == "common_components":
        return isinstance(answer, list) and any(v != "none" for v in answer)
    return answer is True


def progress_figures(session: Session, quarter: Quarter, registry: Registry) -> dict[str, Any]:
    """Everything the quarter's report counts (the module docstring says from what); the
    checklists name the flags it counts."""
    since, until = moment(quarter.start), moment(quarter.next.start)
    dgs = list(session.exec(select(Directorate).order_by(col(Directorate.code))).all())
    return {
        "quarter": str(quarter),
        "dgs": [{"code": d.code, "name_cy": d.name_cy, "name_en": d.name_en} for d in dgs],
        "outcomes": _outcomes(session, quarter, since, until),
        "options": _options(session, quarter),
        "changes": _changes(session, since, until, registry),
        "assessments": _assessments(session, since, until),
        "overdue": _overdue(session, quarter, until),
        "kpis": _kpis(session, quarter),
    }


def _outcomes(
    session: Session, quarter: Quarter, since: datetime, until: datetime
) -> dict[str, dict[str, int]]:
    """Per DG: submissions received, and the outcomes reached in the quarter."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for dg, count in session.exec(
        select(Submission.dg_code, func.count())
        .where(
            col(Submission.submitted_on) >= quarter.start,
            col(Submission.submitted_on) <= quarter.end,
        )
        .group_by(col(Submission.dg_code))
    ).all():
        table[dg]["received"] += count
    events = ("submission.completed", "submission.withdrawn", "submission.resubmitted")
    for event, payload, dg in session.exec(
        select(LogEntry.event, LogEntry.payload, Submission.dg_code)
        .join(Submission, col(Submission.id) == col(LogEntry.submission_id))
        .where(
            col(LogEntry.event).in_(events),
            col(LogEntry.occurred_at) >= _log_time(since),
            col(LogEntry.occurred_at) < _log_time(until),
        )
    ).all():
        if event == "submission.completed":
            table[dg][str(payload.get("state"))] += 1
        else:
            table[dg][event.removeprefix("submission.")] += 1
    for dg, count in session.exec(
        select(Submission.dg_code, func.count())
        .join(Decision, col(Decision.submission_id) == col(Submission.id))
        .where(
            Decision.outcome == "request_changes",
            col(Decision.decided_at) >= since,
            col(Decision.decided_at) < until,
        )
        .group_by(col(Submission.dg_code))
    ).all():
        table[dg]["changes_requested"] += count
    return {dg: {key: counts[key] for key in OUTCOMES} for dg, counts in sorted(table.items())}


def _options(session: Session, quarter: Quarter) -> dict[str, Any]:
    """What the digital-options checklist recorded for the quarter's new submissions."""
    rows = session.exec(
        select(ChecklistAnswers.answers)
        .join(Submission, col(Submission.id) == col(ChecklistAnswers.submission_id))
        .where(
            ChecklistAnswers.checklist_id == DIGITAL_OPTIONS,
            ChecklistAnswers.round == 1,
            col(Submission.submitted_on) >= quarter.start,
            col(Submission.submitted_on) <= quarter.end,
        )
    ).all()
    yes: Counter[str] = Counter()
    components: Counter[str] = Counter()
    for answers in rows:
        for question in OPTIONS:
            if _is_yes(answers.get(question), question):
                yes[question] += 1
        for component in answers.get("common_components") or []:
            if component in COMPONENTS:
                components[component] += 1
    return {
        "answered": len(rows),
        "yes": {q: yes[q] for q in OPTIONS},
        "components": {c: components[c] for c in COMPONENTS},
    }


def _flag_names(registry: Registry) -> dict[str, dict[str, str]]:
    """Each flag's words in both languages, from the newest version that has it."""
    names: dict[str, dict[str, str]] = {}
    for _key, checklist in sorted(registry.checklists.items()):
        for flag in checklist.definition.flags:
            names[flag.id] = {"cy": flag.text.cy, "en": flag.text.en}
    return names


def _changes(
    session: Session, since: datetime, until: datetime, registry: Registry
) -> dict[str, Any]:
    """Conditions and amber actions the quarter's decisions set, actions confirmed done, and
    what each resubmission changed in its digital options and flags."""
    in_quarter = and_(col(Decision.decided_at) >= since, col(Decision.decided_at) < until)
    set_by_kind = dict(
        session.exec(
            select(Action.kind, func.count())
            .join(Decision, col(Decision.id) == col(Action.decision_id))
            .where(in_quarter)
            .group_by(col(Action.kind))
        ).all()
    )
    decisions_with_conditions = session.exec(
        select(func.count(func.distinct(Action.decision_id)))
        .join(Decision, col(Decision.id) == col(Action.decision_id))
        .where(in_quarter, Action.kind == "condition")
    ).one()
    confirmed = session.exec(
        select(func.count()).where(
            Action.status == "done",
            col(Action.reviewed_at) >= since,
            col(Action.reviewed_at) < until,
        )
    ).one()
    resubmissions = [
        (sid, int(payload.get("round", 0)))
        for sid, payload in session.exec(
            select(LogEntry.submission_id, LogEntry.payload).where(
                LogEntry.event == "submission.resubmitted",
                col(LogEntry.occurred_at) >= _log_time(since),
                col(LogEntry.occurred_at) < _log_time(until),
            )
        ).all()
        if sid is not None
    ]
    now_yes, cleared = _what_resubmissions_changed(session, resubmissions)
    names = _flag_names(registry)
    return {
        "conditions": int(set_by_kind.get("condition", 0)),
        "decisions_with_conditions": int(decisions_with_conditions),
        "amber_actions": int(set_by_kind.get("amber_action", 0)),
        "confirmed_done": int(confirmed),
        "resubmissions": len(resubmissions),
        "now_yes": {q: now_yes[q] for q in OPTIONS if q != "wet_ink_signature"},
        "no_longer_paper": now_yes["no_longer_paper"],
        "flags_cleared": [
            {"flag": flag, "count": count, **names.get(flag, {"cy": flag, "en": flag})}
            for flag, count in sorted(cleared.items())
        ],
    }


def _what_resubmissions_changed(
    session: Session, resubmissions: list[tuple[int, int]]
) -> tuple[Counter[str], Counter[str]]:
    """For each (submission, new round): the options answered "yes" only in the new round,
    and the flags the previous round raised that the new one does not."""
    now_yes: Counter[str] = Counter()
    cleared: Counter[str] = Counter()
    if not resubmissions:
        return now_yes, cleared
    ids = sorted({sid for sid, _round in resubmissions})
    answers: dict[tuple[int, int], dict[str, Any]] = {}
    flags: dict[tuple[int, int], set[str]] = defaultdict(set)
    for chunk in _chunks(ids, 500):
        for sid, rnd, given in session.exec(
            select(
                ChecklistAnswers.submission_id, ChecklistAnswers.round, ChecklistAnswers.answers
            ).where(
                col(ChecklistAnswers.submission_id).in_(chunk),
                ChecklistAnswers.checklist_id == DIGITAL_OPTIONS,
            )
        ).all():
            answers[(sid, rnd)] = dict(given)
        for sid, rnd, flag in session.exec(
            select(RaisedFlag.submission_id, RaisedFlag.round, RaisedFlag.flag_id).where(
                col(RaisedFlag.submission_id).in_(chunk)
            )
        ).all():
            flags[(sid, rnd)].add(flag)
    for sid, rnd in resubmissions:
        before, after = answers.get((sid, rnd - 1), {}), answers.get((sid, rnd), {})
        for question in OPTIONS:
            was, now = (
                _is_yes(before.get(question), question),
                _is_yes(after.get(question), question),
            )
            if question == "wet_ink_signature":
                now_yes["no_longer_paper"] += was and not now
            elif now and not was:
                now_yes[question] += 1
        for flag in flags[(sid, rnd - 1)] - flags[(sid, rnd)]:
            cleared[flag] += 1
    return now_yes, cleared


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _assessments(session: Session, since: datetime, until: datetime) -> dict[str, dict[str, int]]:
    """Overall ratings of the quarter's Service Standard assessments, by phase."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for phase, outcome, count in session.exec(
        select(Submission.phase, Decision.outcome, func.count())
        .select_from(Decision)
        .join(Submission, col(Submission.id) == col(Decision.submission_id))
        .where(
            Decision.stage == "service_assessment",
            col(Decision.decided_at) >= since,
            col(Decision.decided_at) < until,
        )
        .group_by(col(Submission.phase), col(Decision.outcome))
    ).all():
        table[phase if phase in PHASES else "none"][outcome] += count
    return {p: {r: table[p][r] for r in RATINGS} for p in PHASES if p in table}


def _overdue(session: Session, quarter: Quarter, until: datetime) -> dict[str, dict[str, int]]:
    """Per DG: reviews and actions overdue at the quarter's end (see the module docstring)."""
    after = quarter.next.start  # overdue at the end: due before this day
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for dg, stage, count in session.exec(
        select(ReviewTask.dg_code, ReviewTask.stage, func.count())
        .where(
            col(ReviewTask.opened_at) < until,
            or_(col(ReviewTask.closed_at).is_(None), col(ReviewTask.closed_at) >= until),
            col(ReviewTask.due_date) < after,
        )
        .group_by(col(ReviewTask.dg_code), col(ReviewTask.stage))
    ).all():
        table[dg][stage] += count
    set_before = or_(
        col(Action.decision_id).is_(None),
        col(Action.decision_id).in_(select(Decision.id).where(col(Decision.decided_at) < until)),
    )
    outstanding = or_(
        col(Action.status).in_(OUTSTANDING_ACTIONS),
        and_(col(Action.status) == "done", col(Action.reviewed_at) >= until),
    )
    for dg, count in session.exec(
        select(Submission.dg_code, func.count())
        .select_from(Action)
        .join(Submission, col(Submission.id) == col(Action.submission_id))
        .where(col(Action.due_date) < after, set_before, outstanding)
        .group_by(col(Submission.dg_code))
    ).all():
        table[dg]["actions"] += count
    return {dg: {k: counts[k] for k in OVERDUE_KINDS} for dg, counts in sorted(table.items())}


def kpi_json(value: KpiValue) -> dict[str, Any]:
    """A KPI value as the report stores it (numbers as text: exact)."""
    return {
        "numerator": None if value.numerator is None else str(value.numerator),
        "denominator": None if value.denominator is None else str(value.denominator),
        "missing": value.missing,
        "counted": value.counted,
        "left_out": value.left_out,
    }


def kpi_value(stored: dict[str, Any]) -> KpiValue:
    """A stored KPI value back as a `KpiValue`."""
    return KpiValue(
        numerator=None if stored["numerator"] is None else Decimal(stored["numerator"]),
        denominator=None if stored["denominator"] is None else Decimal(stored["denominator"]),
        missing=stored["missing"],
        counted=stored["counted"],
        left_out=stored["left_out"],
    )


def _kpis(session: Session, quarter: Quarter) -> dict[str, Any]:
    """The four KPIs this quarter and the one before, per DG and overall, and the overall
    monthly values of the last 12 months (the charts)."""
    services = list(session.exec(select(Service)).all())
    found = register_kpis(session, quarter.months[-1], services)

    def movement(series: list[tuple[date, KpiValue]]) -> dict[str, Any]:
        values = [value for _month, value in series]
        return {
            "this": kpi_json(combine(values[-3:])),
            "previous": kpi_json(combine(values[-6:-3])),
        }

    return {
        "services": len(services),
        "months": [m.isoformat() for m in found.months],
        "overall": {kpi: movement(found.overall[kpi]) for kpi in KPIS},
        "overall_months": {
            kpi: [kpi_json(value) for _m, value in found.overall[kpi]] for kpi in KPIS
        },
        "by_dg": {
            dg: {kpi: movement(series[kpi]) for kpi in KPIS} for dg, series in found.by_dg.items()
        },
    }
