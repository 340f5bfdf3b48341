"""The web front door: FastAPI pages rendered with Jinja2 and GOV.UK Frontend, Welsh and English.

May import `models`, `checklists`, `flows`, `notifications` and `dfr`; holds no business rules.
Every handler calls the same domain functions as the CLI (`services.intake.submit`,
`services.decide.record_decision`, …) in one transaction, then starts the follow-up flow.
"""
