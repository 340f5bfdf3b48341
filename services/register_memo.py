"""What the register's public pages compute from its services and returns (a DG's KPIs, the
whole register's), kept per process for as long as the decision log's head stays where it was.

Every change to the register and its returns is logged as it is written, in its transaction:
an entry added or changed (`services.register`: one at a time, an import, a change of an
entry; `services.register_proposals`: a proposal accepted), a return recorded or corrected
(`services.register_returns`, one or imported). So a page reading the head (one primary-key
read) and finding it where it was when the figures were computed shows the figures as they
still are, and a change made by any process (another web worker, the CLI) moves the head and
is seen at once. A log with no entry yet is never trusted: the register can only have been
filled then by something that logs nothing (a benchmark's bulk insert), so nothing is kept.

Only what those logged writes change may be kept here: DGs' names (the directory, loaded
unlogged) are read by each page. The window of months ends with the newest return or, with
none, last month: the day is part of the key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlmodel import Session

from models.audit import log_head
from models.working_days import london_today

T = TypeVar("T")

KEPT = 64  # results kept per process (a DG's summary each, the whole register's, languages)
_kept: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def remembered(session: Session, what: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` (which reads the register and its returns through `session`), or what it
    gave for `what` at the decision log's present head, in this database, today."""
    head = log_head(session)
    if head is None:
        return compute()
    key = (str(session.get_bind().engine.url), head, london_today(), what)
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        _kept[key] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value
