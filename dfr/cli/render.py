"""Plain-text output for the CLI, in the chosen language."""

from __future__ import annotations

from decimal import Decimal

from checklists.loader import Checklist, Registry
from checklists.routing import Route
from checklists.schema import Question
from dfr import labels
from dfr.dates import long_date
from dfr.i18n import _, _n, get_language
from dfr.labels import label
from models.audit import VerifyResult
from models.queries import SubmissionDetail
from models.review import Action, ReviewTask
from models.submission import Submission, reference_for


def stage_name(stage: str) -> str:
    return label(labels.STAGES, stage)


def state_name(state: str) -> str:
    return label(labels.STATES, state)


def outcome_name(outcome: str) -> str:
    return label(labels.OUTCOMES, outcome)


def action_state(status: str) -> str:
    return label(labels.ACTION_STATUSES, status)


def action_name(action: Action) -> str:
    """`condition #3 (category_review#1) of DFR-00012`."""
    return _(
        "{kind} #{id} ({reference}) of {submission}",
        kind=label(labels.ACTION_KINDS, action.kind),
        id=action.id,
        reference=action.reference,
        submission=reference_for(action.submission_id),
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
        lines.append(_("Overall risk: {risk}", risk=route.risk))
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


def task_line(task: ReviewTask) -> str:
    who = task.assignee_id or _("unassigned")
    due = long_date(task.due_date, get_language())
    scope = f" [{', '.join(task.scope)}]" if task.scope else ""
    return _(
        "{stage}{scope}: {status}, assigned to {who}, due {due}",
        stage=stage_name(task.stage),
        scope=scope,
        status=label(labels.TASK_STATUSES, task.status),
        who=who,
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


def detail_lines(detail: SubmissionDetail, registry: Registry) -> list[str]:
    lang = get_language()
    s = detail.submission
    lines = [
        f"{s.reference}: {s.title(lang)}",
        _(
            "Kind: {kind} · DG: {dg} · Submitted by {person} on {date}",
            kind=label(labels.KINDS, s.kind),
            dg=s.dg_code,
            person=s.submitter_id,
            date=long_date(s.submitted_on, lang),
        ),
        _("State: {state} (round {round})", state=state_name(s.state), round=s.round),
        "",
        s.summary(lang),
        "",
        _("Checklists answered:"),
    ]
    checklists: dict[str, Checklist] = {}
    for pinned in detail.answers:
        checklist = registry.get(pinned.checklist_id, pinned.checklist_version)
        checklists[checklist.id] = checklist
        lines.append(f"  {checklist.id} v{checklist.version} ({pinned.content_hash[:12]}…)")
    lines.append(_("Answers:"))
    for pinned in detail.answers:
        checklist = checklists[pinned.checklist_id]
        for question in checklist.definition.questions:
            if question.id in pinned.answers:
                value = pinned.answers[question.id]
                lines.append(f"  {question.text.get(lang)} {answer_text(question, value)}")
    if detail.flags:
        lines.append(_("Flags:"))
        flag_texts = {f.id: f.text for c in checklists.values() for f in c.definition.flags}
        lines += [f"  ! {flag_texts[f.flag_id].get(lang)}" for f in detail.flags]
    lines.append(_("Stages:"))
    lines += [f"  {task_line(t)}" for t in detail.tasks]
    if detail.decisions:
        lines.append(_("Decisions:"))
        for d in detail.decisions:
            lines.append(
                _(
                    "  {when} {stage}: {outcome} by {person}",
                    when=long_date(d.decided_at, lang),
                    stage=stage_name(d.stage),
                    outcome=outcome_name(d.outcome),
                    person=d.actor_id,
                )
            )
            lines.append(f"    {d.rationale}")
            for rating in detail.ratings.get(d.id or 0, []):
                lines.append(f"    {rating.standard_id}: {outcome_name(rating.rating)}")
    if detail.actions:
        lines.append(_("Conditions and actions:"))
        for a in detail.actions:
            text = a.text_in(lang)
            status = label(labels.ACTION_STATUSES, a.status)
            kind = label(labels.ACTION_KINDS, a.kind)
            due = long_date(a.due_date, lang)
            lines.append(f"  #{a.id} [{status}] {kind} {a.reference}: {text} — {due}")
            if a.status in ("reported_done", "done") and a.note:
                lines.append("    " + _("Done: {note} ({link})", note=a.note, link=a.evidence_url))
            if a.status == "sent_back" and a.sent_back_reason:
                lines.append("    " + _("Sent back: {reason}", reason=a.sent_back_reason))
    count = len(detail.history)
    lines.append(
        _n(
            "History: {count} decision-log entry",
            "History: {count} decision-log entries",
            count,
            count=count,
        )
    )
    for entry in detail.history:
        when, event = long_date(entry.occurred_at, lang), label(labels.EVENTS, entry.event)
        lines.append(f"  #{entry.seq} {when} {event} {entry.actor_id or ''}".rstrip())
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
