"""the register of transactional services, their transaction types and monthly returns"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"

_text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "service_transaction_type",
        sa.Column("code", _text(length=32), nullable=False),
        sa.Column("name_cy", _text(), nullable=False),
        sa.Column("name_en", _text(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "register_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", _text(length=80), nullable=False),
        sa.Column("name_cy", _text(), nullable=False),
        sa.Column("name_en", _text(), nullable=False),
        sa.Column("description_cy", _text(), nullable=False),
        sa.Column("description_en", _text(), nullable=False),
        sa.Column("dg_code", _text(), nullable=False),
        sa.Column("transaction_type", _text(length=32), nullable=False),
        sa.Column("customer_type", _text(length=16), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("assisted_digital", sa.Boolean(), nullable=False),
        sa.Column("phase", _text(length=16), nullable=False),
        sa.Column("web_address", _text(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["dg_code"], ["directorate.code"]),
        sa.ForeignKeyConstraint(["transaction_type"], ["service_transaction_type.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    with op.batch_alter_table("register_service") as batch:
        batch.create_index(batch.f("ix_register_service_dg_code"), ["dg_code"], unique=False)
    figures = [
        sa.Column(f"{measure}_{channel}", sa.Integer(), nullable=True)
        for measure in ("started", "completed")
        for channel in ("online", "phone", "paper", "face_to_face", "other")
    ]
    points = [
        sa.Column(f"satisfaction_{point}", sa.Integer(), nullable=True)
        for point in ("very_dissatisfied", "dissatisfied", "neither", "satisfied", "very_satisfied")
    ]
    op.create_table(
        "service_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *figures,
        sa.Column("total_cost", sa.Numeric(precision=16, scale=2), nullable=True),
        *points,
        sa.Column("not_applicable", sa.JSON(), nullable=False),
        sa.Column("recorded_by_id", _text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["register_service.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_id", "month", name="uq_service_return_month"),
    )
    with op.batch_alter_table("service_return") as batch:
        batch.create_index(batch.f("ix_service_return_month"), ["month"], unique=False)
        batch.create_index(batch.f("ix_service_return_service_id"), ["service_id"], unique=False)


def downgrade() -> None:
    op.drop_table("service_return")
    op.drop_table("register_service")
    op.drop_table("service_transaction_type")
