"""What the pages call things: people by name, standards by number and title, conditions and
actions by what they ask, in the page's language (never an id such as `lucy.green` or `w01`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from checklists.loader import Checklist
from dfr import labels
from dfr.i18n import _
from dfr.labels import label
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


def standard_names(checklists: Iterable[Checklist], language: str) -> dict[str, str]:
    """Each standard's number and title, e.g. `3. Understand users and their needs`."""
    return {
        question.id: f"{number}. {question.text.get(language)}"
        for checklist in checklists
        for number, question in enumerate(checklist.definition.questions, start=1)
    }
