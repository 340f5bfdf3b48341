"""conditions and amber actions can be reported done, confirmed or sent back"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"


def upgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.add_column(sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(
            sa.Column("evidence_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True)
        )
        batch.add_column(
            sa.Column("reported_by_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("reviewed_by_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("sent_back_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch.create_foreign_key(
            "fk_action_reported_by_id_person", "person", ["reported_by_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_action_reviewed_by_id_person", "person", ["reviewed_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.drop_constraint("fk_action_reviewed_by_id_person", type_="foreignkey")
        batch.drop_constraint("fk_action_reported_by_id_person", type_="foreignkey")
        for column in (
            "sent_back_reason",
            "reviewed_at",
            "reviewed_by_id",
            "reported_at",
            "reported_by_id",
            "evidence_url",
            "note",
        ):
            batch.drop_column(column)
