"""Query helpers: results, and that they leave the transaction to the caller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import queries
from storage.db import Database
from storage.errors import InvalidGroupMemberError, NotAGroupError, StorageError
from storage.models import (
    Assignment,
    AssignmentState,
    PlanStatus,
    Task,
    TaskUnit,
    Unit,
    UnitKind,
    UnitRole,
)
from tests.storage.factories import make_plan, make_unit


async def _unit_count(session: AsyncSession) -> int:
    return (await session.scalar(select(func.count()).select_from(Unit))) or 0


async def test_helpers_leave_nothing_after_a_rollback(database: Database) -> None:
    async with database.sessions() as session:
        group = await queries.add_unit(
            session, "Các chi bộ trực thuộc", "bo cac chi thuoc truc", kind=UnitKind.GROUP
        )
        cell = await queries.add_unit(session, "Chi bộ Thôn 1", "1 bo chi thon")
        await queries.add_alias(session, cell, "CB Thôn 1", "1 cb thon")
        await queries.set_group_members(session, group, [cell])
        assert cell.id is not None
        assert session.in_transaction()
        await session.rollback()
    async with database.sessions() as session:
        assert await _unit_count(session) == 0
        assert await queries.units_by_key(session, ["1 cb thon"]) == {}


async def test_units_by_key_resolves_keys_and_aliases(session: AsyncSession) -> None:
    ubnd = await queries.add_unit(session, "Ủy ban nhân dân xã", "ban dan nhan uy xa")
    mttq = await queries.add_unit(session, "Mặt trận Tổ quốc xã", "mat quoc to tran xa")
    await queries.add_alias(session, ubnd, "UBND xã", "ubnd xa")
    found = await queries.units_by_key(
        session, ["ubnd xa", "mat quoc to tran xa", "ban dan nhan uy xa", "khong co"]
    )
    assert found == {"ubnd xa": ubnd, "mat quoc to tran xa": mttq, "ban dan nhan uy xa": ubnd}
    assert await queries.units_by_key(session, []) == {}


async def test_group_members_are_replaced_as_a_whole(session: AsyncSession) -> None:
    group = await queries.add_unit(session, "Các chi bộ trực thuộc", "g", kind=UnitKind.GROUP)
    cells = [await queries.add_unit(session, f"Chi bộ Thôn {i}", f"thon {i}") for i in (3, 1, 2)]
    await queries.set_group_members(session, group, cells[:2])
    assert [u.name for u in await queries.group_members(session, group.id)] == [
        "Chi bộ Thôn 1",
        "Chi bộ Thôn 3",
    ]
    await queries.set_group_members(session, group, [cells[2], cells[2]])
    assert await queries.group_members(session, group.id) == [cells[2]]


async def test_group_membership_rules(session: AsyncSession) -> None:
    group = await queries.add_unit(session, "Các chi bộ trực thuộc", "g", kind=UnitKind.GROUP)
    other = await queries.add_unit(session, "Các chi bộ thôn", "h", kind=UnitKind.GROUP)
    cell = await queries.add_unit(session, "Chi bộ Thôn 1", "thon 1")
    with pytest.raises(NotAGroupError) as not_group:
        await queries.set_group_members(session, cell, [group])
    assert not_group.value.code == "not_a_group"
    assert not_group.value.params == {"unit_id": cell.id, "name": "Chi bộ Thôn 1"}
    for bad in (group, other):
        with pytest.raises(InvalidGroupMemberError) as invalid:
            await queries.set_group_members(session, group, [cell, bad])
        assert isinstance(invalid.value, StorageError)
        assert invalid.value.params == {"group_id": group.id, "member_id": bad.id}


async def test_plans_listed_newest_first_and_filtered(session: AsyncSession) -> None:
    unit = await make_unit(session)
    old = await make_plan(session, unit, tasks=0)
    new = await make_plan(session, unit, tasks=0)
    old.created_at = datetime.now(UTC) - timedelta(days=3)
    new.status = PlanStatus.ACTIVE
    await session.flush()
    assert await queries.list_plans(session) == [new, old]
    assert await queries.list_plans(session, PlanStatus.ACTIVE) == [new]
    assert await queries.get_plan(session, old.id) is old
    assert await queries.get_plan(session, 10_000) is None


async def test_tasks_and_their_units_come_in_plan_order(database: Database) -> None:
    async with database.transaction() as session:
        lead = await make_unit(session, "Ban Tuyên giáo")
        helper_b = await make_unit(session, "Văn phòng")
        helper_a = await make_unit(session, "Trung tâm Chính trị")
        plan = await make_plan(session, lead, tasks=3)
        first = plan.tasks[0]
        session.add_all(
            [
                TaskUnit(task_id=first.id, unit_id=helper_b.id, role=UnitRole.SUPPORT, position=1),
                TaskUnit(task_id=first.id, unit_id=helper_a.id, role=UnitRole.SUPPORT, position=0),
            ]
        )
    async with database.sessions() as session:
        tasks = await queries.tasks_of_plan(session, plan.id)
        links = await queries.task_units(session, first.id)
        # Loaded eagerly: reading them needs no further query.
        names = [link.unit.name for link in tasks[0].units]
    assert [t.position for t in tasks] == [0, 1, 2]
    assert [(link.role, link.unit.name) for link in links] == [
        (UnitRole.LEAD, "Ban Tuyên giáo"),
        (UnitRole.SUPPORT, "Trung tâm Chính trị"),
        (UnitRole.SUPPORT, "Văn phòng"),
    ]
    assert names == ["Ban Tuyên giáo", "Trung tâm Chính trị", "Văn phòng"]


async def test_count_assignments_by_plan_and_state(session: AsyncSession) -> None:
    unit = await make_unit(session)
    first = await make_plan(session, unit, tasks=2)
    second = await make_plan(session, unit, tasks=3)
    done = await session.scalar(
        select(Assignment).join(Task).where(Task.plan_id == second.id).limit(1)
    )
    assert done is not None
    done.state = AssignmentState.DONE
    await session.flush()
    assert await queries.count_assignments(session) == 5
    assert await queries.count_assignments(session, plan_id=first.id) == 2
    assert await queries.count_assignments(session, states=[AssignmentState.DONE]) == 1
    assert (
        await queries.count_assignments(
            session, plan_id=second.id, states=[AssignmentState.OPEN, AssignmentState.DORMANT]
        )
        == 2
    )
