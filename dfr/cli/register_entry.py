"""`dfr register change`: one field (or a few) of one service's register entry, for the Digital
CoE and administrators, as the web's "Edit the entry" form changes it. Only the fields given
change; the command prints each one before and after. Anyone else is told there is no such
service, exactly as for one that is not on the register."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dfr.cli import hints
from dfr.cli.app import register_app, say
from dfr.errors import ValidationError
from dfr.i18n import _, get_language, gettext
from dfr.labels import REGISTER_FIELDS, label

# Each field a person can change, its option and its help, in the web form's order (an entry
# keeps its address and its DG).
OPTIONS = {
    "name_en": ("--name-en", "Its name in English."),
    "name_cy": ("--name-cy", "Its name in Welsh."),
    "description_en": ("--description-en", "What it lets people do, in English."),
    "description_cy": ("--description-cy", "What it lets people do, in Welsh."),
    "transaction_type": ("--transaction-type", "Its type of transaction, such as licence."),
    "customer_type": ("--customer-type", "Who uses it: citizens, businesses or public_sector."),
    "channels": (
        "--channels",
        "The channels it offers, separated by semicolons, such as online;phone "
        "(online, phone, paper, face_to_face, other).",
    ),
    "assisted_digital": (
        "--assisted-digital",
        "Whether there is help to use it online: yes or no.",
    ),
    "phase": (
        "--phase",
        "Its phase: not_yet_digital, discovery, alpha, beta, live or retired.",
    ),
    "web_address": ("--web-address", 'Where it starts, https://…; empty ("") to remove it.'),
}


def _option(field: str) -> Any:
    name, help = OPTIONS[field]
    return typer.Option(name, help=help, show_default=False)


@register_app.command("change")
def change_cmd(
    slug: Annotated[str, typer.Argument(help="The service's address, such as blue-badge.")],
    actor: Annotated[
        str, typer.Option("--as", help="Your person id (the CoE or an administrator).")
    ],
    name_en: Annotated[str | None, _option("name_en")] = None,
    name_cy: Annotated[str | None, _option("name_cy")] = None,
    description_en: Annotated[str | None, _option("description_en")] = None,
    description_cy: Annotated[str | None, _option("description_cy")] = None,
    transaction_type: Annotated[str | None, _option("transaction_type")] = None,
    customer_type: Annotated[str | None, _option("customer_type")] = None,
    channels: Annotated[str | None, _option("channels")] = None,
    assisted_digital: Annotated[str | None, _option("assisted_digital")] = None,
    phase: Annotated[str | None, _option("phase")] = None,
    web_address: Annotated[str | None, _option("web_address")] = None,
) -> None:
    """Change fields of a service's register entry: only those given, the others stay as they
    are (logged, as a change on the web is)."""
    from models.db import session_scope
    from services.register import change_service_fields
    from services.register_desk import transaction_type_names

    hints.given_with(actor="--as", **{field: option for field, (option, _help) in OPTIONS.items()})
    values = {
        "name_en": name_en,
        "name_cy": name_cy,
        "description_en": description_en,
        "description_cy": description_cy,
        "transaction_type": transaction_type,
        "customer_type": customer_type,
        "channels": channels,
        "assisted_digital": assisted_digital,
        "phase": phase,
        "web_address": web_address,
    }
    given = {field: value for field, value in values.items() if value is not None}
    if not given:
        raise ValidationError(
            _(
                "Give at least one field to change, with one or more of: {options}.",
                options=", ".join(option for option, _help in OPTIONS.values()),
            )
        )
    language = get_language()
    with session_scope() as session:
        changed = change_service_fields(session, slug, given, actor)
        types = transaction_type_names(session, language)
    if not changed.changes:
        say(_("Nothing was changed: the entry already said that."))
        return
    lines = [_("The entry of {slug} is changed (logged):", slug=slug)]
    for field, change in changed.changes.items():
        lines.append(
            "  "
            + _(
                "{field}: {before} -> {after}",
                field=label(REGISTER_FIELDS, field),
                before=_shown(field, change["from"], types),
                after=_shown(field, change["to"], types),
            )
        )
    say(lines)


def _shown(field: str, value: Any, types: dict[str, str]) -> str:
    """A field's value as a person reads it, in the command's language."""
    from models.service_register import CHANNELS, CUSTOMER_TYPES, PHASES

    if field == "channels":
        return ", ".join(gettext(CHANNELS[c]) for c in value)
    if field == "assisted_digital":
        return _("Yes") if value else _("No")
    if field == "phase":
        return gettext(PHASES[value])
    if field == "customer_type":
        return gettext(CUSTOMER_TYPES[value])
    if field == "transaction_type":
        return types.get(value, str(value))
    return str(value) if value else _("none")
