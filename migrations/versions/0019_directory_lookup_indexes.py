"""the directory's lookups by delegate and by role, indexed: every decision looks for the cover
its decider gives (delegation by delegate_id and date) and every review opened looks for who
holds the roles it needs (role_assignment by role and DG); without these, each read the whole
table, so a step slowed down as the directory and its years of absence cover grew (with 5,000
staff and 20,000 past delegations, an approval took 2.8 times as long on SQLite:
bench/bench_directory_size.py)"""

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"


def upgrade() -> None:
    op.create_index("ix_delegation_delegate_id", "delegation", ["delegate_id", "ends_on"])
    op.create_index("ix_role_assignment_role", "role_assignment", ["role", "dg_code"])


def downgrade() -> None:
    op.drop_index("ix_role_assignment_role", "role_assignment")
    op.drop_index("ix_delegation_delegate_id", "delegation")
