"""submissions linked to the register's services; the CoE's dismissed register proposals;
service owners; late monthly returns chased"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "service_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("kind", _STR(length=16), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("linked_by_id", _STR(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["linked_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["register_service.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id"),
    )
    op.create_index("ix_service_link_service_id", "service_link", ["service_id"])
    op.create_table(
        "register_proposal_dismissal",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("reason", _STR(), nullable=False),
        sa.Column("dismissed_by_id", _STR(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dismissed_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("submission_id"),
    )
    op.create_table(
        "late_return_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("step", _STR(length=16), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["register_service.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_id", "month", "step"),
    )
    op.create_index(
        "ix_late_return_reminder_service_id", "late_return_reminder", ["service_id"]
    )
    with op.batch_alter_table("draft") as batch:
        batch.add_column(sa.Column("service_link", _STR(length=16), nullable=True))
        batch.add_column(sa.Column("service_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_draft_service_id", "register_service", ["service_id"], ["id"]
        )
    with op.batch_alter_table("register_service") as batch:
        batch.add_column(sa.Column("owner_id", _STR(), nullable=True))
        batch.create_foreign_key("fk_register_service_owner_id", "person", ["owner_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("register_service") as batch:
        batch.drop_constraint("fk_register_service_owner_id", type_="foreignkey")
        batch.drop_column("owner_id")
    with op.batch_alter_table("draft") as batch:
        batch.drop_constraint("fk_draft_service_id", type_="foreignkey")
        batch.drop_column("service_id")
        batch.drop_column("service_link")
    op.drop_index("ix_late_return_reminder_service_id", table_name="late_return_reminder")
    op.drop_table("late_return_reminder")
    op.drop_table("register_proposal_dismissal")
    op.drop_index("ix_service_link_service_id", table_name="service_link")
    op.drop_table("service_link")
