"""Activating a plan: expanding its tasks into assignments, one per task × lead unit × period.

Assignments go to a task's lead units only (support units stay recorded on the task);
a group lead fans out to its members. Periods come from the task's timeframe
(:func:`periods_for`). Expansion is idempotent: the unique (task, unit, period) key
decides what already exists. Functions flush and leave the commit to the caller.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from plans.directory import expand_group
from plans.errors import PlanServiceError
from plans.model import Every, TimeKind
from storage import queries
from storage.models import (
    Assignment,
    AssignmentState,
    Plan,
    PlanStatus,
    Task,
    Unit,
    UnitKind,
    UnitRole,
)
from storage.types import utcnow

# States an assignment is still being worked in; only these are moved or cancelled.
LIVE_STATES = frozenset({AssignmentState.OPEN, AssignmentState.DORMANT, AssignmentState.STANDING})
_FRIDAY = 4


@dataclass(frozen=True)
class Period:
    """One stretch of time a lead unit answers for: ``key`` is the assignment's period key."""

    key: str
    start: date | None
    due: date | None
    state: AssignmentState


@dataclass(frozen=True)
class ActivationResult:
    """What an activation did; ``by_state`` breaks ``created`` down by initial state."""

    plan_id: int
    created: int
    by_state: dict[str, int]
    tasks_without_lead: list[int]
    empty_groups: list[str]


def periods_for(task: Task, plan: Plan, today: date) -> list[Period]:
    """The periods a task is expanded into (pure: reads the task and plan, writes nothing).

    once: "once" (or one per date of ``dues``, keyed by ISO date); recurring: one per
    year, half-year, quarter, month or ISO week of the plan's years (else the task's,
    else ``today``'s year) that overlaps ``task.start``..``task.due``; continuous:
    "standing"; conditional: "trigger", dormant until triggered; unspecified: "open".

    A daily task ("báo cáo trước 15 giờ hằng ngày") is followed like a weekly one:
    one period per ISO week ("2026-W10", Monday to Sunday, due on Friday), in which
    the unit sends the week's daily reports. The week is the shortest period the
    reminder policy is built for (reminders come days before a due date, then weekly
    when overdue), and a period a day would give each of a province's thousands of
    units some 365 assignments a year, each with reminders of its own.
    """
    if task.kind == TimeKind.ONCE:
        return _once_periods(task)
    if task.kind == TimeKind.RECURRING:
        return _recurring_periods(task, _years(task, plan, today))
    if task.kind == TimeKind.CONTINUOUS:
        return [Period("standing", task.start, task.due, AssignmentState.STANDING)]
    if task.kind == TimeKind.CONDITIONAL:
        return [_trigger_period(task)]
    return [Period("open", None, None, AssignmentState.OPEN)]


def _once_periods(task: Task) -> list[Period]:
    dues = sorted(set(task.dues or []))
    if len(dues) > 1:
        return [Period(d.isoformat(), task.start, d, AssignmentState.OPEN) for d in dues]
    due = task.due or (dues[0] if dues else None)
    return [Period("once", task.start, due, AssignmentState.OPEN)]


def _trigger_period(task: Task) -> Period:
    if task.triggered_at is not None or task.trigger_due is not None:
        return Period("trigger", None, task.trigger_due, AssignmentState.OPEN)
    return Period("trigger", None, None, AssignmentState.DORMANT)


def _years(task: Task, plan: Plan, today: date) -> range:
    if plan.period_start is not None or plan.period_end is not None:
        first = plan.period_start or plan.period_end
        last = plan.period_end or plan.period_start
    elif task.start is not None or task.due is not None:
        first = (task.start or task.due or today).year
        last = (task.due or task.start or today).year
    else:
        first = last = today.year
    assert first is not None and last is not None
    return range(first, last + 1)


def _recurring_periods(task: Task, years: Iterable[int]) -> list[Period]:
    every = task.every or Every.YEAR
    periods: list[Period] = []
    for year in years:
        for key, start, end, due in _slots(every, year):
            if task.start is not None and end < task.start:
                continue
            if task.due is not None and start > task.due:
                continue
            periods.append(Period(key, start, due, AssignmentState.OPEN))
    return periods


_Slot = tuple[str, date, date, date]


def _slots(every: Every, year: int) -> list[_Slot]:
    """(key, first day, last day, due) of each period of ``every`` in ``year``; a daily
    task has weekly periods (see :func:`periods_for`)."""
    if every in (Every.DAY, Every.WEEK):
        return _week_slots(year)
    if every == Every.MONTH:
        return [_month_span(f"{year}-{m:02d}", year, m, m) for m in range(1, 13)]
    if every == Every.QUARTER:
        return [_month_span(f"{year}-Q{q}", year, 3 * q - 2, 3 * q) for q in range(1, 5)]
    if every == Every.HALF_YEAR:
        return [_month_span(f"{year}-H{h}", year, 6 * h - 5, 6 * h) for h in (1, 2)]
    return [_month_span(str(year), year, 1, 12)]


def _month_span(key: str, year: int, first_month: int, last_month: int) -> _Slot:
    last = date(year, last_month, calendar.monthrange(year, last_month)[1])
    return key, date(year, first_month, 1), last, last


def _week_slots(iso_year: int) -> list[_Slot]:
    weeks = date(iso_year, 12, 28).isocalendar().week
    slots: list[_Slot] = []
    for week in range(1, weeks + 1):
        monday = date.fromisocalendar(iso_year, week, 1)
        slots.append(
            (
                f"{iso_year}-W{week:02d}",
                monday,
                monday + timedelta(days=6),
                monday + timedelta(days=_FRIDAY),
            )
        )
    return slots


def lead_units(task: Task) -> list[Unit]:
    """The task's lead units in plan order (``task.units`` must be loaded)."""
    leads = sorted((tu for tu in task.units if tu.role == UnitRole.LEAD), key=lambda t: t.position)
    return [tu.unit for tu in leads]


class TaskExpander:
    """Brings tasks' assignments in line with their leads and periods.

    Group members are looked up once per expander; groups found empty are collected
    in :attr:`empty_groups` (they get the assignment themselves).
    """

    def __init__(self, session: AsyncSession, plan: Plan, today: date) -> None:
        self._session = session
        self._plan = plan
        self._today = today
        self._members: dict[int, list[Unit]] = {}
        self.empty_groups: dict[str, None] = {}

    async def targets(self, task: Task) -> list[Unit]:
        """The units that get the task's assignments: leads, groups fanned out."""
        units: dict[int, Unit] = {}
        for lead in lead_units(task):
            for unit in await self._fan_out(lead):
                units.setdefault(unit.id, unit)
        return list(units.values())

    async def sync(
        self, task: Task, existing: Sequence[Assignment], *, cancel_obsolete: bool
    ) -> list[Assignment]:
        """Add the task's missing assignments and return them.

        With ``cancel_obsolete``, existing live assignments also take their period's
        dates and state, cancelled ones that belong again are restored, and live ones
        that no longer belong are cancelled (never deleted: reports refer to them).
        """
        periods = periods_for(task, self._plan, self._today)
        wanted = {(u.id, p.key): p for u in await self.targets(task) for p in periods}
        have = {(a.unit_id, a.period_key): a for a in existing}
        created = [
            _new_assignment(task, unit_id, period)
            for (unit_id, _), period in wanted.items()
            if (unit_id, period.key) not in have
        ]
        self._session.add_all(created)
        if cancel_obsolete:
            _realign(have, wanted)
        await self._session.flush()
        return created

    async def _fan_out(self, lead: Unit) -> list[Unit]:
        if lead.kind != UnitKind.GROUP:
            return [lead]
        if lead.id not in self._members:
            self._members[lead.id] = await expand_group(self._session, lead)
        members = self._members[lead.id]
        if members:
            return members
        self.empty_groups.setdefault(lead.name, None)
        return [lead]


def _new_assignment(task: Task, unit_id: int, period: Period) -> Assignment:
    return Assignment(
        task_id=task.id,
        unit_id=unit_id,
        role=UnitRole.LEAD,
        period_key=period.key,
        period_start=period.start,
        due=period.due,
        state=period.state,
    )


def _realign(
    have: dict[tuple[int, str], Assignment], wanted: dict[tuple[int, str], Period]
) -> None:
    for key, assignment in have.items():
        period = wanted.get(key)
        if period is None:
            if assignment.state in LIVE_STATES:
                assignment.state = AssignmentState.CANCELLED
        elif assignment.state != AssignmentState.DONE:
            assignment.period_start = period.start
            assignment.due = period.due
            assignment.state = period.state


async def activate_plan(session: AsyncSession, plan_id: int, *, today: date) -> ActivationResult:
    """Expand a plan into assignments and mark it active (idempotent).

    Re-running adds only missing assignments (for instance for a group's new
    members). Raises ``plan_not_found`` and ``plan_archived`` (params ``plan_id``).
    """
    plan = await queries.get_plan(session, plan_id)
    if plan is None:
        raise PlanServiceError("plan_not_found", {"plan_id": plan_id})
    if plan.status == PlanStatus.ARCHIVED:
        raise PlanServiceError("plan_archived", {"plan_id": plan_id})
    existing: dict[int, list[Assignment]] = {}
    for assignment in await queries.assignments_of_plan(session, plan_id):
        existing.setdefault(assignment.task_id, []).append(assignment)
    expander = TaskExpander(session, plan, today)
    created: list[Assignment] = []
    without_lead: list[int] = []
    for task in await queries.tasks_of_plan(session, plan_id):
        if not lead_units(task):
            without_lead.append(task.id)
            continue
        created += await expander.sync(task, existing.get(task.id, []), cancel_obsolete=False)
    _mark_active(plan)
    await session.flush()
    return ActivationResult(
        plan_id=plan.id,
        created=len(created),
        by_state=dict(Counter(a.state.value for a in created)),
        tasks_without_lead=without_lead,
        empty_groups=list(expander.empty_groups),
    )


def _mark_active(plan: Plan) -> None:
    plan.status = PlanStatus.ACTIVE
    if plan.activated_at is None:
        plan.activated_at = utcnow()


async def trigger_task(session: AsyncSession, task_id: int, due: date) -> int:
    """Start a conditional task: its dormant assignments open with ``due``; returns how many.

    The trigger is kept on the task, so assignments created later start open too.
    Raises ``task_not_found``, ``not_conditional`` (params ``task_id``, ``kind``) and
    ``plan_archived`` (params ``plan_id``).
    """
    task = await queries.get_task(session, task_id)
    if task is None:
        raise PlanServiceError("task_not_found", {"task_id": task_id})
    if task.kind != TimeKind.CONDITIONAL:
        raise PlanServiceError("not_conditional", {"task_id": task_id, "kind": task.kind.value})
    plan = await queries.get_plan(session, task.plan_id)
    if plan is not None and plan.status == PlanStatus.ARCHIVED:
        raise PlanServiceError("plan_archived", {"plan_id": plan.id})
    task.triggered_at = utcnow()
    task.trigger_due = due
    opened = 0
    for assignment in await queries.assignments_of_task(session, task_id):
        if assignment.state == AssignmentState.DORMANT:
            assignment.state = AssignmentState.OPEN
            assignment.due = due
            opened += 1
    await session.flush()
    return opened
