"""Triggers that keep shifts.accepted_count equal to the place-holding applications.

With these, the CHECK accepted_count <= headcount guards the applications
themselves: whatever code accepts an application, and however many do so at
once, the database refuses the one that would overbook. On PostgreSQL the
counter UPDATE also row-locks the shift, so concurrent accepts queue up.

Revision ID: 5c1f0e2a9d41
Revises: 0b8ae5a0c0a3
Create Date: 2026-11-26 11:00:00
"""

from alembic import op

revision = "5c1f0e2a9d41"
down_revision = "0b8ae5a0c0a3"
branch_labels = None
depends_on = None

# Must match marketplace.models.applications.PLACE_HOLDING_STATES (a test checks it).
HOLDING = "('accepted', 'in_progress', 'completed')"

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER trg_applications_places_insert AFTER INSERT ON applications
    WHEN NEW.status IN {HOLDING}
    BEGIN
        UPDATE shifts SET accepted_count = accepted_count + 1 WHERE id = NEW.shift_id;
    END
    """,
    f"""
    CREATE TRIGGER trg_applications_places_update AFTER UPDATE OF status, shift_id ON applications
    BEGIN
        UPDATE shifts SET accepted_count = accepted_count - 1
            WHERE id = OLD.shift_id AND OLD.status IN {HOLDING};
        UPDATE shifts SET accepted_count = accepted_count + 1
            WHERE id = NEW.shift_id AND NEW.status IN {HOLDING};
    END
    """,
    f"""
    CREATE TRIGGER trg_applications_places_delete AFTER DELETE ON applications
    WHEN OLD.status IN {HOLDING}
    BEGIN
        UPDATE shifts SET accepted_count = accepted_count - 1 WHERE id = OLD.shift_id;
    END
    """,
]

POSTGRES_FUNCTION = f"""
CREATE FUNCTION applications_places() RETURNS trigger AS $$
BEGIN
    -- Release first, then take: moving within one shift never trips the CHECK.
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN {HOLDING} THEN
        UPDATE shifts SET accepted_count = accepted_count - 1 WHERE id = OLD.shift_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status IN {HOLDING} THEN
        UPDATE shifts SET accepted_count = accepted_count + 1 WHERE id = NEW.shift_id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

POSTGRES_TRIGGER = """
CREATE TRIGGER trg_applications_places
AFTER INSERT OR DELETE OR UPDATE OF status, shift_id ON applications
FOR EACH ROW EXECUTE FUNCTION applications_places()
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER trg_applications_places ON applications")
        op.execute("DROP FUNCTION applications_places()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER trg_applications_places_{name}")
