"""the finder's facets by index: a faceted search counts from the rows of its DG, result
and phase, not from every published report"""

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"


def upgrade() -> None:
    op.create_index(
        "ix_published_report_facets",
        "published_report",
        ["status", "dg_code", "result", "phase", "assessed_on"],
    )


def downgrade() -> None:
    op.drop_index("ix_published_report_facets", "published_report")
