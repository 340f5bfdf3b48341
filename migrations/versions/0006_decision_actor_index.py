"""a person's past reviews are read by who decided them: an index on decision.actor_id"""

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"


def upgrade() -> None:
    op.create_index(op.f("ix_decision_actor_id"), "decision", ["actor_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_decision_actor_id"), table_name="decision")
