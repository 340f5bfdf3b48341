"""What people call a standard: its number in its set and its title (`3. Understand users and
their needs`), never its id (`w03`). Pure."""

from __future__ import annotations

from collections.abc import Iterable

from checklists.loader import Checklist, Registry


def standard_names(checklists: Iterable[Checklist], language: str) -> dict[str, str]:
    """Each standard's number and title, e.g. `3. Understand users and their needs`."""
    return {
        question.id: f"{number}. {question.text.get(language)}"
        for checklist in checklists
        for number, question in enumerate(checklist.definition.questions, start=1)
    }


def every_standard_name(registry: Registry, language: str) -> dict[str, str]:
    """The names of the standards of every assessment in `registry` (its newest versions)."""
    assessments = (registry.get(checklist_id) for checklist_id in registry.ids())
    return standard_names((c for c in assessments if c.definition.kind == "assessment"), language)
