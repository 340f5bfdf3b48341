"""a decision's actions found by index: its conditions and amber actions are read with it (the
submission's page, its assessment report, the next assessment), and without an index each of
those read the whole action table, every condition and action ever owed"""

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"


def upgrade() -> None:
    op.create_index("ix_action_decision_id", "action", ["decision_id"])


def downgrade() -> None:
    op.drop_index("ix_action_decision_id", "action")
