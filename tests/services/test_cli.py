"""The create-user command makes moderators and admins (nobody self-registers as one)."""

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Role, User
from tests.factories import PASSWORD


def test_create_a_moderator_for_an_association(app, make_association):
    association = make_association(name="诸暨市袜业协会")
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--role",
            "moderator",
            "--association",
            "诸暨市袜业协会",
            "--name",
            "赵主任",
            "--mobile",
            "13700000001",
            "--password",
            PASSWORD,
        ],
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.mobile == "+8613700000001"))
    assert user.role == Role.MODERATOR and user.association_id == association.id


def test_a_moderator_needs_an_association_and_a_strong_password(app, make_association):
    runner = app.test_cli_runner()
    missing = runner.invoke(
        args=[
            "create-user",
            "--role",
            "moderator",
            "--name",
            "x",
            "--email",
            "mod@example.com",
            "--password",
            PASSWORD,
        ]
    )
    assert missing.exit_code != 0 and "belongs to an association" in missing.output
    weak = runner.invoke(
        args=[
            "create-user",
            "--role",
            "admin",
            "--name",
            "x",
            "--email",
            "admin@example.com",
            "--password",
            "12345678",
        ]
    )
    assert weak.exit_code != 0 and "too easy to guess" in weak.output
    unknown = runner.invoke(
        args=[
            "create-user",
            "--role",
            "moderator",
            "--association",
            "nope",
            "--name",
            "x",
            "--email",
            "m@example.com",
            "--password",
            PASSWORD,
        ]
    )
    assert unknown.exit_code != 0 and "no association" in unknown.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_demo_data_is_refused_under_production_settings(app):
    app.config["PRODUCTION"] = True
    result = app.test_cli_runner().invoke(args=["seed-demo", "--workers", "5"])
    assert result.exit_code != 0 and "published password" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_create_database_makes_a_missing_postgresql_database_once(app):
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    runner = app.test_cli_runner()
    if url.get_backend_name() != "postgresql":
        result = runner.invoke(args=["create-database"])
        assert result.exit_code == 0 and "nothing to create" in result.output
        return
    name = f"{url.database}_created"
    app.config["SQLALCHEMY_DATABASE_URI"] = url.set(database=name).render_as_string(False)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        first = runner.invoke(args=["create-database"])
        assert first.exit_code == 0 and f"Created database {name}" in first.output
        again = runner.invoke(args=["create-database"])
        assert again.exit_code == 0 and f"Database {name} exists" in again.output
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
