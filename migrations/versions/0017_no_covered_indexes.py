"""no index that another index already covers: each of these indexed one column that is the
first column of a unique constraint or a wider index on the same table, which serves the same
lookups; every row written paid for both (on SQLite a creation wrote 26 pages to the
write-ahead log, and each page is time in the commit)"""

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"

# index -> (table, its one column); the index that covers it is named in models/
_COVERED = {
    "ix_submission_dg_code": ("submission", "dg_code"),
    "ix_checklist_answers_submission_id": ("checklist_answers", "submission_id"),
    "ix_raised_flag_submission_id": ("raised_flag", "submission_id"),
    "ix_review_task_assignee_id": ("review_task", "assignee_id"),
    "ix_review_task_submission_id": ("review_task", "submission_id"),
    "ix_panel_member_task_id": ("panel_member", "task_id"),
    "ix_standard_rating_decision_id": ("standard_rating", "decision_id"),
    "ix_interest_declaration_task_id": ("interest_declaration", "task_id"),
    "ix_assessor_rating_task_id": ("assessor_rating", "task_id"),
    "ix_report_section_report_id": ("report_section", "report_id"),
    "ix_report_challenge_report_id": ("report_challenge", "report_id"),
    "ix_published_report_version_published_id": ("published_report_version", "published_id"),
    "ix_service_return_service_id": ("service_return", "service_id"),
    "ix_late_return_reminder_service_id": ("late_return_reminder", "service_id"),
    "ix_progress_report_file_report_id": ("progress_report_file", "report_id"),
}


def upgrade() -> None:
    for name, (table, _column) in _COVERED.items():
        op.drop_index(name, table)


def downgrade() -> None:
    for name, (table, column) in _COVERED.items():
        op.create_index(name, table, [column])
