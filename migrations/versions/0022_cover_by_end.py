"""cover found by when it ends: the cover page lists absence cover that has not ended yet, and
without an index it read every delegation ever recorded to find them"""

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"


def upgrade() -> None:
    op.create_index("ix_delegation_ends_on", "delegation", ["ends_on"])


def downgrade() -> None:
    op.drop_index("ix_delegation_ends_on", "delegation")
