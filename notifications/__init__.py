"""Notifications: render a message per person in their language (Jinja2 + Markdown, cy/en) and
deliver it through a channel (Slack, email, outbox), exactly once.

May import `dfr` and `models`; never `flows`, `cli` or `web`. A notification row is stored with
a unique idempotency key before delivery; a channel sends only rows still pending.
"""
