"""Small, generic queries over the schema.

Every helper takes an ``AsyncSession`` and never commits: the caller owns the
transaction and decides when work is done. Helpers that create rows flush, so the
new rows have ids, but a rollback still removes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.errors import InvalidGroupMemberError, NotAGroupError
from storage.models import (
    Assignment,
    AssignmentState,
    Plan,
    PlanStatus,
    Task,
    TaskUnit,
    Unit,
    UnitAlias,
    UnitKind,
    UnitMember,
)


async def get_plan(session: AsyncSession, plan_id: int) -> Plan | None:
    """The plan with ``plan_id``, or ``None``."""
    return await session.get(Plan, plan_id)


async def list_plans(session: AsyncSession, status: PlanStatus | None = None) -> list[Plan]:
    """Plans, newest first, optionally only those with ``status``."""
    stmt = select(Plan).order_by(Plan.created_at.desc(), Plan.id.desc())
    if status is not None:
        stmt = stmt.where(Plan.status == status)
    return list((await session.scalars(stmt)).all())


async def units_by_key(session: AsyncSession, keys: Iterable[str]) -> dict[str, Unit]:
    """Resolve folded keys to units, by a unit's own key first, then by its aliases.

    Keys that match nothing are absent from the result.
    """
    wanted = set(keys)
    if not wanted:
        return {}
    found = {u.key: u for u in await session.scalars(select(Unit).where(Unit.key.in_(wanted)))}
    missing = wanted - found.keys()
    if missing:
        rows = await session.execute(
            select(UnitAlias.key, Unit)
            .join(Unit, UnitAlias.unit_id == Unit.id)
            .where(UnitAlias.key.in_(missing))
        )
        found.update({alias_key: unit for alias_key, unit in rows})
    return found


async def add_unit(
    session: AsyncSession,
    name: str,
    key: str,
    *,
    kind: UnitKind = UnitKind.UNIT,
    needs_review: bool = False,
) -> Unit:
    """Add a unit (``key`` is the caller's folded form of ``name``) and flush it."""
    unit = Unit(name=name, key=key, kind=kind, needs_review=needs_review)
    session.add(unit)
    await session.flush()
    return unit


async def add_alias(session: AsyncSession, unit: Unit, alias: str, key: str) -> UnitAlias:
    """Record another spelling of ``unit`` under the folded ``key`` and flush it."""
    row = UnitAlias(unit_id=unit.id, alias=alias, key=key)
    session.add(row)
    await session.flush()
    return row


async def set_group_members(session: AsyncSession, group: Unit, members: Iterable[Unit]) -> None:
    """Make ``members`` exactly the members of ``group``.

    Raises :class:`NotAGroupError` when ``group`` is not a group, and
    :class:`InvalidGroupMemberError` for the group itself or a nested group, since a
    group fans out to units that can answer reminders.
    """
    if group.kind != UnitKind.GROUP:
        raise NotAGroupError(unit_id=group.id, name=group.name)
    member_ids: dict[int, None] = {}
    for member in members:
        if member.id == group.id or member.kind == UnitKind.GROUP:
            raise InvalidGroupMemberError(group_id=group.id, member_id=member.id)
        member_ids[member.id] = None
    await session.execute(delete(UnitMember).where(UnitMember.group_id == group.id))
    session.add_all(UnitMember(group_id=group.id, member_id=m) for m in member_ids)
    await session.flush()


async def group_members(session: AsyncSession, group_id: int) -> list[Unit]:
    """Units belonging to the group ``group_id``, by name."""
    stmt = (
        select(Unit)
        .join(UnitMember, UnitMember.member_id == Unit.id)
        .where(UnitMember.group_id == group_id)
        .order_by(Unit.name, Unit.id)
    )
    return list((await session.scalars(stmt)).all())


async def tasks_of_plan(session: AsyncSession, plan_id: int) -> list[Task]:
    """The plan's tasks in plan order, each with its units (and their ``unit``) loaded."""
    stmt = (
        select(Task)
        .where(Task.plan_id == plan_id)
        .order_by(Task.position)
        .options(selectinload(Task.units).selectinload(TaskUnit.unit))
    )
    return list((await session.scalars(stmt)).all())


async def task_units(session: AsyncSession, task_id: int) -> list[TaskUnit]:
    """The units named by a task, leads before supports, in plan order, ``unit`` loaded."""
    stmt = (
        select(TaskUnit)
        .where(TaskUnit.task_id == task_id)
        .order_by(TaskUnit.role, TaskUnit.position)
        .options(selectinload(TaskUnit.unit))
    )
    return list((await session.scalars(stmt)).all())


async def count_assignments(
    session: AsyncSession,
    *,
    plan_id: int | None = None,
    states: Sequence[AssignmentState] | None = None,
) -> int:
    """How many assignments exist, optionally of one plan and in the given states."""
    stmt = select(func.count(Assignment.id))
    if plan_id is not None:
        stmt = stmt.join(Task, Assignment.task_id == Task.id).where(Task.plan_id == plan_id)
    if states is not None:
        stmt = stmt.where(Assignment.state.in_(list(states)))
    return (await session.scalar(stmt)) or 0


async def plan_by_sha256(session: AsyncSession, sha256: str) -> Plan | None:
    """The oldest plan imported from a file with this SHA-256, or ``None``."""
    stmt = select(Plan).where(Plan.source_sha256 == sha256).order_by(Plan.id).limit(1)
    return (await session.scalars(stmt)).first()


async def get_task(session: AsyncSession, task_id: int) -> Task | None:
    """The task with ``task_id``, its units (and their ``unit``) loaded, or ``None``."""
    stmt = (
        select(Task)
        .where(Task.id == task_id)
        .options(selectinload(Task.units).selectinload(TaskUnit.unit))
    )
    return (await session.scalars(stmt)).first()


async def assignments_of_plan(session: AsyncSession, plan_id: int) -> list[Assignment]:
    """Every assignment of the plan's tasks, by task, then id."""
    stmt = (
        select(Assignment)
        .join(Task, Assignment.task_id == Task.id)
        .where(Task.plan_id == plan_id)
        .order_by(Assignment.task_id, Assignment.id)
    )
    return list((await session.scalars(stmt)).all())


async def assignments_of_task(session: AsyncSession, task_id: int) -> list[Assignment]:
    """Every assignment of one task, by id."""
    stmt = select(Assignment).where(Assignment.task_id == task_id).order_by(Assignment.id)
    return list((await session.scalars(stmt)).all())


async def all_units(session: AsyncSession) -> list[Unit]:
    """Every unit, by id, with its aliases loaded."""
    stmt = select(Unit).order_by(Unit.id).options(selectinload(Unit.aliases))
    return list((await session.scalars(stmt)).all())


async def all_memberships(session: AsyncSession) -> list[tuple[int, int]]:
    """Every ``(group_id, member_id)`` pair of the directory."""
    rows = await session.execute(select(UnitMember.group_id, UnitMember.member_id))
    return [(group_id, member_id) for group_id, member_id in rows]
