"""api tokens always expire

Every personal API token has an expiry. A token made before that rule (expires_at NULL)
ends API_TOKEN_MAX_DAYS (365 unless set) after it was made; one already past that is
expired from now on.

Revision ID: e3b8d1c2a4f6
Revises: b8e1f4c2a0d7
Create Date: 2026-12-04 16:45:00

"""

import os
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "e3b8d1c2a4f6"
down_revision = "b8e1f4c2a0d7"
branch_labels = None
depends_on = None

_tokens = sa.table(
    "api_tokens",
    sa.column("id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("expires_at", sa.DateTime(timezone=True)),
)


def upgrade():
    longest = timedelta(days=int(os.environ.get("API_TOKEN_MAX_DAYS", "365")))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_tokens.c.id, _tokens.c.created_at).where(_tokens.c.expires_at.is_(None))
    ).all()
    for token_id, created_at in rows:
        connection.execute(
            _tokens.update().where(_tokens.c.id == token_id).values(expires_at=created_at + longest)
        )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=True)
