"""the finder's order indexed: its pages list submissions newest (or oldest) first, and without
an index on that order each page sorted every submission the person may see (with 500,000, the
Digital CoE's first page took 0.6 s on SQLite)"""

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"


def upgrade() -> None:
    op.create_index("ix_submission_submitted", "submission", ["submitted_on", "id"])


def downgrade() -> None:
    op.drop_index("ix_submission_submitted", "submission")
