"""web drafts and the indexes the web pages read by"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"


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
    # Review tasks carry their submission's DG (filled in for existing ones), so the DG
    # overview reads one index; "your work" reads open tasks by assignee and due date.
    with op.batch_alter_table("review_task") as batch:
        batch.add_column(sa.Column("dg_code", sqlmodel.sql.sqltypes.AutoString(length=16)))
    op.execute(
        "UPDATE review_task SET dg_code = "
        "(SELECT dg_code FROM submission WHERE submission.id = review_task.submission_id)"
    )
    with op.batch_alter_table("review_task") as batch:
        batch.alter_column(
            "dg_code", existing_type=sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False
        )
        batch.create_foreign_key("fk_review_task_dg_code", "directorate", ["dg_code"], ["code"])
    op.create_index(
        "ix_review_task_assignee_status", "review_task", ["assignee_id", "status", "due_date"]
    )
    op.create_index(
        "ix_review_task_dg_open", "review_task", ["dg_code", "status", "stage", "due_date"]
    )
    op.create_index("ix_submission_dg_state", "submission", ["dg_code", "state"])


def downgrade() -> None:
    op.drop_index("ix_submission_dg_state", "submission")
    op.drop_index("ix_review_task_dg_open", "review_task")
    op.drop_index("ix_review_task_assignee_status", "review_task")
    with op.batch_alter_table("review_task") as batch:
        batch.drop_constraint("fk_review_task_dg_code", type_="foreignkey")
        batch.drop_column("dg_code")
    op.drop_index("ix_draft_person_id", "draft")
    op.drop_table("draft")
