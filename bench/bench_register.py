"""The register's KPIs: 100 and 1,000 services with 60 months of returns each, the four KPIs
of the last 12 months per service, per DG and overall (`services.register_kpis`).

Reports the wall time and the number of SQL statements, counted with SQLAlchemy's
`before_cursor_execute` event: the count must not grow with the number of services.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event, insert

from bench.fixtures import load_demo_directory
from models.db import dispose_engine, engine_for, session_scope
from models.migrate import upgrade
from models.register_kpis import months_ending
from models.service_register import Service
from models.service_returns import FIGURES, MonthlyReturn
from services.register import ensure_transaction_types
from services.register_kpis import register_kpis

DGS = ("EST", "DfES", "LGC", "SF", "HSS", "PSD", "FCS")
LAST = date(2026, 10, 1)
COE = "carys.llewelyn"


def _populate(url: str, services: int) -> None:
    engine = engine_for(url)
    load_demo_directory(engine)
    with session_scope(engine) as session:
        ensure_transaction_types(session)
    rng = random.Random(15)
    now = LAST
    with engine.begin() as conn:
        conn.execute(
            insert(Service),
            [
                {
                    "id": n,
                    "slug": f"service-{n}",
                    "name_cy": f"Gwasanaeth {n}",
                    "name_en": f"Service {n}",
                    "description_cy": "d",
                    "description_en": "d",
                    "dg_code": DGS[n % len(DGS)],
                    "transaction_type": "licence",
                    "customer_type": "citizens",
                    "channels": ["online", "phone", "paper"],
                    "assisted_digital": True,
                    "phase": "live",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for n in range(1, services + 1)
            ],
        )
        rows = []
        for n in range(1, services + 1):
            for month in months_ending(LAST, 60):
                row: dict[str, object] = {name: rng.randint(0, 1000) for name in FIGURES}
                row |= {"started_face_to_face": None, "completed_face_to_face": None}
                row |= {"started_other": None, "completed_other": None}
                rows.append(
                    row
                    | {
                        "service_id": n,
                        "month": month,
                        "not_applicable": [
                            "started_face_to_face",
                            "completed_face_to_face",
                            "started_other",
                            "completed_other",
                        ],
                        "recorded_by_id": COE,
                        "recorded_at": now,
                        "version": 1,
                    }
                )
        conn.execute(insert(MonthlyReturn), rows)


def _measure(services: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'register.sqlite3'}"
        upgrade(url)
        _populate(url, services)
        engine = engine_for(url)
        statements = 0

        def count(*_args: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        with session_scope(engine, read_only=True) as session:
            kpis = register_kpis(session, LAST)
        elapsed = time.perf_counter() - started
        event.remove(engine, "before_cursor_execute", count)
        assert len(kpis.by_service) == services
        dispose_engine(url)
    return elapsed, statements


def main() -> None:
    small = _measure(100)
    large = _measure(1_000)
    print(f"KPIs, 100 services x 60 months:   {small[0]:6.2f} s, {small[1]} SQL statements")
    print(f"KPIs, 1,000 services x 60 months: {large[0]:6.2f} s, {large[1]} SQL statements")
    print(f"statements 1,000/100: {large[1]}/{small[1]}")


if __name__ == "__main__":
    main()
