"""the DG overview reads counts kept by triggers (submissions per DG and state, open tasks per
DG, stage and due date), not the DG's whole history"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"

SQLITE_TRIGGERS: tuple[str, ...] = (
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

# An open task is counted on its DG, stage and due date; one with no due date on NO_DUE_DATE
# (models.overview_counts). A date left with no open task loses its row.
_SQLITE_TASK_OUT = """
      UPDATE open_task_count SET tasks = tasks - 1
      WHERE OLD.status = 'open' AND dg_code = OLD.dg_code AND stage = OLD.stage
        AND due_date = coalesce(OLD.due_date, '9999-12-31');
      DELETE FROM open_task_count
      WHERE OLD.status = 'open' AND dg_code = OLD.dg_code AND stage = OLD.stage
        AND due_date = coalesce(OLD.due_date, '9999-12-31') AND tasks = 0;
"""
_SQLITE_TASK_IN = """
      INSERT INTO open_task_count (dg_code, stage, due_date, tasks)
      SELECT NEW.dg_code, NEW.stage, coalesce(NEW.due_date, '9999-12-31'), 1
      WHERE NEW.status = 'open'
      ON CONFLICT (dg_code, stage, due_date) DO UPDATE SET tasks = tasks + 1;
"""
SQLITE_TRIGGERS += (
    f"CREATE TRIGGER open_task_counted AFTER INSERT ON review_task BEGIN {_SQLITE_TASK_IN} END",
    f"""
    CREATE TRIGGER open_task_recounted
    AFTER UPDATE OF status, dg_code, stage, due_date ON review_task
    WHEN (OLD.status = 'open' OR NEW.status = 'open')
      AND (OLD.status IS NOT NEW.status OR OLD.dg_code IS NOT NEW.dg_code
           OR OLD.stage IS NOT NEW.stage OR OLD.due_date IS NOT NEW.due_date)
    BEGIN {_SQLITE_TASK_OUT} {_SQLITE_TASK_IN} END
    """,
    f"CREATE TRIGGER open_task_uncounted AFTER DELETE ON review_task BEGIN {_SQLITE_TASK_OUT} END",
)

# One function for the three events. A move locks both of its count rows in one order
# (by DG, then state), so two moves in opposite directions wait for each other instead of
# deadlocking.
POSTGRESQL_TRIGGERS: tuple[str, ...] = (
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
    """
    CREATE FUNCTION open_task_count_follows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        PERFORM 1 FROM open_task_count
        WHERE (OLD.status = 'open' AND dg_code = OLD.dg_code AND stage = OLD.stage
               AND due_date = coalesce(OLD.due_date, DATE '9999-12-31'))
           OR (NEW.status = 'open' AND dg_code = NEW.dg_code AND stage = NEW.stage
               AND due_date = coalesce(NEW.due_date, DATE '9999-12-31'))
        ORDER BY dg_code, stage, due_date FOR UPDATE;
      END IF;
      IF TG_OP <> 'INSERT' AND OLD.status = 'open' THEN
        UPDATE open_task_count SET tasks = tasks - 1
        WHERE dg_code = OLD.dg_code AND stage = OLD.stage
          AND due_date = coalesce(OLD.due_date, DATE '9999-12-31');
        DELETE FROM open_task_count
        WHERE dg_code = OLD.dg_code AND stage = OLD.stage
          AND due_date = coalesce(OLD.due_date, DATE '9999-12-31') AND tasks = 0;
      END IF;
      IF TG_OP <> 'DELETE' AND NEW.status = 'open' THEN
        INSERT INTO open_task_count (dg_code, stage, due_date, tasks)
        VALUES (NEW.dg_code, NEW.stage, coalesce(NEW.due_date, DATE '9999-12-31'), 1)
        ON CONFLICT (dg_code, stage, due_date)
        DO UPDATE SET tasks = open_task_count.tasks + 1;
      END IF;
      RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER open_task_counted AFTER INSERT OR DELETE ON review_task
    FOR EACH ROW EXECUTE FUNCTION open_task_count_follows()
    """,
    """
    CREATE TRIGGER open_task_recounted
    AFTER UPDATE OF status, dg_code, stage, due_date ON review_task
    FOR EACH ROW
    WHEN ((OLD.status = 'open' OR NEW.status = 'open')
          AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.dg_code IS DISTINCT FROM NEW.dg_code
               OR OLD.stage IS DISTINCT FROM NEW.stage
               OR OLD.due_date IS DISTINCT FROM NEW.due_date))
    EXECUTE FUNCTION open_task_count_follows()
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
    op.create_table(
        "open_task_count",
        sa.Column("dg_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("tasks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dg_code", "stage", "due_date"),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_TRIGGERS if postgresql else SQLITE_TRIGGERS:
        op.execute(statement)
    op.execute(
        "INSERT INTO submission_count (dg_code, state, submissions) "
        "SELECT dg_code, state, count(*) FROM submission GROUP BY dg_code, state"
    )
    op.execute(
        "INSERT INTO open_task_count (dg_code, stage, due_date, tasks) "
        "SELECT dg_code, stage, coalesce(due_date, '9999-12-31'), count(*) FROM review_task "
        "WHERE status = 'open' GROUP BY dg_code, stage, coalesce(due_date, '9999-12-31')"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in (
            ("submission_counted", "submission"),
            ("submission_recounted", "submission"),
            ("open_task_counted", "review_task"),
            ("open_task_recounted", "review_task"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS submission_count_follows()")
        op.execute("DROP FUNCTION IF EXISTS open_task_count_follows()")
    else:
        for trigger in (
            "submission_counted",
            "submission_recounted",
            "submission_uncounted",
            "open_task_counted",
            "open_task_recounted",
            "open_task_uncounted",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table("open_task_count")
    op.drop_table("submission_count")
