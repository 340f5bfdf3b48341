"""assessment bookings, panel members' declarations of interests, evidence links; each
assessor's ratings and the lead's draft of the settled ones; the assessment report"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "assessment_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("assessment_date", sa.Date(), nullable=False),
        sa.Column("booked_by_id", _STR(), nullable=False),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["booked_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["review_task.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id"),
    )
    op.create_index(
        "ix_assessment_booking_submission_id", "assessment_booking", ["submission_id"]
    )
    op.create_table(
        "interest_declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("person_id", _STR(), nullable=False),
        sa.Column("panel_role", _STR(length=16), nullable=False),
        sa.Column("discipline", _STR(length=32), nullable=True),
        sa.Column("conflicted", sa.Boolean(), nullable=False),
        sa.Column("detail", _STR(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("log_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["review_task.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "person_id"),
    )
    op.create_index("ix_interest_declaration_task_id", "interest_declaration", ["task_id"])
    op.create_table(
        "evidence_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("kind", _STR(length=16), nullable=False),
        sa.Column("url", _STR(length=2000), nullable=False),
        sa.Column("description", _STR(length=200), nullable=False),
        sa.Column("added_by_id", _STR(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["review_task.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_evidence_link_task_id", "evidence_link", ["task_id"])
    op.create_index("ix_evidence_link_submission_id", "evidence_link", ["submission_id"])
    op.create_table(
        "assessor_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("person_id", _STR(), nullable=False),
        sa.Column("standard_id", _STR(length=32), nullable=False),
        sa.Column("rating", _STR(length=8), nullable=False),
        sa.Column("done_well", _STR(), nullable=False),
        sa.Column("to_explore", _STR(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["review_task.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "person_id", "standard_id"),
    )
    op.create_index("ix_assessor_rating_task_id", "assessor_rating", ["task_id"])
    op.create_table(
        "settlement_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("saved_by_id", _STR(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("outcome", _STR(length=8), nullable=False),
        sa.Column("rationale", _STR(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["saved_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["review_task.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id"),
    )
    op.create_table(
        "assessment_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", _STR(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("result", _STR(length=8), nullable=False),
        sa.Column("summary_cy", _STR(), nullable=False),
        sa.Column("summary_en", _STR(), nullable=False),
        sa.Column("status", _STR(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["decision_id"], ["decision.id"]),
        sa.ForeignKeyConstraint(["lead_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["review_task.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id"),
    )
    op.create_index(
        "ix_assessment_report_submission_id", "assessment_report", ["submission_id"]
    )
    op.create_table(
        "report_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("standard_id", _STR(length=32), nullable=False),
        sa.Column("rating", _STR(length=8), nullable=False),
        sa.Column("done_well_cy", _STR(), nullable=False),
        sa.Column("done_well_en", _STR(), nullable=False),
        sa.Column("to_explore_cy", _STR(), nullable=False),
        sa.Column("to_explore_en", _STR(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["assessment_report.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "standard_id"),
    )
    op.create_index("ix_report_section_report_id", "report_section", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_report_section_report_id", "report_section")
    op.drop_table("report_section")
    op.drop_index("ix_assessment_report_submission_id", "assessment_report")
    op.drop_table("assessment_report")
    op.drop_table("settlement_draft")
    op.drop_index("ix_assessor_rating_task_id", "assessor_rating")
    op.drop_table("assessor_rating")
    op.drop_index("ix_evidence_link_submission_id", "evidence_link")
    op.drop_index("ix_evidence_link_task_id", "evidence_link")
    op.drop_table("evidence_link")
    op.drop_index("ix_interest_declaration_task_id", "interest_declaration")
    op.drop_table("interest_declaration")
    op.drop_index("ix_assessment_booking_submission_id", "assessment_booking")
    op.drop_table("assessment_booking")
