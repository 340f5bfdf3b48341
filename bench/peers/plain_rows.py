"""The baseline: the approval as plain SQLAlchemy rows, one submission row and one task row.

A creation inserts the submission and its open first review; an approval closes the task and
opens the category review (a procurement after its first review) or finishes the submission.
On SQLite the connection is set up by dfr's own `models.db.configure_sqlite` (WAL, busy
timeout, foreign keys, BEGIN IMMEDIATE), so the two pay the same for durability and locking.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, create_engine, event, func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bench.peers.workload import REVIEWER, StatementCounter, kind_of
from models.db import configure_sqlite

FIRST_REVIEW, CATEGORY_REVIEW = "first_review", "category_review"


class Base(DeclarativeBase):
    pass


class Submission(Base):
    __tablename__ = "submission"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime]


class Task(Base):
    __tablename__ = "task"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    stage: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), index=True)
    assignee: Mapped[str] = mapped_column(String(50))
    closed_at: Mapped[datetime | None]


def _engine(url: str) -> Engine:
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": 10})
    configure_sqlite(engine)
    return engine


class PlainRows:
    """The workload on plain rows; a review is a task id."""

    def __init__(self, url: str) -> None:
        self.engine = _engine(url)
        Base.metadata.create_all(self.engine)
        self.counter = StatementCounter()
        event.listen(self.engine, "before_cursor_execute", self._count)

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.counter.see(statement)

    def create(self, index: int) -> None:
        with Session(self.engine) as session, session.begin():
            submission = Submission(
                kind=kind_of(index), state="in_review", submitted_at=datetime.now(UTC)
            )
            session.add(submission)
            session.flush()
            session.add(_open_task(submission.id, FIRST_REVIEW))

    def open_reviews(self) -> Sequence[int]:
        with Session(self.engine) as session:
            return session.scalars(
                select(Task.id).where(Task.status == "open").order_by(Task.id)
            ).all()

    def approve(self, review: int) -> None:
        with Session(self.engine) as session, session.begin():
            task = session.get_one(Task, review)
            submission = session.get_one(Submission, task.submission_id)
            task.status, task.closed_at = "approved", datetime.now(UTC)
            if task.stage == FIRST_REVIEW and submission.kind == "procurement":
                session.add(_open_task(submission.id, CATEGORY_REVIEW))
            else:
                submission.state = "approved"

    def finished(self) -> tuple[int, int]:
        with Session(self.engine) as session:
            done = session.scalar(
                select(func.count()).select_from(Submission).where(Submission.state == "approved")
            )
            approvals = session.scalar(
                select(func.count()).select_from(Task).where(Task.status == "approved")
            )
        return done or 0, approvals or 0


def _open_task(submission_id: int, stage: str) -> Task:
    return Task(submission_id=submission_id, stage=stage, status="open", assignee=REVIEWER)
