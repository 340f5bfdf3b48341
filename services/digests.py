"""The weekly digest for each DG's Digital Leader, worked out and recorded once a week."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from models import audit
from models.action_lifecycle import SUBMITTER_HOLDS
from models.digest import Digest
from models.directory import Directorate
from models.review import Action, Decision, ReviewTask
from models.submission import RaisedFlag, Submission
from models.working_days import LONDON


@dataclass
class DigestContent:
    dg_code: str
    week_start: date
    new: list[int] = field(default_factory=list)  # submission ids
    decided: list[int] = field(default_factory=list)  # decision ids
    due: list[tuple[str, int]] = field(default_factory=list)  # (task|action, id)
    overdue: list[tuple[str, int]] = field(default_factory=list)
    flags: list[tuple[int, str]] = field(default_factory=list)  # (submission id, flag id)

    def payload(self) -> dict[str, object]:
        return {
            "dg": self.dg_code,
            "week_start": self.week_start.isoformat(),
            "new": self.new,
            "decided": self.decided,
            "due": [list(item) for item in self.due],
            "overdue": [list(item) for item in self.overdue],
            "flags": [list(item) for item in self.flags],
        }


def _week(week_start: date) -> tuple[datetime, datetime]:
    """The seven days before `week_start`, as UTC instants of London midnights."""
    end = datetime.combine(week_start, time(), tzinfo=LONDON)
    return (end - timedelta(days=7)).astimezone(UTC), end.astimezone(UTC)


def digest_for(session: Session, dg_code: str, week_start: date) -> DigestContent:
    content = DigestContent(dg_code, week_start)
    since, until = _week(week_start)
    week_end = week_start + timedelta(days=6)
    in_dg = select(Submission.id).where(Submission.dg_code == dg_code)
    content.new = [
        sid
        for sid in session.exec(
            select(Submission.id)
            .where(
                Submission.dg_code == dg_code,
                col(Submission.submitted_on) >= week_start - timedelta(days=7),
                col(Submission.submitted_on) < week_start,
            )
            .order_by(col(Submission.id))
        ).all()
        if sid is not None
    ]
    content.decided = [
        d
        for d in session.exec(
            select(Decision.id)
            .where(
                col(Decision.submission_id).in_(in_dg),
                col(Decision.decided_at) >= since,
                col(Decision.decided_at) < until,
            )
            .order_by(col(Decision.id))
        ).all()
        if d is not None
    ]
    # What is still owed: a review while open; a condition or action while its submitter holds it.
    open_items: list[tuple[str, type[ReviewTask] | type[Action], tuple[str, ...]]] = [
        ("task", ReviewTask, ("open",)),
        ("action", Action, tuple(SUBMITTER_HOLDS)),
    ]
    for kind, item, statuses in open_items:
        rows = session.exec(
            select(col(item.id), col(item.due_date)).where(
                col(item.submission_id).in_(in_dg),
                col(item.status).in_(statuses),
                col(item.due_date) <= week_end,
            )
        ).all()
        for item_id, due in rows:
            if item_id is None or due is None:
                continue
            (content.overdue if due < week_start else content.due).append((kind, item_id))
    if content.new:
        content.flags = [
            (f.submission_id, f.flag_id)
            for f in session.exec(
                select(RaisedFlag)
                .where(col(RaisedFlag.submission_id).in_(content.new))
                .order_by(col(RaisedFlag.submission_id), col(RaisedFlag.flag_id))
            ).all()
        ]
    return content


def record_digests(session: Session, week_start: date) -> list[Digest]:
    """One digest per DG with a Digital Leader for the week; none twice."""
    made = []
    done = set(session.exec(select(Digest.dg_code).where(Digest.week_start == week_start)).all())
    for dg in session.exec(select(Directorate).order_by(col(Directorate.code))).all():
        if dg.code in done or not dg.digital_leader_id:
            continue
        content = digest_for(session, dg.code, week_start)
        entry = audit.append(
            session,
            event="digest.sent",
            actor_id=None,
            submission_id=None,
            payload={**content.payload(), "recipient": dg.digital_leader_id},
        )
        row = Digest(dg_code=dg.code, week_start=week_start, log_seq=entry.seq)
        session.add(row)
        made.append(row)
    session.flush()
    return made
