"""`dfr reports …`: publishing an accepted assessment report (preview, publish), correcting
and withdrawing a published one. The rules are in `services.report_publication` and
`services.report_corrections`; this module parses, calls and prints."""

from __future__ import annotations

from typing import Annotated

import typer

from dfr.cli import hints
from dfr.cli.app import app, command_group, say
from dfr.errors import ValidationError
from dfr.i18n import _

reports_app = command_group("Published assessment reports: preview, publish, correct, withdraw.")
app.add_typer(reports_app, name="reports")

Reference = Annotated[str, typer.Argument(help="Submission number or DFR-00012.")]
Slug = Annotated[str, typer.Argument(help="The report's address: /reports/SLUG.")]
Person = Annotated[str, typer.Option("--as", help="Your person id.")]
Withhold = Annotated[
    list[str] | None, typer.Option("--withhold", help="A phrase to withhold (repeat for more).")
]
Changes = Annotated[
    list[str] | None, typer.Option("--set", help="summary.en=…, w03.done_well.cy=… (repeat).")
]
ReasonCy = Annotated[str, typer.Option("--reason-cy", help="Why, in Welsh.")]
ReasonEn = Annotated[str, typer.Option("--reason-en", help="Why, in English.")]


@reports_app.command("preview")
def preview(
    reference: Reference, actor: Person, withhold: Withhold = None, language: str = "cy,en"
) -> None:
    """Print the public report as it would be published, withheld phrases in [[…]]; without
    --withhold, the names suggested."""
    from models.db import session_scope
    from models.published_report import marked
    from models.queries import parse_reference
    from services.report_publication import publication_view

    hints.given_with(actor="--as")
    with session_scope(read_only=True) as session:
        view = publication_view(session, actor, parse_reference(reference), withhold)

    def shown(text: str) -> str:
        return "".join(f"[[{p}]]" if hidden else p for p, hidden in marked(text, view.redactions))

    c = view.content
    for lang in [part for part in language.split(",") if part in ("cy", "en")]:
        say(f"== {lang}: {c['service_name'][lang]} ({c['result']}, {c['assessed_on']})")
        say(shown(c["summary"][lang]))
        for s in c["standards"]:
            say(f"  {s['name'][lang]}: {s['rating']}")
            for part in ("done_well", "to_explore"):
                if s[part][lang]:
                    say(f"    {shown(s[part][lang])}")
    say(_("Withheld: {phrases}", phrases="; ".join(view.redactions) or "—"))
    say(view.refusal or _("Content hash: {hash}", hash=view.public_hash))


@reports_app.command("publish")
def publish(reference: Reference, actor: Person, withhold: Withhold = None) -> None:
    """Publish the accepted report with the phrases withheld."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.report_publication import publish_report

    hints.given_with(actor="--as")
    with session_scope() as session:
        published = publish_report(session, parse_reference(reference), actor, withhold or [])
    say(_("Published at /reports/{slug}", slug=published.slug))


def _changes(values: list[str]) -> dict[str, str]:
    changes: dict[str, str] = {}
    for value in values:
        path, sep, text = value.partition("=")
        if not sep:
            raise ValidationError(
                _("Write each change as TEXT=NEW WORDING, e.g. summary.en=Ready for beta."),
                field="changes",
            )
        changes[path.strip()] = text
    return changes


@reports_app.command("correct")
def correct(
    slug: Slug,
    actor: Person,
    reason_cy: ReasonCy,
    reason_en: ReasonEn,
    withhold: Withhold = None,
    change: Changes = None,
) -> None:
    """Publish a corrected version, with the reason shown to the public."""
    from models.db import session_scope
    from services.report_corrections import correct_report

    hints.given_with(actor="--as")
    with session_scope() as session:
        version = correct_report(
            session, slug, actor, reason_cy, reason_en,
            redactions=withhold or [], changes=_changes(change or []),
        )  # fmt: skip
    say(
        _("Version {version} published: {hash}", version=version.version, hash=version.content_hash)
    )


@reports_app.command("withdraw")
def withdraw(slug: Slug, actor: Person, reason_cy: ReasonCy, reason_en: ReasonEn) -> None:
    """Withdraw a published report: its address shows only when and why."""
    from models.db import session_scope
    from services.report_corrections import withdraw_report

    hints.given_with(actor="--as")
    with session_scope() as session:
        withdraw_report(session, slug, actor, reason_cy, reason_en)
    say(_("Withdrawn: /reports/{slug} now says when and why.", slug=slug))
