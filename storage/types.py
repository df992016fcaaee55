"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Current time as an aware UTC datetime (the only kind the database accepts)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time: stored as naive UTC, read back as aware UTC.

    Naive input is refused, because its time zone can only be guessed and a wrong
    guess moves a reminder by hours.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime expects a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(f"naive datetime refused: {value.isoformat()}")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class ISODateList(TypeDecorator[list[date]]):
    """A list of dates kept as a JSON array of ISO strings (``["2025-03-31", ...]``)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: list[date] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return [d.isoformat() for d in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> list[date] | None:
        if value is None:
            return None
        return [date.fromisoformat(v) for v in value]
