"""Builders of small, valid rows for storage tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from plans.model import TimeKind
from storage.models import Assignment, Plan, Task, TaskUnit, Unit, UnitRole


async def make_unit(session: AsyncSession, name: str = "Chi bộ Thôn 1") -> Unit:
    unit = Unit(name=name, key=" ".join(sorted(name.lower().split())))
    session.add(unit)
    await session.flush()
    return unit


async def make_plan(session: AsyncSession, lead: Unit, tasks: int = 2) -> Plan:
    """A draft plan with ``tasks`` tasks, each led by ``lead`` and assigned to it for 2025."""
    plan = Plan(
        title="Kế hoạch thực hiện Nghị quyết",
        source_name="plan.txt",
        source_sha256="0" * 64,
        period_start=2025,
        period_end=2030,
    )
    for position in range(tasks):
        task = Task(
            position=position,
            ref=f"{position + 1}",
            content=f"Nhiệm vụ {position + 1}",
            when_text="Năm 2025",
            kind=TimeKind.ONCE,
            due=date(2025, 12, 31),
        )
        task.units.append(TaskUnit(unit_id=lead.id, role=UnitRole.LEAD, position=0))
        task.assignments.append(
            Assignment(unit_id=lead.id, role=UnitRole.LEAD, period_key="once", due=task.due)
        )
        plan.tasks.append(task)
    session.add(plan)
    await session.flush()
    return plan
