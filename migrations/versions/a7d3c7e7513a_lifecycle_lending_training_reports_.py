"""lifecycle: lending, training, reports, notifications, ratings

Revision ID: a7d3c7e7513a
Revises: 5c1f0e2a9d41
Create Date: 2026-11-26 10:47:07.144736

"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op


# SQLite batch mode rebuilds tables by copy, drop and rename; the place-counting
# triggers (5c1f0e2a9d41) name both tables involved, so they come off first and go
# back on at the end, exactly as that migration defines them.
def _sqlite_place_triggers(action):
    if op.get_bind().dialect.name != "sqlite":
        return
    path = Path(__file__).with_name("5c1f0e2a9d41_place_counter_triggers.py")
    spec = importlib.util.spec_from_file_location("place_counter_triggers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    getattr(module, action)()


# revision identifiers, used by Alembic.
revision = "a7d3c7e7513a"
down_revision = "5c1f0e2a9d41"
branch_labels = None
depends_on = None


def upgrade():
    _sqlite_place_triggers("downgrade")
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_user_read", ["user_id", "read_at"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column(
            "target_type",
            sa.Enum(
                "factory",
                "shift",
                "worker",
                name="report_target",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "unsafe_conditions",
                "unpaid_wages",
                "no_show",
                "abuse",
                "other",
                name="report_category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "resolved",
                "dismissed",
                name="report_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_reports_association_id_associations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"],
            ["users.id"],
            name=op.f("fk_reports_handled_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_reports_reporter_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reports_association_status", ["association_id", "status"], unique=False
        )

    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("association_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("location", sa.String(length=255), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=True),
        sa.Column("level_granted", sa.Integer(), nullable=True),
        sa.Column("certificate_type_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("enrolled_count", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "published",
                "cancelled",
                "closed",
                name="training_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(skill_id IS NOT NULL AND level_granted BETWEEN 1 AND 5"
            " AND certificate_type_id IS NULL)"
            " OR (certificate_type_id IS NOT NULL AND skill_id IS NULL)",
            name=op.f("ck_training_sessions_grants_one_thing"),
        ),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_training_sessions_capacity_positive")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_training_sessions_ordered")),
        sa.CheckConstraint(
            "enrolled_count >= 0 AND enrolled_count <= capacity",
            name=op.f("ck_training_sessions_enrolled_within_capacity"),
        ),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_training_sessions_association_id_associations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["certificate_type_id"],
            ["certificate_types.id"],
            name=op.f("fk_training_sessions_certificate_type_id_certificate_types"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_training_sessions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skills.id"],
            name=op.f("fk_training_sessions_skill_id_skills"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sessions")),
    )
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_sessions_association_id"), ["association_id"], unique=False
        )

    op.create_table(
        "lending_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("lender_factory_id", sa.Integer(), nullable=False),
        sa.Column("borrower_factory_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column(
            "wage_payer",
            sa.Enum(
                "lender", "borrower", name="wage_payer", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column(
            "insurance_payer",
            sa.Enum(
                "lender",
                "borrower",
                name="insurance_payer",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("settlement_rate_cny", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "approved",
                "refused",
                "recalled",
                "cancelled",
                name="agreement_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_lending_agreements_ordered")),
        sa.CheckConstraint(
            "lender_factory_id != borrower_factory_id",
            name=op.f("ck_lending_agreements_two_factories"),
        ),
        sa.CheckConstraint(
            "settlement_rate_cny >= 0", name=op.f("ck_lending_agreements_rate_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["borrower_factory_id"],
            ["factories.id"],
            name=op.f("fk_lending_agreements_borrower_factory_id_factories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_lending_agreements_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lender_factory_id"],
            ["factories.id"],
            name=op.f("fk_lending_agreements_lender_factory_id_factories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_lending_agreements_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker_profiles.id"],
            name=op.f("fk_lending_agreements_worker_id_worker_profiles"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lending_agreements")),
    )
    with op.batch_alter_table("lending_agreements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lending_agreements_borrower_factory_id"),
            ["borrower_factory_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_lending_agreements_lender_factory_id"),
            ["lender_factory_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_lending_agreements_worker_status", ["worker_id", "status"], unique=False
        )

    op.create_table(
        "training_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "enrolled",
                "completed",
                "failed",
                "withdrawn",
                name="enrolment_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_training_enrolments_session_id_training_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker_profiles.id"],
            name=op.f("fk_training_enrolments_worker_id_worker_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_enrolments")),
        sa.UniqueConstraint(
            "session_id", "worker_id", name=op.f("uq_training_enrolments_session_id_worker_id")
        ),
    )
    with op.batch_alter_table("training_enrolments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_enrolments_worker_id"), ["worker_id"], unique=False
        )

    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum(
                "factory_rates_worker",
                "worker_rates_factory",
                name="rating_direction",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("rated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_ratings_score_range")),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_ratings_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rated_by_id"],
            ["users.id"],
            name=op.f("fk_ratings_rated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint(
            "assignment_id", "direction", name=op.f("uq_ratings_assignment_id_direction")
        ),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancelled_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("lending_agreement_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_applications_lending_agreement_id"),
            ["lending_agreement_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_applications_cancelled_by_id_users"),
            "users",
            ["cancelled_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_applications_lending_agreement_id_lending_agreements"),
            "lending_agreements",
            ["lending_agreement_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lending_agreement_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_assignments_lending_agreement_id"),
            ["lending_agreement_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_assignments_lending_agreement_id_lending_agreements"),
            "lending_agreements",
            ["lending_agreement_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    with op.batch_alter_table("factories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("lending_cap", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "lending_max_extra_days", sa.Integer(), server_default=sa.text("7"), nullable=False
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_factories_lending_cap_range"), "lending_cap IS NULL OR lending_cap >= 0"
        )
        batch_op.create_check_constraint(
            op.f("ck_factories_lending_days_range"), "lending_max_extra_days >= 0"
        )

    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("review_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_shifts_reviewed_by_id_users"),
            "users",
            ["reviewed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("worker_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shifts_completed", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("no_shows", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "late_cancellations", sa.Integer(), server_default=sa.text("0"), nullable=False
            )
        )

    _sqlite_place_triggers("upgrade")


def downgrade():
    _sqlite_place_triggers("downgrade")
    with op.batch_alter_table("worker_profiles", schema=None) as batch_op:
        batch_op.drop_column("late_cancellations")
        batch_op.drop_column("no_shows")
        batch_op.drop_column("shifts_completed")

    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_shifts_reviewed_by_id_users"), type_="foreignkey")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("review_reason")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by_id")

    with op.batch_alter_table("factories", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_factories_lending_days_range"), type_="check")
        batch_op.drop_constraint(op.f("ck_factories_lending_cap_range"), type_="check")
        batch_op.drop_column("lending_max_extra_days")
        batch_op.drop_column("lending_cap")
        batch_op.drop_column("status_reason")

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assignments_lending_agreement_id_lending_agreements"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_assignments_lending_agreement_id"))
        batch_op.drop_column("ended_at")
        batch_op.drop_column("lending_agreement_id")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_applications_lending_agreement_id_lending_agreements"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_applications_cancelled_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_applications_lending_agreement_id"))
        batch_op.drop_column("lending_agreement_id")
        batch_op.drop_column("cancelled_by_id")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("offered_at")

    op.drop_table("ratings")
    with op.batch_alter_table("training_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_enrolments_worker_id"))

    op.drop_table("training_enrolments")
    with op.batch_alter_table("lending_agreements", schema=None) as batch_op:
        batch_op.drop_index("ix_lending_agreements_worker_status")
        batch_op.drop_index(batch_op.f("ix_lending_agreements_lender_factory_id"))
        batch_op.drop_index(batch_op.f("ix_lending_agreements_borrower_factory_id"))

    op.drop_table("lending_agreements")
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_sessions_association_id"))

    op.drop_table("training_sessions")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_association_status")

    op.drop_table("reports")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_read")

    op.drop_table("notifications")
    _sqlite_place_triggers("upgrade")
