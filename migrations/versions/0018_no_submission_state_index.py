"""no index on a submission's state alone: every lookup by state goes with its DG
(ix_submission_dg_state, and the counts kept per DG and state by 0007's triggers) but one, the
register proposals' list of approved submissions, where most submissions are: reading that
index cost as much as the table, and every change of state wrote it (about one page of
SQLite's write-ahead log a creation, more when the last review ends a submission)"""

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"


def upgrade() -> None:
    op.drop_index("ix_submission_state", "submission")


def downgrade() -> None:
    op.create_index("ix_submission_state", "submission", ["state"])
