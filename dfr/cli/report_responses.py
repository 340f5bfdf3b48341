"""`dfr assessments accept-report | challenge-report | answer-challenge | feedback |
satisfaction`: the team's answer to an assessment report, the panel's answer to a challenge,
the team's feedback, and the satisfaction figures. The rules are in
`services.report_responses` and `services.report_feedback`; this module parses, calls and
prints."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from dfr.cli import hints
from dfr.cli.app import say
from dfr.cli.assessments import Person, Reference, _day, _told, assessments_app
from dfr.errors import ValidationError
from dfr.i18n import _, _n, get_language
from dfr.labels import ACCEPTED_HOW, OUTCOMES, label


def _pairs(values: list[str], field: str, example: str) -> dict[str, str]:
    """`STANDARD=TEXT` pairs."""
    found: dict[str, str] = {}
    for value in values:
        standard, sep, rest = value.partition("=")
        if not sep or not standard.strip():
            raise ValidationError(
                _("Write each as STANDARD=TEXT, e.g. {example}.", example=example), field=field
            )
        found[standard.strip()] = rest
    return found


@assessments_app.command("accept-report")
def accept_report_cmd(reference: Reference, actor: Person) -> None:
    """The team accepts the assessment report (accepting it again changes nothing)."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.report_responses import accept_report

    hints.given_with(actor="--as")
    submission_id = parse_reference(reference)
    with session_scope() as session:
        report = accept_report(session, submission_id, actor)
        how = label(ACCEPTED_HOW, report.accepted_how or "")
    _told(submission_id, _("The report is final: {how}.", how=how))


@assessments_app.command("challenge-report")
def challenge_report_cmd(
    reference: Reference,
    actor: Person,
    challenge: Annotated[
        list[str],
        typer.Option("--challenge", help="STANDARD=REASON, once for each challenged standard."),
    ],
) -> None:
    """The team challenges the rating of named standards, each with its reason."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.report_responses import challenge_report

    hints.given_with(actor="--as", reasons="--challenge", standards="--challenge")
    submission_id = parse_reference(reference)
    reasons = _pairs(challenge, "reasons", 'w12="We have baselines"')
    with session_scope() as session:
        rows = challenge_report(session, submission_id, actor, reasons)
        standards = ", ".join(r.standard_id for r in rows)
    _told(
        submission_id,
        _("Challenged: {standards}. The panel's answer is final.", standards=standards),
    )


@assessments_app.command("answer-challenge")
def answer_challenge_cmd(
    reference: Reference,
    actor: Person,
    answer: Annotated[
        list[str],
        typer.Option(
            "--answer",
            help="STANDARD=RATING:RATIONALE for each challenged standard (the same rating "
            "upholds it).",
        ),
    ],
) -> None:
    """The lead upholds or changes each challenged rating, with the panel's rationale."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.report_responses import StandardAnswer, answer_challenge

    hints.given_with(actor="--as", answers="--answer")
    submission_id = parse_reference(reference)
    answers = {}
    for standard, text in _pairs(answer, "answers", 'w12="green:The baselines are there"').items():
        rating, _sep, rationale = text.partition(":")
        answers[standard] = StandardAnswer(rating.strip(), rationale)
    with session_scope() as session:
        report = answer_challenge(session, submission_id, actor, answers)
        result = label(OUTCOMES, report.result)
    _told(submission_id, _("Answered. The report is final; the result is {result}.", result=result))


@assessments_app.command("feedback")
def feedback_cmd(
    reference: Reference,
    actor: Person,
    score: Annotated[str, typer.Option("--score", help="1 (very dissatisfied) to 5 (very).")],
    comment: Annotated[str, typer.Option("--comment", help="How could it improve?")] = "",
) -> None:
    """The team says how satisfied it was with the assessment, once the report is final."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.report_feedback import give_feedback

    hints.given_with(actor="--as", score="--score", comment="--comment")
    with session_scope() as session:
        give_feedback(session, parse_reference(reference), actor, score, comment)
    say(_("Thank you: your feedback on the assessment has been recorded."))


@assessments_app.command("satisfaction")
def satisfaction_cmd(
    actor: Person,
    start: Annotated[str, typer.Option("--from", help="YYYY-MM-DD: the first month.")],
    end: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD: the last month.")] = None,
    dg: Annotated[str | None, typer.Option("--dg", help="One DG's figures.")] = None,
) -> None:
    """The team's satisfaction with assessments, month by month."""
    from dfr.dates import long_month
    from models.db import session_scope
    from models.working_days import london_today
    from services.report_feedback import satisfaction_figures

    hints.given_with(actor="--as", start="--from", end="--to")
    first: date = _day(start)
    last: date = _day(end) if end else london_today()
    language = get_language()
    with session_scope(read_only=True) as session:
        figures = satisfaction_figures(session, actor, first, last, dg)
    lines = []
    for month in figures:
        share = month.share_satisfied
        lines.append(
            _n(
                "{month}: {count} answer, {share} satisfied or very satisfied",
                "{month}: {count} answers, {share} satisfied or very satisfied",
                month.count,
                month=long_month(month.month, language),
                count=month.count,
                share="—" if share is None else f"{share:.0%}",
            )
        )
        lines += [f"  · {comment}" for comment in month.comments]
    say(lines)
