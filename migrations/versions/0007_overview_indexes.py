"""the DG overview reads a count per DG and state kept by triggers, not the DG's whole history"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER submission_counted AFTER INSERT ON submission BEGIN
      INSERT INTO submission_count (dg_code, state, submissions)
      VALUES (NEW.dg_code, NEW.state, 1)
      ON CONFLICT (dg_code, state) DO UPDATE SET submissions = submissions + 1;
    END
    """,
    """
    CREATE TRIGGER submission_recounted AFTER UPDATE OF dg_code, state ON submission
    WHEN OLD.dg_code IS NOT NEW.dg_code OR OLD.state IS NOT NEW.state BEGIN
      UPDATE submission_count SET submissions = submissions - 1
      WHERE dg_code = OLD.dg_code AND state = OLD.state;
      INSERT INTO submission_count (dg_code, state, submissions)
      VALUES (NEW.dg_code, NEW.state, 1)
      ON CONFLICT (dg_code, state) DO UPDATE SET submissions = submissions + 1;
    END
    """,
    """
    CREATE TRIGGER submission_uncounted AFTER DELETE ON submission BEGIN
      UPDATE submission_count SET submissions = submissions - 1
      WHERE dg_code = OLD.dg_code AND state = OLD.state;
    END
    """,
)

# One function for the three events. A move locks both of its count rows in one order
# (by DG, then state), so two moves in opposite directions wait for each other instead of
# deadlocking.
POSTGRESQL_TRIGGERS = (
    """
    CREATE FUNCTION submission_count_follows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        PERFORM 1 FROM submission_count
        WHERE (dg_code = OLD.dg_code AND state = OLD.state)
           OR (dg_code = NEW.dg_code AND state = NEW.state)
        ORDER BY dg_code, state FOR UPDATE;
      END IF;
      IF TG_OP <> 'INSERT' THEN
        UPDATE submission_count SET submissions = submissions - 1
        WHERE dg_code = OLD.dg_code AND state = OLD.state;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        INSERT INTO submission_count (dg_code, state, submissions)
        VALUES (NEW.dg_code, NEW.state, 1)
        ON CONFLICT (dg_code, state)
        DO UPDATE SET submissions = submission_count.submissions + 1;
      END IF;
      RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER submission_counted AFTER INSERT OR DELETE ON submission
    FOR EACH ROW EXECUTE FUNCTION submission_count_follows()
    """,
    """
    CREATE TRIGGER submission_recounted AFTER UPDATE OF dg_code, state ON submission
    FOR EACH ROW
    WHEN (OLD.dg_code IS DISTINCT FROM NEW.dg_code OR OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION submission_count_follows()
    """,
)


def upgrade() -> None:
    op.create_table(
        "submission_count",
        sa.Column("dg_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dg_code", "state"),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_TRIGGERS if postgresql else SQLITE_TRIGGERS:
        op.execute(statement)
    op.execute(
        "INSERT INTO submission_count (dg_code, state, submissions) "
        "SELECT dg_code, state, count(*) FROM submission GROUP BY dg_code, state"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS submission_counted ON submission")
        op.execute("DROP TRIGGER IF EXISTS submission_recounted ON submission")
        op.execute("DROP FUNCTION IF EXISTS submission_count_follows()")
    else:
        for trigger in ("submission_counted", "submission_recounted", "submission_uncounted"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table("submission_count")
