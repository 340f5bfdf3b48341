"""the quarterly progress report: one draft or published report per quarter, and the HTML
and PDF of a published one, in each language, as they were published"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "progress_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", _STR(length=8), nullable=False),
        sa.Column("status", _STR(length=16), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("lessons_cy", _STR(), nullable=False),
        sa.Column("lessons_en", _STR(), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generated_by_id", _STR(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", _STR(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["generated_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["published_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("quarter"),
    )
    op.create_table(
        "progress_report_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("language", _STR(length=2), nullable=False),
        sa.Column("format", _STR(length=8), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", _STR(length=64), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["progress_report.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "language", "format"),
    )
    op.create_index(
        "ix_progress_report_file_report_id", "progress_report_file", ["report_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_progress_report_file_report_id", "progress_report_file")
    op.drop_table("progress_report_file")
    op.drop_table("progress_report")
