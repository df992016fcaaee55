"""Reviewing a plan: reading it back task by task and correcting what extraction got wrong.

Corrections work on drafts and on active plans alike; on an active plan the edited
task's assignments follow at once (missing ones added, obsolete live ones cancelled).
Functions flush and leave the commit to the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from plans.activation import TaskExpander
from plans.directory import resolve_units
from plans.errors import PlanServiceError
from plans.importing import task_flags
from plans.model import Timeframe, TimeKind
from plans.timeframes import parse_timeframe
from plans.units import split_units
from storage import queries
from storage.models import (
    Assignment,
    AssignmentState,
    Plan,
    PlanStatus,
    ReviewFlag,
    Task,
    TaskUnit,
    UnitRole,
)

_OWN_FLAGS = frozenset(flag.value for flag in ReviewFlag)


@dataclass(frozen=True)
class TaskView:
    """A task as the office reviews it; ``assignments`` counts those not cancelled."""

    id: int
    position: int
    ref: str
    content: str
    lead: list[str]
    support: list[str]
    when_text: str
    kind: str
    due: date | None
    every: str | None
    target: str | None
    flags: list[str]
    assignments: int


@dataclass(frozen=True)
class PlanView:
    """A plan and its tasks in plan order."""

    plan: Plan
    tasks: list[TaskView]


async def plan_view(session: AsyncSession, plan_id: int) -> PlanView:
    """The plan with every task, its units, time, flags and assignment count.

    Raises ``plan_not_found`` (params ``plan_id``).
    """
    plan = await queries.get_plan(session, plan_id)
    if plan is None:
        raise PlanServiceError("plan_not_found", {"plan_id": plan_id})
    assignments = await queries.assignments_of_plan(session, plan_id)
    tasks = await queries.tasks_of_plan(session, plan_id)
    return PlanView(plan=plan, tasks=[task_view(t, _live(assignments, t.id)) for t in tasks])


async def edit_task(
    session: AsyncSession,
    task_id: int,
    *,
    lead: Sequence[str] | None = None,
    support: Sequence[str] | None = None,
    when: str | None = None,
    target: str | None = None,
    today: date | None = None,
) -> TaskView:
    """Correct a task's units, time or target; arguments left ``None`` stay as they are.

    ``lead``/``support`` replace that role's units (a string holding a list is split;
    unknown names become units flagged for review). ``when`` is re-read as a time
    expression; an empty ``target`` clears it. Review flags are recomputed, and on an
    active plan the task's assignments are brought in line (``today`` defaults to the
    system date). Raises ``task_not_found`` (params ``task_id``), ``plan_archived``
    (params ``plan_id``) and ``time_unreadable`` (params ``text``), all before anything
    changes.
    """
    task = await queries.get_task(session, task_id)
    if task is None:
        raise PlanServiceError("task_not_found", {"task_id": task_id})
    plan = await _open_plan(session, task.plan_id)
    timeframe = None if when is None else _read_when(when)
    if lead is not None:
        await _replace_units(session, task, UnitRole.LEAD, lead)
    if support is not None:
        await _replace_units(session, task, UnitRole.SUPPORT, support)
    if timeframe is not None:
        _apply_timeframe(task, timeframe)
    if target is not None:
        task.target = target.strip() or None
    task.review_flags = recomputed_flags(task)
    await session.flush()
    assignments = await queries.assignments_of_task(session, task.id)
    if plan.status == PlanStatus.ACTIVE:
        expander = TaskExpander(session, plan, today or date.today())
        assignments += await expander.sync(task, assignments, cancel_obsolete=True)
    return task_view(task, _live(assignments, task.id))


def task_view(task: Task, assignments: int) -> TaskView:
    """A :class:`TaskView` of ``task`` (its units and their ``unit`` loaded)."""
    units = sorted(task.units, key=lambda tu: (tu.role.value, tu.position))
    return TaskView(
        id=task.id,
        position=task.position,
        ref=task.ref,
        content=task.content,
        lead=[tu.unit.name for tu in units if tu.role == UnitRole.LEAD],
        support=[tu.unit.name for tu in units if tu.role == UnitRole.SUPPORT],
        when_text=task.when_text,
        kind=task.kind.value,
        due=task.due,
        every=task.every.value if task.every else None,
        target=task.target,
        flags=list(task.review_flags),
        assignments=assignments,
    )


def recomputed_flags(task: Task) -> list[str]:
    """The task's review flags from its current units and time; other modules' flags stay.

    ``unknown_unit`` holds while any of its units still awaits review in the directory.
    """
    units = [tu.unit for tu in task.units]
    own = task_flags(
        task.kind,
        has_lead=any(tu.role == UnitRole.LEAD for tu in task.units),
        has_unknown_unit=any(u.needs_review for u in units),
    )
    return own + [f for f in task.review_flags or [] if f not in _OWN_FLAGS]


def _read_when(text: str) -> Timeframe:
    timeframe = parse_timeframe(text)
    if timeframe.kind == TimeKind.UNSPECIFIED and text.strip():
        raise PlanServiceError("time_unreadable", {"text": text})
    return timeframe


def _apply_timeframe(task: Task, timeframe: Timeframe) -> None:
    task.when_text = timeframe.text
    task.kind = timeframe.kind
    task.due = timeframe.due
    task.start = timeframe.start
    task.every = timeframe.every
    task.dues = list(timeframe.dues)
    if timeframe.kind != TimeKind.CONDITIONAL:
        task.triggered_at = None
        task.trigger_due = None


async def _replace_units(
    session: AsyncSession, task: Task, role: UnitRole, names: Iterable[str]
) -> None:
    split = [unit for name in names for unit in split_units(name)]
    units, _ = await resolve_units(session, split)
    current = {tu.unit_id: tu for tu in task.units if tu.role == role}
    keep = {unit.id for unit in units}
    for row in [tu for unit_id, tu in current.items() if unit_id not in keep]:
        task.units.remove(row)
    for position, unit in enumerate(units):
        if unit.id in current:
            current[unit.id].position = position
        else:
            task.units.append(TaskUnit(unit_id=unit.id, unit=unit, role=role, position=position))


async def _open_plan(session: AsyncSession, plan_id: int) -> Plan:
    plan = await queries.get_plan(session, plan_id)
    if plan is None:
        raise PlanServiceError("plan_not_found", {"plan_id": plan_id})
    if plan.status == PlanStatus.ARCHIVED:
        raise PlanServiceError("plan_archived", {"plan_id": plan_id})
    return plan


def _live(assignments: Iterable[Assignment], task_id: int) -> int:
    return sum(
        1 for a in assignments if a.task_id == task_id and a.state != AssignmentState.CANCELLED
    )
