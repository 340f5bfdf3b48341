"""`dfr register list`, `import-services`, `import-returns` and `kpis`: the register of
transactional services from the command line. The files are the CoE's spreadsheets saved as CSV
UTF-8; a file with any bad row stores nothing, and every bad row is listed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dfr.cli import hints
from dfr.cli.app import register_app, say
from dfr.errors import ValidationError
from dfr.i18n import _, get_language, gettext

# Each command imports the database layer and the services it uses when it runs (`dfr --help`
# loads neither; see tests/test_cli_startup.py).
if TYPE_CHECKING:
    from models.register_kpis import KpiValue

Person = Annotated[str, typer.Option("--as", help="Your person id (the CoE or an administrator).")]
CsvFile = Annotated[Path, typer.Argument(help="A CSV UTF-8 file with a header row.")]


def _text(file: Path) -> str:
    from services.register_csv import decode

    try:
        return decode(file.read_bytes())
    except OSError as err:
        raise ValidationError(
            _("Cannot read {file}: {problem}", file=str(file), problem=err.strerror or str(err)),
            field="file",
        ) from None


@register_app.command("list")
def list_cmd() -> None:
    """The services on the register that a submission can change (not retired): each one's
    address (what `service:` in a submission file and `dfr register link` take), name, DG and
    phase."""
    from dfr import labels
    from models.db import session_scope
    from models.service_register import PHASES
    from services.service_links import service_choices

    language = get_language()
    with session_scope(read_only=True) as session:
        services = sorted(service_choices(session), key=lambda s: s.slug)
        lines = [
            _(
                "{slug}: {name} ({dg}, {phase})",
                slug=s.slug,
                name=s.name(language),
                dg=s.dg_code,
                phase=labels.label(PHASES, s.phase),
            )
            for s in services
        ]
    say(_("Services on the register: {count}", count=len(lines)))
    for line in lines:
        say("  " + line)


@register_app.command("import-services")
def import_services_cmd(file: CsvFile, actor: Person) -> None:
    """Add services to the register, or change them, from a CSV file (one row a service)."""
    from models.db import session_scope
    from services.register import import_services

    hints.given_with(actor="--as", file="FILE")
    text = _text(file)
    with session_scope() as session:
        done = import_services(session, text, actor)
    say(
        _(
            "Register updated: {added} added, {changed} changed, {unchanged} unchanged.",
            added=done.added,
            changed=done.changed,
            unchanged=done.unchanged,
        )
    )


@register_app.command("import-returns")
def import_returns_cmd(
    file: CsvFile,
    actor: Person,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why returns already recorded are corrected (logged)."),
    ] = None,
) -> None:
    """Record monthly returns from a CSV file (one row a service and month)."""
    from models.db import session_scope
    from services.register_returns import import_returns

    hints.given_with(actor="--as", file="FILE", reason="--reason")
    text = _text(file)
    with session_scope() as session:
        done = import_returns(session, text, actor, reason)
    say(
        _(
            "Returns: {recorded} recorded, {corrected} corrected, {unchanged} unchanged.",
            recorded=done.recorded,
            corrected=done.corrected,
            unchanged=done.unchanged,
        )
    )


def _line(name: str, kpi: str, value: KpiValue) -> str:
    from models.register_kpis import MISSING
    from services.register_kpis import shown_with_coverage

    said = shown_with_coverage(kpi, value)
    if said is None:
        said = _("missing: {reason}", reason=gettext(MISSING[value.missing or "no_return"]))
    return f"  {name}: {said}"


@register_app.command("kpis")
def kpis_cmd(
    month: Annotated[
        str | None, typer.Option("--month", help="YYYY-MM (default: the newest with a return).")
    ] = None,
) -> None:
    """The four KPIs for a month, for each DG and for every service together."""
    from sqlmodel import select

    from models.db import session_scope
    from models.directory import Directorate
    from models.register_kpis import KPIS
    from services.register_kpis import register_kpis
    from services.register_returns import read_month

    hints.given_with(month="--month")
    with session_scope(read_only=True) as session:
        kpis = register_kpis(session, read_month(month) if month else None)
        names = {dg.code: dg.name(get_language()) for dg in session.exec(select(Directorate)).all()}
    last = kpis.months[-1]
    say(_("KPIs for {month}:", month=f"{last:%Y-%m}"))
    groups = [(names.get(code, code), series) for code, series in kpis.by_dg.items()]
    for title, series in [*groups, (_("All services"), kpis.overall)]:
        say(title)
        for kpi, label in KPIS.items():
            say(_line(gettext(label), kpi, series[kpi][-1][1]))


@register_app.command("priorities")
def priorities_cmd(
    actor: Person,
    count: Annotated[int, typer.Option("--top", help="How many to list.", min=1)] = 10,
) -> None:
    """Services ranked as candidates for digital transformation, with the reasons."""
    from models.db import session_scope
    from services.register_priorities import priorities

    hints.given_with(actor="--as")
    language = get_language()
    with session_scope(read_only=True) as session:
        found = priorities(session, actor)
    say(
        _(
            "Candidates for digital transformation (criteria version {version}, {first} to "
            "{last}):",
            version=found.criteria.version,
            first=f"{found.months[0]:%Y-%m}",
            last=f"{found.months[-1]:%Y-%m}",
        )
    )
    for place, candidate in enumerate(found.candidates[:count], start=1):
        service = found.services[candidate.key]
        say(
            _(
                "{place}. {service} ({slug}): score {score} of 100",
                place=place,
                service=service.name(language),
                slug=candidate.key,
                score=f"{candidate.score * 100:.0f}",
            )
        )
        for scored in candidate.scored:
            name = scored.criterion.name.get(language)
            if scored.score is None:
                say("   " + _("{criterion}: not known, left out", criterion=name))
            else:
                say(
                    "   "
                    + _(
                        "{criterion}: {score} of {weight}",
                        criterion=name,
                        score=f"{scored.score * scored.criterion.weight:.1f}",
                        weight=scored.criterion.weight,
                    )
                )


@register_app.command("type")
def type_cmd(
    code: Annotated[str, typer.Argument(help="The type's code, such as payment.")],
    name_cy: Annotated[str, typer.Option("--cy", help="Its name in Welsh.")],
    name_en: Annotated[str, typer.Option("--en", help="Its name in English.")],
    actor: Person,
) -> None:
    """Add a type of transaction to the register, or rename one (logged)."""
    from models.db import session_scope
    from services.register import save_transaction_type

    hints.given_with(actor="--as", code="CODE", name_cy="--cy", name_en="--en")
    with session_scope() as session:
        kind = save_transaction_type(session, code, name_cy, name_en, actor)
        name = kind.name(get_language())
    say(_("Transaction type {code}: {name}.", code=code, name=name))
