"""flask create-database: make the PostgreSQL database named in DATABASE_URL if it is missing."""

import click
from flask import current_app
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@click.command("create-database")
def create_database_command() -> None:
    """Create the configured PostgreSQL database if it does not exist (SQLite makes its own)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        click.echo("Not PostgreSQL: nothing to create.")
        return
    # CREATE DATABASE cannot run inside a transaction, nor in the database it creates.
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            found = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            )
            if found:
                click.echo(f"Database {url.database} exists.")
                return
            quoted = conn.dialect.identifier_preparer.quote(url.database)
            conn.execute(text(f"CREATE DATABASE {quoted}"))
            click.echo(f"Created database {url.database}.")
    finally:
        engine.dispose()
