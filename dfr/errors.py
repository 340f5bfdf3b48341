"""Errors a user can meet. Each says what was wrong and how to fix it, in the user's language."""

from __future__ import annotations

from collections.abc import Mapping


class DfrError(Exception):
    """A problem with the user's input or request. `str(err)` is the translated message.

    The message is neutral: it names no command, option, page or role id, so every front door
    can show it as it is. `field` names the input it is about (`title.en`, `outcome`,
    `answers.digital_options.estimated_cost`, …) or is None for the request as a whole; the web
    shows the message beside that field, the CLI adds its own hint for it. Where several
    inputs are wrong at once, `by_field` has each (field → message), the first of them being
    `field` and `message`, so that a front door can name them all.
    """

    exit_code = 2
    # For a file taken in parts (a bulk import): the first line of the part that was not
    # stored, where a corrected file is imported again from.
    resume_line: int | None = None

    def __init__(
        self, message: str, *, field: str | None = None, by_field: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.by_field: dict[str, str] = (
            dict(by_field) if by_field else ({field: message} if field else {})
        )


class NotFoundError(DfrError):
    """A named thing (DG, person, submission, checklist, task) does not exist."""


class ValidationError(DfrError):
    """Input that does not fit the checklist, the money rules or the file format."""


class ChecklistDefinitionError(DfrError):
    """A checklist file that cannot be loaded: names the file, the question and the problem."""


class TransitionError(DfrError):
    """A lifecycle step that is not allowed from the current state, or not for this person."""


class InProgressError(DfrError):
    """The same request (the same idempotency key) is still being carried out; try again."""


class PermissionDeniedError(DfrError):
    """The acting person lacks the role, or would be reviewing their own submission."""


class DatabaseNotReadyError(DfrError):
    """The database has not been set up for dfr, or its schema is older than this code."""


class IntegrityError(DfrError):
    """The decision log failed verification."""

    exit_code = 3
