"""Column types shared by the models."""

import enum
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


# Every time the app shows is converted to the viewer's zone and moved by days or hours
# (a day's end, a week ahead); at the very edge of the calendar (0001-01-01, 9999-12-31) that
# overflows. The app accepts no such time (marketplace.bounds), but the database may hold one
# (a script, an old version, a restore): it is read as the nearest time a month inside the edge.
EARLIEST_READ = datetime.min.replace(tzinfo=UTC) + timedelta(days=31)
LATEST_READ = datetime.max.replace(tzinfo=UTC) - timedelta(days=31)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always returns them aware.

    SQLite drops tzinfo on the way back; without this, comparisons between
    stored and fresh times would raise or, worse, silently mix zones.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return min(max(value, EARLIEST_READ), LATEST_READ)


def str_enum(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum column: VARCHAR plus a named CHECK constraint of its values."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )
