"""Finding submissions: the list an overseer searches, filters, sorts, pages through and
exports. Who may search what is the overview's rule (`services.access.oversees`): a DG's
Digital Leader their DG's submissions, the Digital CoE and administrators every DG's; anyone
else has no such list (it answers as a page that does not exist)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, tuple_
from sqlmodel import Session, col, select

from dfr.errors import NotFoundError, ValidationError
from dfr.i18n import _
from models.directory import Directorate
from models.lifecycle import STAGES, State
from models.overview_counts import SubmissionCount
from models.review import ReviewTask
from models.submission import Submission, reference_for
from services.access import Actor, oversees

PAGE_SIZE = 25
# Each order a person may choose: its columns, and whether it runs downwards. The page's
# ORDER BY (`_order_by`, also run the other way for a page nearer the end than the start) and
# where an export's next chunk starts (`every_match`) are both read from here.
SORTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "newest": (("submitted_on", "id"), True),
    "oldest": (("submitted_on", "id"), False),
    "reference": (("id",), False),
}
_REFERENCE = re.compile(r"^(?:dfr-?)?0*(\d{1,12})$", re.I)
WORDS_MAX = 200


@dataclass(frozen=True)
class Filters:
    """What the person asked for; every field optional."""

    words: str = ""
    dg: str = ""
    kind: str = ""
    state: str = ""
    stage: str = ""
    overdue: bool = False
    submitted_from: date | None = None
    submitted_to: date | None = None
    sort: str = "newest"


@dataclass(frozen=True, slots=True)
class Listed:
    """What the list and its download show of a submission, read as columns: 25 `Submission`
    objects made by the ORM cost more than the rest of the page's reading."""

    id: int
    kind: str
    title_cy: str
    title_en: str
    dg_code: str
    state: str
    submitted_on: date

    @property
    def reference(self) -> str:
        return reference_for(self.id)

    def title(self, language: str) -> str:
        return self.title_cy if language == "cy" else self.title_en


_LISTED = tuple(col(getattr(Submission, name)) for name in Listed.__slots__)


@dataclass(frozen=True)
class Found:
    submission: Listed
    open_stage: str | None  # the stage under review now, if any
    due: date | None


@dataclass
class Results:
    rows: list[Found]
    total: int
    page: int
    pages: int
    dgs: list[str] = field(default_factory=list)  # the DGs this person may search


def searchable_dgs(session: Session, actor: Actor) -> list[str]:
    """The DGs `actor` oversees; refused (as not found) when there are none."""
    codes = [
        code
        for code in session.exec(select(Directorate.code).order_by(col(Directorate.code))).all()
        if oversees(actor, code)
    ]
    if not codes:
        raise NotFoundError(_("There is no list of submissions for you."))
    return codes


def searchable(session: Session, actor: Actor, filters: Filters) -> list[str]:
    """The DGs `filters` may search for `actor`, once `filters` are checked; raises why not
    (not found for someone who oversees no DG, a field's error for a value not offered)."""
    dgs = searchable_dgs(session, actor)
    _check(filters, dgs)
    return dgs


def _check(filters: Filters, dgs: list[str]) -> None:
    if len(filters.words) > WORDS_MAX:
        raise ValidationError(
            _("Search for {limit} characters at most.", limit=WORDS_MAX), field="words"
        )
    if filters.dg and filters.dg not in dgs:
        raise ValidationError(_("Choose one of the DGs in the list."), field="dg")
    if filters.state and filters.state not in {s.value for s in State}:
        raise ValidationError(_("Choose one of the statuses in the list."), field="state")
    if filters.stage and filters.stage not in {s.value for s in STAGES}:
        raise ValidationError(_("Choose one of the stages in the list."), field="stage")
    if filters.kind and filters.kind not in ("initiative", "procurement"):
        raise ValidationError(_("Choose one of the kinds in the list."), field="kind")
    if filters.sort not in SORTS:
        raise ValidationError(_("Choose one of the orders in the list."), field="sort")
    if (
        filters.submitted_from
        and filters.submitted_to
        and filters.submitted_to < filters.submitted_from
    ):
        raise ValidationError(
            _("The last day must be on or after the first."), field="submitted_to"
        )


def _query(filters: Filters, dgs: list[str], today: date) -> Any:
    open_task = select(ReviewTask.submission_id).where(ReviewTask.status == "open")
    query = select(*_LISTED).where(col(Submission.dg_code).in_([filters.dg] if filters.dg else dgs))
    if filters.kind:
        query = query.where(Submission.kind == filters.kind)
    if filters.state:
        query = query.where(Submission.state == filters.state)
    if filters.stage:
        query = query.where(
            col(Submission.id).in_(open_task.where(ReviewTask.stage == filters.stage))
        )
    if filters.overdue:
        query = query.where(
            col(Submission.id).in_(open_task.where(col(ReviewTask.due_date) < today))
        )
    if filters.submitted_from:
        query = query.where(col(Submission.submitted_on) >= filters.submitted_from)
    if filters.submitted_to:
        query = query.where(col(Submission.submitted_on) <= filters.submitted_to)
    words = filters.words.strip()
    if words:
        number = _REFERENCE.match(words)
        like = f"%{words.casefold()}%"
        texts: list[ColumnElement[bool]] = [
            func.lower(col(column)).like(like)
            for column in (
                Submission.title_en,
                Submission.title_cy,
                Submission.summary_en,
                Submission.summary_cy,
            )
        ]
        if number:
            texts.append(col(Submission.id) == int(number.group(1)))
        query = query.where(or_(*texts))
    return query


def _order_by(sort: str, *, backwards: bool = False) -> list[Any]:
    """The ORDER BY of `sort`, or (`backwards`) of its reverse."""
    names, downwards = SORTS[sort]
    columns = [col(getattr(Submission, name)) for name in names]
    return [c.desc() for c in columns] if downwards != backwards else columns


def _total(session: Session, query: Any, filters: Filters, dgs: list[str]) -> int:
    """How many submissions match. By DG and state alone (the list as it opens, and the DG
    overview's links): the sum of the counts the database keeps per DG and state
    (`models.overview_counts`), a few rows however long the history; any other filter counts
    the matches themselves."""
    narrowed = (filters.words.strip(), filters.kind, filters.stage, filters.overdue)
    if any(narrowed) or filters.submitted_from or filters.submitted_to:
        return int(session.exec(select(func.count()).select_from(query.subquery())).one())
    kept = select(func.coalesce(func.sum(SubmissionCount.submissions), 0)).where(
        col(SubmissionCount.dg_code).in_([filters.dg] if filters.dg else dgs)
    )
    if filters.state:
        kept = kept.where(SubmissionCount.state == filters.state)
    return int(session.exec(kept).one())


def search(session: Session, actor: Actor, filters: Filters, page: int, today: date) -> Results:
    """One page of the submissions `actor` may oversee that match `filters`."""
    dgs = searchable(session, actor, filters)
    query = _query(filters, dgs, today)
    total = _total(session, query, filters, dgs)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    skipped = (page - 1) * PAGE_SIZE
    if skipped <= total // 2:
        found = list(
            session.exec(query.order_by(*_order_by(filters.sort)).offset(skipped).limit(PAGE_SIZE))
        )
    else:  # nearer the end: read back from it (the last page as fast as the first)
        shown = min(PAGE_SIZE, total - skipped)
        back = query.order_by(*_order_by(filters.sort, backwards=True))
        found = list(
            reversed(session.exec(back.offset(total - skipped - shown).limit(shown)).all())
        )
    return Results(_with_stages(session, found), total, page, pages, dgs)


def every_match(
    session: Session, actor: Actor, filters: Filters, today: date, chunk: int = 500
) -> Iterator[Found]:
    """Every match, in order, read a chunk at a time (for an export of any size). Each chunk
    starts after the last row of the one before, in the list's order (not at an offset,
    which would read every row before it again: an export of the whole history would read
    it hundreds of times over)."""
    dgs = searchable(session, actor, filters)
    query = _query(filters, dgs, today).order_by(*_order_by(filters.sort))
    names, downwards = SORTS[filters.sort]
    keys = tuple_(*(col(getattr(Submission, name)) for name in names))
    after: tuple[Any, ...] | None = None
    while True:
        page = query if after is None else query.where(keys < after if downwards else keys > after)
        found = list(session.exec(page.limit(chunk)).all())
        yield from _with_stages(session, found)
        if len(found) < chunk:
            return
        after = tuple(getattr(found[-1], name) for name in names)


def _with_stages(session: Session, rows: Sequence[Any]) -> list[Found]:
    """The rows (`_LISTED`'s columns) as `Found`s, each with its open review's stage and due
    date, if it has one."""
    listed = [Listed(*row) for row in rows]
    open_tasks = {
        submission_id: (stage, due)
        for submission_id, stage, due in session.exec(
            select(
                col(ReviewTask.submission_id), col(ReviewTask.stage), col(ReviewTask.due_date)
            ).where(
                col(ReviewTask.submission_id).in_([s.id for s in listed]),
                ReviewTask.status == "open",
            )
        ).all()
    }
    return [Found(s, *open_tasks.get(s.id, (None, None))) for s in listed]
