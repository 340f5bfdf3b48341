"""Prefect flows: thin, async, idempotent compositions of tasks that call the domain.

May import `dfr`, `checklists`, `models`, `notifications`; never `cli` or `web`. Human decisions
are written synchronously by the caller (CLI, web); flows do the automation around them.
With a Prefect API configured (PREFECT_API_URL) flows run as real flow runs; without one,
`flows.runner` runs the same composition in-process, so nobody waits for a server to start.
"""
