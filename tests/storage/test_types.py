"""Custom column types."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import Task, Unit
from storage.types import UTCDateTime
from tests.storage.factories import make_plan, make_unit

HANOI = timezone(timedelta(hours=7))


async def test_utc_datetime_round_trips_as_aware_utc(database: Database) -> None:
    local = datetime(2025, 3, 31, 8, 30, tzinfo=HANOI)
    async with database.transaction() as session:
        unit = Unit(name="Chi bộ Thôn 1", key="1 bo chi thon", created_at=local)
        session.add(unit)
    async with database.sessions() as session:
        stored = await session.scalar(select(Unit.created_at))
        raw = await session.scalar(text("SELECT created_at FROM units"))
    assert stored == local
    assert stored is not None and stored.tzinfo is UTC
    assert stored.hour == 1
    assert str(raw).startswith("2025-03-31 01:30:00")


async def test_utc_datetime_refuses_naive_values(session: AsyncSession) -> None:
    session.add(Unit(name="Chi bộ Thôn 1", key="1 bo chi thon", created_at=datetime(2025, 1, 1)))
    with pytest.raises(StatementError) as caught:
        await session.flush()
    assert isinstance(caught.value.orig, ValueError)


def test_utc_datetime_bind_rules() -> None:
    column_type = UTCDateTime()
    dialect = sqlite.dialect()
    with pytest.raises(ValueError, match="naive"):
        column_type.process_bind_param(datetime(2025, 1, 1), dialect)
    converted = column_type.process_bind_param(datetime(2025, 1, 1, 7, tzinfo=HANOI), dialect)
    assert converted == datetime(2025, 1, 1, 0, 0)
    assert converted.tzinfo is None
    assert column_type.process_bind_param(None, dialect) is None


async def test_date_lists_round_trip(database: Database) -> None:
    async with database.transaction() as session:
        unit = await make_unit(session)
        plan = await make_plan(session, unit, tasks=1)
        plan.tasks[0].dues = [date(2023, 9, 30), date(2025, 12, 31)]
    async with database.sessions() as session:
        dues = await session.scalar(select(Task.dues))
        raw = await session.scalar(text("SELECT dues FROM tasks"))
    assert dues == [date(2023, 9, 30), date(2025, 12, 31)]
    assert raw == '["2023-09-30", "2025-12-31"]'
