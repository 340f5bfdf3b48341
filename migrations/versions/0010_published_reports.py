"""published assessment reports: the finder's row per report and its immutable versions"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "published_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("slug", _STR(length=64), nullable=False),
        sa.Column("status", _STR(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("dg_code", _STR(length=16), nullable=False),
        sa.Column("phase", _STR(length=16), nullable=False),
        sa.Column("reassessment", sa.Boolean(), nullable=False),
        sa.Column("result", _STR(length=8), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("title_cy", _STR(), nullable=False),
        sa.Column("title_en", _STR(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("first_published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason_cy", _STR(), nullable=False),
        sa.Column("withdrawn_reason_en", _STR(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["assessment_report.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_index(
        "ix_published_report_submission_id", "published_report", ["submission_id"]
    )
    op.create_index(
        "ix_published_report_finder", "published_report", ["status", "assessed_on", "id"]
    )
    op.create_table(
        "published_report_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("published_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("content_hash", _STR(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", _STR(), nullable=False),
        sa.Column("reason_cy", _STR(), nullable=False),
        sa.Column("reason_en", _STR(), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["published_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["published_id"], ["published_report.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("published_id", "version"),
    )
    op.create_index(
        "ix_published_report_version_published_id",
        "published_report_version",
        ["published_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_published_report_version_published_id", "published_report_version")
    op.drop_table("published_report_version")
    op.drop_index("ix_published_report_finder", "published_report")
    op.drop_index("ix_published_report_submission_id", "published_report")
    op.drop_table("published_report")
