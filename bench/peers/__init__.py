"""The workflow engines people would pick instead of dfr, running the same two-stage approval
as dfr (`make bench`, `bench/bench_peers.py`).

`workload` says what every engine does and measures it; one module per engine: `plain_rows`
(the baseline: SQLAlchemy rows), `spiff` (SpiffWorkflow), `viewflow_engine` (django-viewflow,
with its Django app in `viewflow_app`) and `dfr_engine` (dfr's own services). `child` runs one
engine in a process of its own. SpiffWorkflow, Django and viewflow come from the bench-peers
dependency group, which only `make bench` installs: nothing else in the project imports them.
"""
