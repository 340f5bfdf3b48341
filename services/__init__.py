"""Operations: every change a person, a schedule or another system can start, in one place.

Each service checks who may do it (`services.access`), applies the lifecycle table, writes in
the caller's transaction (one `Session`), appends to the decision log and records what must
follow. Front doors (`dfr.web`, `dfr.cli`, the JSON API, Prefect tasks in `flows`) parse
input, call one service and present its result or its `DfrError`.

May import `dfr` (core), `checklists`, `models` and `notifications`; never `flows` or the
front doors (checked by the import contracts in pyproject.toml).
"""
