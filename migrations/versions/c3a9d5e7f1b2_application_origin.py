"""origin on applications: who started each one

An invitation or a placement run's offer creates an application the worker never asked for;
only the worker's own (or an offer they accepted) ties them to the shift's association.
Existing rows were nearly all the workers' own applications: they become 'worker'.

On SQLite the CHECK makes batch mode rebuild the table, which drops its triggers (the place
counter of 5c1f0e2a9d41): they are made again afterwards.

Revision ID: c3a9d5e7f1b2
Revises: e3b8d1c2a4f6
Create Date: 2026-12-05 10:00:00

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "c3a9d5e7f1b2"
down_revision = "e3b8d1c2a4f6"
branch_labels = None
depends_on = None

ORIGINS = ("worker", "factory_offer", "placement")


@contextmanager
def _keeping_triggers(table: str):
    """On SQLite, make the table's triggers again after batch mode rebuilt (and dropped) it."""
    bind = op.get_bind()
    saved = []
    if bind.dialect.name == "sqlite":
        query = sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t")
        saved = list(bind.execute(query, {"t": table}).scalars())
    yield
    for sql in saved:
        op.execute(sql)


def upgrade():
    with (
        _keeping_triggers("applications"),
        op.batch_alter_table("applications", schema=None) as batch_op,
    ):
        batch_op.add_column(
            sa.Column(
                "origin",
                sa.Enum(
                    *ORIGINS,
                    name="application_origin",
                    native_enum=False,
                    create_constraint=True,
                    length=max(len(o) for o in ORIGINS),
                ),
                server_default="worker",
                nullable=False,
            )
        )


def downgrade():
    with (
        _keeping_triggers("applications"),
        op.batch_alter_table("applications", schema=None) as batch_op,
    ):
        batch_op.drop_constraint(op.f("ck_applications_application_origin"), type_="check")
        batch_op.drop_column("origin")
