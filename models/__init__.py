"""The domain: SQLModel tables, the lifecycle table, the decision log, and the operations on them.

May import `checklists` and `dfr`; never `flows`, `notifications`, `cli` or `web`.
Every operation that changes state takes a Session and runs inside the caller's transaction,
so a failure changes nothing.
"""

from models.audit import LogEntry, LogHead
from models.directory import Directorate, Person, RoleAssignment
from models.review import Action, Decision, ReviewTask, StandardRating
from models.submission import Answer, ChecklistPin, RaisedFlag, Submission

__all__ = [
    "Action",
    "Answer",
    "ChecklistPin",
    "Decision",
    "Directorate",
    "LogEntry",
    "LogHead",
    "Person",
    "RaisedFlag",
    "ReviewTask",
    "RoleAssignment",
    "StandardRating",
    "Submission",
]
