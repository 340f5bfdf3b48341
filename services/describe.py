"""What people read things as, on a page or in the terminal: people by name, standards by
number and title, conditions and actions by what they ask, in the reader's language (never an
id such as `lucy.green` or `w01`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from checklists.loader import Registry
from checklists.schema import Text
from checklists.standards import standard_names
from dfr import labels
from dfr.i18n import _
from dfr.labels import label
from models.queries import SubmissionDetail, directorate, people_names, submission_detail
from models.review import Action


@dataclass(frozen=True)
class Names:
    """People and standards by their ids, for one page."""

    people: dict[str, str]
    standards: dict[str, str]

    def person(self, person_id: str | None) -> str:
        return self.people.get(person_id, person_id) if person_id else "—"

    def standard(self, standard_id: str) -> str:
        return self.standards.get(standard_id, standard_id)

    def action(self, action: Action) -> str:
        """`Amber action, standard 3. Understand users…`; `Condition`; `Obligation`."""
        kind = label(labels.ACTION_KINDS, action.kind)
        if action.kind == "amber_action" and action.reference in self.standards:
            kind = _(
                "{kind}, standard {standard}", kind=kind, standard=self.standard(action.reference)
            )
        return kind[:1].upper() + kind[1:]


def names_for(
    session: Session, detail: SubmissionDetail, registry: Registry, language: str
) -> Names:
    """Everyone a submission's page mentions, and the standards its assessments rated."""
    people: list[object] = [detail.submission.submitter_id]
    people += [t.assignee_id for t in detail.tasks] + [d.actor_id for d in detail.decisions]
    for entry in detail.history:  # a reassignment names whom it was from and to
        people += [entry.actor_id, entry.payload.get("from"), entry.payload.get("assignee_id")]
    assessed = {
        (t.checklist_id, t.checklist_version)
        for t in detail.tasks
        if t.stage == "service_assessment" and t.checklist_id
    }
    checklists = [registry.get(checklist_id, version) for checklist_id, version in sorted(assessed)]
    return Names(
        people_names(session, [p for p in people if isinstance(p, str)]),
        standard_names(checklists, language),
    )


def flag_texts(detail: SubmissionDetail, registry: Registry) -> dict[str, Text]:
    """The text of every flag the submission's pinned checklists can raise, by flag id."""
    return {
        f.id: f.text
        for pinned in detail.answers
        for f in registry.get(pinned.checklist_id, pinned.checklist_version).definition.flags
    }


@dataclass(frozen=True)
class Described:
    """A submission with what it takes to name everything in it."""

    detail: SubmissionDetail
    names: Names
    dg_name: str


def describe(session: Session, submission_id: int, registry: Registry, language: str) -> Described:
    """Submission `submission_id` (NotFoundError if there is none), ready to show a person."""
    detail = submission_detail(session, submission_id)
    dg = directorate(session, detail.submission.dg_code)
    return Described(
        detail,
        names_for(session, detail, registry, language),
        dg.name(language) if dg else detail.submission.dg_code,
    )
