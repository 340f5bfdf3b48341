"""Plain-text output for the CLI, in the chosen language."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from dfr import labels
from dfr.dates import long_date
from dfr.i18n import _, _n, get_language
from dfr.labels import label
from models.submission import reference_for

# Only named in signatures: `dfr tasks` and `audit verify` print without loading the
# checklists (their YAML parser and schema) or the services that describe a submission.
if TYPE_CHECKING:
    from checklists.loader import Checklist, Registry
    from checklists.routing import Route
    from checklists.schema import Question
    from models.audit import VerifyResult
    from models.queries import SubmissionDetail
    from models.review import Action, ReviewTask
    from models.submission import Submission
    from services.describe import Described, Names


def stage_name(stage: str) -> str:
    return label(labels.STAGES, stage)


def state_name(state: str) -> str:
    return label(labels.STATES, state)


def outcome_name(outcome: str) -> str:
    return label(labels.OUTCOMES, outcome)


def action_state(status: str) -> str:
    return label(labels.ACTION_STATUSES, status)


def action_name(action: Action) -> str:
    """`condition #3 of DFR-00012 (“Publish the timetables as open data”)`: what it asks, not
    its internal reference."""
    text = " ".join(action.text_in(get_language()).split())
    return _(
        "{kind} #{id} of {submission} (“{text}”)",
        kind=label(labels.ACTION_KINDS, action.kind),
        id=action.id,
        submission=reference_for(action.submission_id),
        text=text if len(text) <= 60 else text[:59].rstrip() + "…",
    )


def route_lines(route: Route, registry: Registry) -> list[str]:
    lang = get_language()
    lines = [_("Route:")]
    for number, routed in enumerate(route.stages, start=1):
        line = f"  {number}. {stage_name(routed.stage)}"
        if routed.checklist:
            line += f" — {registry.get(routed.checklist).definition.title.get(lang)}"
        if routed.stage == "digital_options_review" and route.scrutiny == "coe":
            line += " " + _("(by the Digital Centre of Excellence: extra scrutiny)")
        lines.append(line)
        if routed.because:
            lines.append(f"     {routed.because.get(lang)}")
    if route.risk:
        lines.append(_("Risk rating: {risk}", risk=label(labels.RISKS, route.risk)))
    for flag in route.flags:
        lines.append(_("Flag: {text}", text=flag.text.get(lang)))
    for obligation in route.obligations:
        lines.append(
            _(
                "Obligation: {text} (expected by {due})",
                text=obligation.text.get(lang),
                due=long_date(obligation.due, lang),
            )
        )
    return lines


def submitted_lines(submission: Submission, route: Route, registry: Registry) -> list[str]:
    lang = get_language()
    return [
        _(
            "Submitted {reference}: {title}",
            reference=submission.reference,
            title=submission.title(lang),
        ),
        *route_lines(route, registry),
    ]


def task_line(task: ReviewTask, names: Names | None = None) -> str:
    due = long_date(task.due_date, get_language())
    scope = ""
    if task.scope:
        standards = [names.standard(s) if names else s for s in task.scope]
        scope = " " + _("(reassessing {standards})", standards="; ".join(standards))
    status = label(labels.TASK_STATUSES, task.status)
    stage = stage_name(task.stage)
    if task.due_date is None:  # a later stage, not opened yet
        return f"{stage}{scope}: {status}"
    if not task.assignee_id:
        return _(
            "{stage}{scope}: {status}, not assigned yet, due {due}",
            stage=stage,
            scope=scope,
            status=status,
            due=due,
        )
    return _(
        "{stage}{scope}: {status}, assigned to {who}, due {due}",
        stage=stage,
        scope=scope,
        status=status,
        who=names.person(task.assignee_id) if names else task.assignee_id,
        due=due,
    )


def answer_text(question: Question, value: object) -> str:
    """An answer as a person reads it: Yes/No, option labels, £ amounts."""
    lang = get_language()
    labels: dict[str, str] = {o.value: o.label.get(lang) for o in question.options}
    if question.type == "bool":
        return _("Yes") if value else _("No")
    if question.type == "multi_choice" and isinstance(value, list):
        return "; ".join(labels.get(str(v), str(v)) for v in value)
    if question.type == "choice":
        return labels.get(str(value), str(value))
    if question.type == "money":
        return f"£{Decimal(str(value)):,.2f}"
    return str(value)


def detail_lines(described: Described, registry: Registry) -> list[str]:
    """One submission as its web page reads: names, not ids; stages by round; dates in words."""
    lang = get_language()
    detail, names, dg_name = described.detail, described.names, described.dg_name
    s = detail.submission
    lines = [
        f"{s.reference}: {s.title(lang)}",
        _(
            "{kind} for {dg}, submitted by {person} on {date}",
            kind=label(labels.KINDS, s.kind).capitalize(),
            dg=dg_name,
            person=names.person(s.submitter_id),
            date=long_date(s.submitted_on, lang),
        ),
        _("State: {state} (round {round})", state=state_name(s.state), round=s.round),
    ]
    if s.risk:
        lines.append(_("Risk rating: {risk}", risk=label(labels.RISKS, s.risk)))
    if s.scrutiny == "coe":
        lines.append(
            _(
                "Extra scrutiny: the Digital Centre of Excellence reviews the digital options, "
                "not the DG's Digital Leader alone."
            )
        )
    lines += ["", s.summary(lang), ""]
    lines += _answer_lines(detail, registry)
    if detail.flags:
        lines.append(_("Flags:"))
        from services.describe import flag_texts

        texts = flag_texts(detail, registry)
        lines += [
            f"  ! {texts[f.flag_id].get(lang) if f.flag_id in texts else f.flag_id}"
            for f in detail.flags
        ]
    lines += _stage_lines(detail, names)
    lines += _decision_lines(detail, names)
    lines += _action_lines(detail, names)
    lines += _history_lines(detail, names)
    return lines


def _answer_lines(detail: SubmissionDetail, registry: Registry) -> list[str]:
    lang = get_language()
    lines = []
    for pinned in detail.answers:
        checklist = registry.get(pinned.checklist_id, pinned.checklist_version)
        lines.append(
            _(
                "{title} (version {version}):",
                title=checklist.definition.title.get(lang),
                version=checklist.version,
            )
        )
        for question in checklist.definition.questions:
            if question.id in pinned.answers:
                value = answer_text(question, pinned.answers[question.id])
                lines.append(f"  {question.text.get(lang)} {value}")
    return lines


def _stage_lines(detail: SubmissionDetail, names: Names) -> list[str]:
    lines = [_("Stages:")]
    rounds = sorted({t.round for t in detail.tasks}, reverse=True)
    for round_number in rounds:
        indent = "  "
        if len(rounds) > 1:
            lines.append("  " + _("Round {number}", number=round_number))
            indent = "    "
        lines += [indent + task_line(t, names) for t in detail.tasks if t.round == round_number]
    return lines


def _decision_lines(detail: SubmissionDetail, names: Names) -> list[str]:
    if not detail.decisions:
        return []
    lang = get_language()
    lines = [_("Decisions:")]
    for d in detail.decisions:
        lines.append(
            "  "
            + _(
                "{when} {stage}: {outcome} by {person}",
                when=long_date(d.decided_at, lang),
                stage=stage_name(d.stage),
                outcome=outcome_name(d.outcome),
                person=names.person(d.actor_id),
            )
        )
        lines.append(f"    {d.rationale}")
        for rating in detail.ratings.get(d.id or 0, []):
            lines.append(f"    {names.standard(rating.standard_id)}: {outcome_name(rating.rating)}")
    return lines


def _action_lines(detail: SubmissionDetail, names: Names) -> list[str]:
    if not detail.actions:
        return []
    lang = get_language()
    lines = [_("Conditions and actions:")]
    for a in detail.actions:
        lines.append(
            "  "
            + _(
                "#{id} {what}: {text} (due {due}; {status})",
                id=a.id,
                what=names.action(a),
                text=a.text_in(lang),
                due=long_date(a.due_date, lang),
                status=label(labels.ACTION_STATUSES, a.status),
            )
        )
        if a.status in ("reported_done", "done") and a.note:
            lines.append("    " + _("Done: {note} ({link})", note=a.note, link=a.evidence_url))
        if a.status == "sent_back" and a.sent_back_reason:
            lines.append("    " + _("Sent back: {reason}", reason=a.sent_back_reason))
    return lines


def _history_lines(detail: SubmissionDetail, names: Names) -> list[str]:
    lang = get_language()
    count = len(detail.history)
    lines = [
        _n(
            "History: {count} decision-log entry",
            "History: {count} decision-log entries",
            count,
            count=count,
        )
    ]
    for entry in detail.history:
        who = names.person(entry.actor_id) if entry.actor_id else _("the system")
        lines.append(
            "  "
            + _(
                "#{seq} {when}: {event} ({who})",
                seq=entry.seq,
                when=long_date(entry.occurred_at, lang),
                event=label(labels.EVENTS, entry.event),
                who=who,
            )
        )
    return lines


def checklist_lines(checklist: Checklist) -> list[str]:
    """A checklist's questions and rules, in the chosen language."""
    lang = get_language()
    d = checklist.definition
    lines = [f"{d.id} v{d.version} [{d.status}] — {d.title.get(lang)}", d.description.get(lang), ""]
    for number, q in enumerate(d.questions, start=1):
        options = f" ({', '.join(o.value for o in q.options)})" if q.options else ""
        optional = "" if q.required else " " + _("(optional)")
        lines.append(f"{number}. [{q.id}] {q.text.get(lang)} — {q.type}{options}{optional}")
    if d.rules:
        lines.append("")
        lines.append(_("Rules:"))
        lines += [f"  {r.id}: {r.because.get(lang)}" for r in d.rules]
    return lines


def verify_line(result: VerifyResult) -> str:
    if result.ok:
        return _n(
            "Decision log intact: {count} entry verified.",
            "Decision log intact: {count} entries verified.",
            result.checked,
            count=result.checked,
        )
    if result.broken_seq is None:  # a table no longer matches the log, not one entry
        return _("Decision log BROKEN: {reason}", reason=result.reason)
    return _(
        "Decision log BROKEN at entry {seq}: {reason}", seq=result.broken_seq, reason=result.reason
    )
