"""web drafts and the indexes the web pages read by

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("dg_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_cy", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("summary_cy", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("summary_en", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("resubmission_of", sa.Integer(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dg_code"], ["directorate.code"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["resubmission_of"], ["submission.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_draft_person_id", "draft", ["person_id"])
    # "Your work" and the DG overview: open tasks by assignee and by due date.
    op.create_index("ix_review_task_open_due", "review_task", ["stage", "status", "due_date"])
    op.create_index(
        "ix_review_task_assignee_status", "review_task", ["assignee_id", "status", "due_date"]
    )
    op.create_index(
        "ix_review_task_submission_open",
        "review_task",
        ["submission_id", "status", "stage", "due_date"],
    )
    op.create_index("ix_submission_dg_state", "submission", ["dg_code", "state"])


def downgrade() -> None:
    op.drop_index("ix_submission_dg_state", "submission")
    op.drop_index("ix_review_task_submission_open", "review_task")
    op.drop_index("ix_review_task_assignee_status", "review_task")
    op.drop_index("ix_review_task_open_due", "review_task")
    op.drop_index("ix_draft_person_id", "draft")
    op.drop_table("draft")
