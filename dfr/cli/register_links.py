"""`dfr register link`, `proposals`, `accept-proposal`, `dismiss-proposal`, `owner` and
`transform`: submissions linked to the register's services, the CoE's register proposals,
service owners, and a candidate for transformation turned into a draft submission."""

from __future__ import annotations

from typing import Annotated

import typer

from dfr.cli import hints
from dfr.cli.app import register_app, say
from dfr.i18n import _, get_language

Person = Annotated[str, typer.Option("--as", help="Your person id.")]
Reference = Annotated[str, typer.Argument(help="Submission number or DFR-00012.")]


@register_app.command("link")
def link_cmd(
    reference: Reference,
    service: Annotated[
        str,
        typer.Argument(
            help="The service it changes (its address, such as blue-badge), new or none."
        ),
    ],
    actor: Person,
) -> None:
    """Say which service on the register a submission changes, or that it creates a new one
    (new), or neither (none). Logged."""
    from models.db import session_scope
    from models.queries import parse_reference
    from models.service_links import CREATES
    from services.service_links import link_submission

    hints.given_with(actor="--as", service="SERVICE", submission="REFERENCE")
    choice = "" if service == "none" else service
    with session_scope() as session:
        link = link_submission(session, actor, parse_reference(reference), choice)
        if link is None:
            said = _("{reference} is not linked to the register.", reference=reference)
        elif link.kind == CREATES:
            said = _("{reference} creates a new service.", reference=reference)
        else:
            said = _("{reference} changes {service}.", reference=reference, service=service)
    say(said)


@register_app.command("proposals")
def proposals_cmd(actor: Person) -> None:
    """Approved submissions for a new service that have no register entry yet."""
    from models.db import session_scope
    from services.register_proposals import pending_proposals

    hints.given_with(actor="--as")
    language = get_language()
    with session_scope(read_only=True) as session:
        found = pending_proposals(session, actor)
        lines = [
            _(
                "{reference}: {title} ({dg})",
                reference=p.submission.reference,
                title=p.submission.title(language),
                dg=p.submission.dg_code,
            )
            for p in found
        ]
    say(_("Register proposals: {count}", count=len(lines)))
    for line in lines:
        say("  " + line)


@register_app.command("accept-proposal")
def accept_cmd(
    reference: Reference,
    transaction_type: Annotated[
        str, typer.Option("--transaction-type", help="Its type of transaction, such as licence.")
    ],
    actor: Person,
    slug: Annotated[
        str | None, typer.Option("--slug", help="Its address (default: from the title).")
    ] = None,
    phase: Annotated[
        str | None, typer.Option("--phase", help="Its phase, if not as proposed.")
    ] = None,
) -> None:
    """Add the register entry a proposal makes, linked to the submission (logged)."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.register_proposals import accept_proposal

    hints.given_with(
        actor="--as", transaction_type="--transaction-type", slug="--slug", phase="--phase"
    )
    cells = {"transaction_type": transaction_type}
    cells.update({k: v for k, v in (("slug", slug), ("phase", phase)) if v is not None})
    with session_scope() as session:
        service = accept_proposal(session, actor, parse_reference(reference), cells)
        said = _(
            "{service} added to the register at /services/{slug}, linked to {reference}.",
            service=service.name(get_language()),
            slug=service.slug,
            reference=reference,
        )
    say(said)


@register_app.command("dismiss-proposal")
def dismiss_cmd(
    reference: Reference,
    reason: Annotated[str, typer.Option("--reason", help="Why it needs no register entry.")],
    actor: Person,
) -> None:
    """Say an approved submission needs no register entry, and why (logged)."""
    from models.db import session_scope
    from models.queries import parse_reference
    from services.register_proposals import dismiss_proposal

    hints.given_with(actor="--as", reason="--reason")
    with session_scope() as session:
        dismiss_proposal(session, actor, parse_reference(reference), reason)
    say(_("Proposal dismissed: {reference}.", reference=reference))


@register_app.command("owner")
def owner_cmd(
    service: Annotated[str, typer.Argument(help="The service's address, such as blue-badge.")],
    owner: Annotated[str, typer.Argument(help="The owner's person id, or none.")],
    actor: Person,
) -> None:
    """Name the person who owns a service: they enter its returns and are reminded (logged)."""
    from models.db import session_scope
    from services.register_owners import set_owner

    hints.given_with(actor="--as", owner="OWNER", service="SERVICE")
    with session_scope() as session:
        set_owner(session, actor, service, "" if owner == "none" else owner)
    if owner == "none":
        say(_("{service} has no owner now.", service=service))
    else:
        say(_("{owner} owns {service}.", owner=owner, service=service))


@register_app.command("transform")
def transform_cmd(
    service: Annotated[str, typer.Argument(help="The candidate's address, such as blue-badge.")],
    actor: Person,
) -> None:
    """Start a draft submission to transform a candidate service, in your language, linked to
    it; finish and send it in the web UI."""
    from models.db import session_scope
    from services.register_candidates import draft_for_candidate

    hints.given_with(actor="--as", service="SERVICE")
    with session_scope() as session:
        draft = draft_for_candidate(session, actor, service, get_language())
        said = _("Draft {id} started: finish it at /drafts/{id}/about, then send it.", id=draft.id)
    say(said)
