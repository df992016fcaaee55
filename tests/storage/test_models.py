"""Constraints and delete rules of the schema."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import (
    Assignment,
    AssignmentState,
    Channel,
    Contact,
    Plan,
    Report,
    Task,
    TaskUnit,
    Unit,
    UnitAlias,
    UnitRole,
)
from tests.storage.factories import make_plan, make_unit


async def _count(session: AsyncSession, model: type[object]) -> int:
    return (await session.scalar(select(func.count()).select_from(model))) or 0


async def test_unit_key_is_unique(session: AsyncSession) -> None:
    session.add(Unit(name="Chi bộ Thôn 1", key="1 bo chi thon"))
    await session.flush()
    session.add(Unit(name="Chi bo thon 1", key="1 bo chi thon"))
    with pytest.raises(IntegrityError, match=r"units\.key"):
        await session.flush()


async def test_alias_key_is_unique(session: AsyncSession) -> None:
    unit = await make_unit(session, "Mặt trận Tổ quốc xã")
    session.add(UnitAlias(unit_id=unit.id, alias="MTTQ xã", key="mttq xa"))
    await session.flush()
    session.add(UnitAlias(unit_id=unit.id, alias="MTTQ  xã", key="mttq xa"))
    with pytest.raises(IntegrityError, match=r"unit_aliases\.key"):
        await session.flush()


async def test_assignment_is_unique_per_task_unit_and_period(session: AsyncSession) -> None:
    unit = await make_unit(session)
    plan = await make_plan(session, unit, tasks=1)
    task = plan.tasks[0]
    session.add(Assignment(task_id=task.id, unit_id=unit.id, role=UnitRole.LEAD, period_key="2026"))
    await session.flush()
    session.add(
        Assignment(task_id=task.id, unit_id=unit.id, role=UnitRole.SUPPORT, period_key="2026")
    )
    with pytest.raises(IntegrityError, match=r"assignments\.task_id"):
        await session.flush()


async def test_enum_columns_refuse_unknown_values(session: AsyncSession) -> None:
    with pytest.raises(IntegrityError, match="ck_units_kind"):
        await session.execute(
            text(
                "INSERT INTO units (name, key, kind, needs_review, created_at) "
                "VALUES ('x', 'x', 'team', 0, '2025-01-01 00:00:00')"
            )
        )


async def test_percent_stays_between_0_and_100(session: AsyncSession) -> None:
    unit = await make_unit(session)
    plan = await make_plan(session, unit, tasks=1)
    plan.tasks[0].assignments[0].percent = 120
    with pytest.raises(IntegrityError, match="ck_assignments_percent"):
        await session.flush()


async def test_foreign_keys_are_enforced(session: AsyncSession) -> None:
    session.add(UnitAlias(unit_id=999, alias="Ghost", key="ghost"))
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        await session.flush()


async def test_deleting_a_plan_deletes_its_tasks_and_assignments(database: Database) -> None:
    async with database.transaction() as session:
        unit = await make_unit(session)
        kept = await make_plan(session, unit, tasks=1)
        doomed = await make_plan(session, unit, tasks=3)
    async with database.transaction() as session:
        await session.execute(delete(Plan).where(Plan.id == doomed.id))
    async with database.sessions() as session:
        assert await _count(session, Task) == 1
        assert await _count(session, TaskUnit) == 1
        assert await _count(session, Assignment) == 1
        remaining = await session.scalar(select(Task.plan_id))
        assert await _count(session, Unit) == 1
    assert remaining == kept.id


async def test_orm_delete_of_a_loaded_plan_cascades_too(database: Database) -> None:
    async with database.transaction() as session:
        unit = await make_unit(session)
        plan = await make_plan(session, unit, tasks=2)
    async with database.transaction() as session:
        loaded = await session.get(Plan, plan.id)
        assert loaded is not None
        await session.delete(loaded)
    async with database.sessions() as session:
        assert await _count(session, Task) == 0
        assert await _count(session, Assignment) == 0


async def test_reports_outlive_their_assignment(database: Database) -> None:
    async with database.transaction() as session:
        unit = await make_unit(session)
        plan = await make_plan(session, unit, tasks=1)
        contact = Contact(unit_id=unit.id, channel=Channel.TELEGRAM, chat_id="42", user_id="42")
        session.add(contact)
        await session.flush()
        session.add(
            Report(
                assignment_id=plan.tasks[0].assignments[0].id,
                contact_id=contact.id,
                channel=Channel.TELEGRAM,
                chat_id="42",
                message_id="7",
                raw_text="xong",
            )
        )
    async with database.transaction() as session:
        await session.execute(delete(Plan))
    async with database.sessions() as session:
        report = await session.scalar(select(Report))
    assert report is not None
    assert report.raw_text == "xong"
    assert report.assignment_id is None
    assert report.contact_id == contact.id


async def test_an_incoming_message_is_stored_once(session: AsyncSession) -> None:
    for _ in range(2):
        session.add(Report(channel=Channel.ZALO, chat_id="c1", message_id="m1", raw_text="80%"))
    with pytest.raises(IntegrityError, match=r"reports\.channel"):
        await session.flush()


async def test_defaults_are_filled_in(session: AsyncSession) -> None:
    unit = await make_unit(session)
    plan = await make_plan(session, unit, tasks=1)
    task = plan.tasks[0]
    assignment = task.assignments[0]
    assert plan.status == "draft"
    assert task.dues == [] and task.review_flags == []
    assert assignment.state is AssignmentState.OPEN
    assert assignment.created_at.tzinfo is not None
