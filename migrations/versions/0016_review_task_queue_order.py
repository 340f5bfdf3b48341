"""a queue's first rows straight from its index: the review-task indexes of "your work" and the
DG overview end with the task's id, the queues' tie-break (ORDER BY due_date, id), so
PostgreSQL reads only the rows a page shows instead of every task due on the first date (SQLite
keeps the row id in each index entry already)"""

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"

_INDEXES = {
    "ix_review_task_assignee_status": ["assignee_id", "status", "due_date"],
    "ix_review_task_dg_open": ["dg_code", "status", "stage", "due_date"],
}


def upgrade() -> None:
    for name, columns in _INDEXES.items():
        op.drop_index(name, "review_task")
        op.create_index(name, "review_task", [*columns, "id"])


def downgrade() -> None:
    for name, columns in _INDEXES.items():
        op.drop_index(name, "review_task")
        op.create_index(name, "review_task", columns)
