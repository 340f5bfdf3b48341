"""the team's response to an assessment report (accept, challenge, the panel's answer, silence
as acceptance) and its satisfaction survey"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"

_STR = sqlmodel.sql.sqltypes.AutoString


def _report_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("response_due", sa.Date(), nullable=True),
        sa.Column("challenged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("challenge_due", sa.Date(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_how", _STR(length=16), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("assessment_report") as batch:
        for column in _report_columns():
            batch.add_column(column)
    op.create_table(
        "report_challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("standard_id", _STR(length=32), nullable=False),
        sa.Column("original_rating", _STR(length=8), nullable=False),
        sa.Column("reason", _STR(), nullable=False),
        sa.Column("challenged_by_id", _STR(), nullable=False),
        sa.Column("challenged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", _STR(length=8), nullable=True),
        sa.Column("new_rating", _STR(length=8), nullable=True),
        sa.Column("rationale", _STR(), nullable=True),
        sa.Column("answered_by_id", _STR(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["assessment_report.id"]),
        sa.ForeignKeyConstraint(["challenged_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["answered_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "standard_id"),
    )
    op.create_index("ix_report_challenge_report_id", "report_challenge", ["report_id"])
    op.create_table(
        "report_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("dg_code", _STR(length=16), nullable=False),
        sa.Column("person_id", _STR(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", _STR(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["assessment_report.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.ForeignKeyConstraint(["dg_code"], ["directorate.code"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id"),
    )
    op.create_index("ix_report_feedback_submission_id", "report_feedback", ["submission_id"])
    op.create_index("ix_report_feedback_given_at", "report_feedback", ["given_at"])


def downgrade() -> None:
    op.drop_index("ix_report_feedback_given_at", "report_feedback")
    op.drop_index("ix_report_feedback_submission_id", "report_feedback")
    op.drop_table("report_feedback")
    op.drop_index("ix_report_challenge_report_id", "report_challenge")
    op.drop_table("report_challenge")
    with op.batch_alter_table("assessment_report") as batch:
        for column in reversed(_report_columns()):
            batch.drop_column(column.name)
