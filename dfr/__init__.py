"""Cross-cutting pieces every layer may import: settings, translation, user-facing errors.

Imports nothing from the domain packages (checklists, models, flows, notifications, cli, web).
"""
