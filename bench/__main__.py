"""Run every benchmark and print its figures (`make bench`)."""

from __future__ import annotations

from bench import (
    bench_directory_size,
    bench_driver_sql,
    bench_flows,
    bench_intake,
    bench_locked_rows,
    bench_peers,
    bench_production,
    bench_progress,
    bench_register,
    bench_reports,
    bench_startup,
    bench_sweep,
    bench_web,
)


def main() -> None:
    print("== start-up of the dfr command")
    bench_startup.main()
    print("\n== intake in the domain (no orchestration)")
    bench_intake.main()
    print("\n== the same approval in other workflow engines (SQLite, then PostgreSQL)")
    bench_peers.main()
    print("\n== a step's hot statements on the driver, against SQLAlchemy's execution (A/B)")
    bench_driver_sql.main()
    print("\n== a decision's locked read on the driver, against the ORM's loading (A/B)")
    bench_locked_rows.main()
    print("\n== a step with a government-sized directory, against the demo's (A/B)")
    bench_directory_size.main()
    print("\n== reminder sweep")
    bench_sweep.main()
    print("\n== the register's KPIs (1,000 services x 60 months)")
    bench_register.main()
    print("\n== the quarterly progress report (a year: 5,000 submissions; HTML and PDF, cy and en)")
    bench_progress.main()
    print("\n== flows under a Prefect server")
    bench_flows.main()
    print(
        f"\n== web pages ({bench_web.SUBMISSIONS:,} submissions, {bench_web.CLIENTS} concurrent "
        "clients; SQLite, then PostgreSQL)"
    )
    bench_web.main()
    print("\n== published assessment reports (finder under load, CSV memory)")
    bench_reports.main()
    print("\n== production: Prefect server, work pool and workers on PostgreSQL")
    bench_production.main()


if __name__ == "__main__":
    main()
