"""Links between submissions and the register, from the web: the service a draft or a
submission changes (or that it creates one); the CoE's register page with the register
proposals (accept in one step, or dismiss with a reason); a service's page for the CoE and its
owner (linked submissions, assessments, owner); a candidate for transformation turned into a
draft. Each handler parses the form, calls one service and shows the result."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dfr.dates import long_month
from dfr.errors import PermissionDeniedError, ValidationError
from dfr.i18n import _, get_language, gettext
from dfr.labels import REGISTER_FIELDS
from dfr.web.auth import CurrentVisitor, PostedForm
from dfr.web.forms import FormErrors, RowId, text
from dfr.web.routes.register_priorities import SHOWN
from dfr.web.routes.submissions import submission_page
from dfr.web.templating import render, render_form
from models.db import session_scope
from models.service_links import LINK_KINDS
from models.service_register import CHANNELS, CUSTOMER_TYPES, PHASES
from services.register import COLUMNS, RETIRED, EntryRejectedError
from services.register_candidates import draft_for_candidate
from services.register_desk import register_desk, transaction_type_names
from services.register_owners import set_owner
from services.register_priorities import priorities
from services.register_proposals import accept_proposal, dismiss_proposal, proposal
from services.service_links import (
    NEW,
    choose_for_draft,
    draft_choice,
    link_submission,
    service_choices,
    service_record,
)

router = APIRouter()
# The entry's fields as its forms show them (`_register_entry.html`), in their order (the DG
# is not shown; the address only where a new entry gets one).
ENTRY_FIELDS = tuple(REGISTER_FIELDS)


def _names(table: dict[str, str]) -> dict[str, str]:
    return {key: gettext(name) for key, name in table.items()}


def entry_choices() -> dict[str, dict[str, str]]:
    """The fixed vocabularies an entry's form offers, named in the page's language."""
    return {
        "phases": _names(PHASES),
        "customer_types": _names(CUSTOMER_TYPES),
        "channels": _names(CHANNELS),
    }


def entry_values(form: FormData) -> dict[str, str]:
    """An entry's fields as its form sent them, as text (the channels ticked, `;`-separated)."""
    values = {name: text(form, name) for name in COLUMNS}
    values["channels"] = ";".join(str(c) for c in form.getlist("channels"))
    return values


def _choose(name: str) -> str | None:
    """What a form says of a choice left unmade (the service's words list the codes a file
    takes, which the form's options name)."""
    return {
        "transaction_type": _("Choose the type of transaction."),
        "customer_type": _("Choose who uses it."),
        "channels": _("Choose at least one channel the service offers."),
        "assisted_digital": _("Say whether there is help to use it online: yes or no."),
        "phase": _("Choose the phase the service is in."),
    }.get(name)


def entry_errors(rejected: EntryRejectedError, shown: tuple[str, ...] = ENTRY_FIELDS) -> FormErrors:
    """Every wrong field of the entry, beside it and in the summary in the form's order; one
    the form does not show (its DG) in the summary only, linking to the form's first field."""
    errors = FormErrors()
    for name in shown:
        if name in rejected.by_field:
            errors.add(name, _choose(name) or rejected.by_field[name])
    for name, problem in rejected.by_field.items():
        if name not in shown:
            errors.add_to_summary(problem, shown[0])
    return errors


# -- a draft's service --------------------------------------------------------------------


def _draft_service_page(
    request: Request, draft_id: int, visitor_id: str, chosen: str | None, errors: FormErrors | None
) -> Response:
    """The choice page: `chosen` is what the form sent (None: what the draft holds)."""
    with session_scope(read_only=True) as session:
        _draft, held = draft_choice(session, visitor_id, draft_id)
        choices = service_choices(session)
    language = get_language()
    return render_form(
        request,
        "draft_service.html",
        errors,
        title=_("Which service on the register does it change?"),
        draft_id=draft_id,
        chosen=held if chosen is None else chosen,
        services=sorted(choices, key=lambda s: s.name(language).lower()),
        new=NEW,
    )


@router.get("/drafts/{draft_id}/service")
def draft_service_page(request: Request, draft_id: RowId, visitor: CurrentVisitor) -> Response:
    return _draft_service_page(request, draft_id, visitor.id, None, None)


@router.post("/drafts/{draft_id}/service")
def choose_draft_service(
    request: Request, draft_id: RowId, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    chosen = text(form, "service")
    try:
        with session_scope() as session:
            choose_for_draft(session, visitor.id, draft_id, chosen)
    except ValidationError as err:
        errors = FormErrors()
        errors.add("service", err.message)
        return _draft_service_page(request, draft_id, visitor.id, chosen, errors)
    return RedirectResponse(f"/drafts/{draft_id}/check", status_code=303)


# -- a submission's service ---------------------------------------------------------------


@router.post("/submissions/{submission_id}/service")
def link_submission_service(
    request: Request, submission_id: RowId, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    chosen = text(form, "service")
    with session_scope() as session:
        try:
            link_submission(session, visitor.id, submission_id, chosen)
        except ValidationError as err:
            session.rollback()  # nothing of a refused link is kept
            errors = FormErrors()
            errors.add("service", err.message)
            return submission_page(
                request, session, visitor, submission_id, errors, service_choice=chosen
            )
    return RedirectResponse(f"/submissions/{submission_id}#register-service", status_code=303)


# -- the CoE's register page and its proposals --------------------------------------------


@router.get("/register")
def desk_page(request: Request, visitor: CurrentVisitor) -> Response:
    language = get_language()
    with session_scope(read_only=True) as session:
        desk = register_desk(session, visitor.id, language)
    return render(
        request,
        "register_desk.html",
        title=_("Your work on the register of services"),
        desk=desk,
        phases=_names(PHASES),
    )


def _proposal_page(
    request: Request,
    visitor_id: str,
    submission_id: int,
    values: dict[str, str] | None,
    errors: FormErrors | None,
) -> Response:
    try:
        with session_scope(read_only=True) as session:
            found = proposal(session, visitor_id, submission_id)
            type_names = transaction_type_names(session, get_language())
    except PermissionDeniedError:
        raise HTTPException(404) from None
    return render_form(
        request,
        "register_proposal.html",
        errors,
        title=_("Add it to the register"),
        proposal=found,
        values=values or found.entry,
        types=type_names,
        **entry_choices(),
    )


@router.get("/register/proposals/{submission_id}")
def proposal_page(request: Request, submission_id: RowId, visitor: CurrentVisitor) -> Response:
    return _proposal_page(request, visitor.id, submission_id, None, None)


@router.post("/register/proposals/{submission_id}")
def accept(
    request: Request, submission_id: RowId, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    values = entry_values(form)
    try:
        with session_scope() as session:
            service = accept_proposal(session, visitor.id, submission_id, values)
            slug = service.slug
    except PermissionDeniedError:
        raise HTTPException(404) from None
    except EntryRejectedError as rejected:
        return _proposal_page(request, visitor.id, submission_id, values, entry_errors(rejected))
    except ValidationError as err:
        errors = FormErrors()
        errors.add(err.field if err.field in ENTRY_FIELDS else "slug", err.message)
        return _proposal_page(request, visitor.id, submission_id, values, errors)
    return RedirectResponse(f"/register/services/{slug}", status_code=303)


@router.post("/register/proposals/{submission_id}/dismiss")
def dismiss(
    request: Request, submission_id: RowId, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    try:
        with session_scope() as session:
            dismiss_proposal(session, visitor.id, submission_id, text(form, "reason"))
    except PermissionDeniedError:
        raise HTTPException(404) from None
    except ValidationError as err:
        errors = FormErrors()
        errors.add("reason", err.message)
        return _proposal_page(request, visitor.id, submission_id, None, errors)
    return RedirectResponse("/register", status_code=303)


# -- a service, for the CoE and its owner -------------------------------------------------


def _record_page(
    request: Request,
    visitor_id: str,
    slug: str,
    errors: FormErrors | None = None,
    owner: str | None = None,
    done: str | None = None,
) -> Response:
    """The service's page for the CoE and its owner; `owner` is what the owner form sent
    (None: the owner it has); `done` what was just done to the entry, for its banner."""
    language = get_language()
    with session_scope(read_only=True) as session:
        record = service_record(session, visitor_id, slug)
    return render_form(
        request,
        "register_service_record.html",
        errors,
        title=record.service.name(language),
        record=record,
        phases=_names(PHASES),
        kinds=_names(LINK_KINDS),
        owner=record.service.owner_id or "" if owner is None else owner,
        done=done,
        retired=RETIRED,
    )


@router.get("/register/services/{slug}")
def record_page(request: Request, slug: str, visitor: CurrentVisitor) -> Response:
    # After the entry's form: `?entry=saved`, or `unchanged` when it changed nothing.
    return _record_page(request, visitor.id, slug, done=request.query_params.get("entry"))


@router.post("/register/services/{slug}/owner")
def change_owner(
    request: Request, slug: str, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    owner = text(form, "owner")
    try:
        with session_scope() as session:
            set_owner(session, visitor.id, slug, owner)
    except PermissionDeniedError:
        raise HTTPException(404) from None
    except ValidationError as err:
        errors = FormErrors()
        errors.add("owner", err.message)
        return _record_page(request, visitor.id, slug, errors, owner)
    return RedirectResponse(f"/register/services/{slug}", status_code=303)


# -- a candidate for transformation becomes a draft ---------------------------------------


@router.post("/register/candidates/{slug}/draft")
def transform(request: Request, slug: str, visitor: CurrentVisitor, form: PostedForm) -> Response:
    del form  # nothing to read: taking it checks the CSRF token
    try:
        with session_scope() as session:
            draft = draft_for_candidate(session, visitor.id, slug, get_language())
            draft_id = draft.id
    except PermissionDeniedError:
        raise HTTPException(404) from None
    except ValidationError as err:
        with session_scope(read_only=True) as session:
            found = priorities(session, visitor.id)
        return render(
            request,
            "register_priorities.html",
            400,
            title=_("Candidates for digital transformation"),
            found=found,
            candidates=found.candidates[:SHOWN],
            first=long_month(found.months[0], get_language()),
            last=long_month(found.months[-1], get_language()),
            problem=err.message,
        )
    return RedirectResponse(f"/drafts/{draft_id}/about", status_code=303)
