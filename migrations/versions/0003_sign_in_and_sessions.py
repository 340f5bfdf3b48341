"""web sessions kept server-side, and sign-in attempts for throttling"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("person_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("csrf_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_web_session_last_seen_at", "web_session", ["last_seen_at"])
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_attempt_attempted_at", "sign_in_attempt", ["attempted_at"])
    op.create_index("ix_sign_in_attempt_client", "sign_in_attempt", ["client", "attempted_at"])
    op.create_index("ix_sign_in_attempt_person", "sign_in_attempt", ["person_id", "attempted_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_attempt_person", "sign_in_attempt")
    op.drop_index("ix_sign_in_attempt_client", "sign_in_attempt")
    op.drop_index("ix_sign_in_attempt_attempted_at", "sign_in_attempt")
    op.drop_table("sign_in_attempt")
    op.drop_index("ix_web_session_last_seen_at", "web_session")
    op.drop_table("web_session")
