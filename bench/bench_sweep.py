"""The reminder sweep over 100,000 open review tasks and actions, about 1% due or overdue.

Reports wall time and peak memory of one sweep on SQLite (targets: ≤ 2 s, ≤ 300 MB) and the
number of SQL statements it sends, counted with SQLAlchemy's `before_cursor_execute` event,
at 10,000 and at 100,000 open items: the count must not grow with the number of items.
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, insert

from bench.fixtures import CATEGORY_MANAGER, SUBMITTER, load_demo_directory
from models.db import dispose_engine, engine_for, session_scope
from models.migrate import upgrade
from models.reminders import Policy
from models.review import Action, ReviewTask
from models.submission import Submission
from services.reminders import sweep

TODAY = date(2027, 3, 10)  # a Wednesday
PER_SUBMISSION = 50


def _populate(url: str, items: int) -> None:
    """`items` open items (half tasks, half actions); 1 in 100 due or overdue."""
    engine = engine_for(url)
    load_demo_directory(engine)
    submissions = items // PER_SUBMISSION
    with engine.begin() as conn:
        conn.execute(
            insert(Submission),
            [
                {
                    "id": n,
                    "kind": "initiative",
                    "title_cy": "t",
                    "title_en": "t",
                    "summary_cy": "s",
                    "summary_en": "s",
                    "dg_code": "EST",
                    "submitter_id": SUBMITTER,
                    "state": "in_review",
                    "submitted_on": TODAY,
                    "round": 1,
                    "version": 1,
                    "created_at": TODAY,
                    "updated_at": TODAY,
                }
                for n in range(1, submissions + 1)
            ],
        )
        tasks, actions = [], []
        for n in range(items):
            due = (
                TODAY + timedelta(days=(n % 3) - 1) if n % 100 == 0 else TODAY + timedelta(days=90)
            )
            sid = n // PER_SUBMISSION + 1
            if n % 2:
                tasks.append(
                    {
                        "submission_id": sid,
                        "dg_code": "EST",
                        "stage": "category_review",
                        "position": 1,
                        "round": 1,
                        "attempt": n,
                        "status": "open",
                        "due_date": due,
                        "assignee_id": CATEGORY_MANAGER,
                    }
                )
            else:
                actions.append(
                    {
                        "submission_id": sid,
                        "kind": "condition",
                        "reference": f"c{n}",
                        "text": "Publish performance data",
                        "due_date": due,
                        "status": "open",
                    }
                )
        conn.execute(insert(ReviewTask), tasks)
        conn.execute(insert(Action), actions)


def _measure(items: int) -> tuple[float, float, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'sweep.sqlite3'}"
        upgrade(url)
        _populate(url, items)
        engine = engine_for(url)
        statements = 0

        def count(*_args: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine, "before_cursor_execute", count)
        tracemalloc.start()
        started = time.perf_counter()
        with session_scope(engine) as session:
            made = len(sweep(session, TODAY, Policy()))
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        event.remove(engine, "before_cursor_execute", count)
        dispose_engine(url)
    return elapsed, peak, statements, made


def main() -> None:
    small = _measure(10_000)
    large = _measure(100_000)
    print(
        f"sweep, 10,000 open items:  {small[0]:6.2f} s, peak {small[1]:6.1f} MB (Python heap), "
        f"{small[2]} SQL statements, {small[3]} reminders"
    )
    print(
        f"sweep, 100,000 open items: {large[0]:6.2f} s, peak {large[1]:6.1f} MB (Python heap), "
        f"{large[2]} SQL statements, {large[3]} reminders  (targets: <= 2 s, <= 300 MB)"
    )
    print(
        f"ratio time 100k/10k: {large[0] / small[0]:.2f}; statements 100k/10k: "
        f"{large[2]}/{small[2]}"
    )


if __name__ == "__main__":
    main()
