"""queued_at on placement runs and roster imports

When a row's job was last handed to the queue: the sweep counts from it (a row retried by
hand is not taken for a lost one), and None marks a job whose enqueue failed (Redis down),
which the job workers hand over as soon as Redis answers.

Revision ID: b8e1f4c2a0d7
Revises: 3dfe4de15b6f
Create Date: 2026-12-04 16:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b8e1f4c2a0d7"
down_revision = "3dfe4de15b6f"
branch_labels = None
depends_on = None

TABLES = ("placement_runs", "roster_imports")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
        # Existing rows were last queued when made (or retried: the sweep's old view of them).
        op.execute(sa.text(f"UPDATE {table} SET queued_at = created_at"))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("queued_at")
