"""The domain: SQLModel tables, the lifecycle table, the decision log, and the operations on them.

May import `checklists` and `dfr`; never `flows`, `notifications`, `cli` or `web`.
Every operation that changes state takes a Session and runs inside the caller's transaction,
so a failure changes nothing.

Importing this package loads no table: each module is imported where it is used, so that a
command pays only for the tables it reads (`dfr show` starts in a fraction of the time it took
when this package loaded all twenty table modules). A table module imports the modules of the
tables its foreign keys name, so that what is loaded can always be flushed and configured;
`models.tables.load_every_table()` registers the whole schema (migrations, backups, tests).
"""
