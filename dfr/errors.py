"""Errors a user can meet. Each says what was wrong and how to fix it, in the user's language."""

from __future__ import annotations


class DfrError(Exception):
    """A problem with the user's input or request. `str(err)` is the translated message."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DfrError):
    """A named thing (DG, person, submission, checklist, task) does not exist."""


class ValidationError(DfrError):
    """Input that does not fit the checklist, the money rules or the file format."""


class ChecklistDefinitionError(DfrError):
    """A checklist file that cannot be loaded: names the file, the question and the problem."""


class TransitionError(DfrError):
    """A lifecycle step that is not allowed from the current state, or not for this person."""


class PermissionDeniedError(DfrError):
    """The acting person lacks the role, or would be reviewing their own submission."""


class IntegrityError(DfrError):
    """The decision log failed verification."""

    exit_code = 3
