"""A version stamp for the data the matching index is built from."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class MatchingState(db.Model):
    """One row: bumped in the same transaction as any change to workers' matching data.

    Every process compares it with the version its in-memory index was built from, so no
    process ranks on data older than the last commit (no process-local events needed).
    """

    __tablename__ = "matching_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
