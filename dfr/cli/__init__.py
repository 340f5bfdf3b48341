"""The `dfr` command line: a front door like the web UI. It parses, calls the domain, prints.

Holds no business rules. May import `dfr`, `checklists`, `models` (and later `flows`).
"""
