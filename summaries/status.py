"""Status numbers of assignments, counted by the database.

Vietnamese task follow-up sorts work into four statuses: done on time, done late,
in progress and overdue. Beside them this module counts the conditional
assignments still waiting for their trigger (dormant) and the live ones nobody has
reported on yet. Everything is computed with SQL aggregates, so the cost does not
grow with Python work per assignment.

A DONE assignment counts as on time when the local date (``tz``) of its ``done_at``
is on or before its due date, or when it has no due date. A live assignment (open
or standing) is overdue once its due date is before ``today``; an open-ended one is
always in progress. Cancelled assignments are left out of every number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time
from enum import StrEnum
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    Select,
    SQLColumnExpression,
    and_,
    case,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement, Label
from sqlalchemy.sql.selectable import NamedFromClause

from plans.errors import PlanServiceError
from scheduling.calendar import DEFAULT_TZ
from storage.models import Assignment, AssignmentState, Plan, PlanStatus, Task, Unit

AnySelect = Select[*tuple[Any, ...]]
SelectT = TypeVar("SelectT", bound=AnySelect)

LIVE_STATES = (AssignmentState.OPEN, AssignmentState.STANDING)
"""States of assignments someone is expected to work on and report about."""


class TaskStatus(StrEnum):
    """Where one assignment stands, as the follow-up reports name it."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    DORMANT = "dormant"


# The order a unit's tasks are listed in: what needs action first.
STATUS_ORDER: tuple[TaskStatus, ...] = (
    TaskStatus.OVERDUE,
    TaskStatus.IN_PROGRESS,
    TaskStatus.DORMANT,
    TaskStatus.DONE_LATE,
    TaskStatus.DONE_ON_TIME,
)


@dataclass(frozen=True)
class StatusCounts:
    """How many assignments are in each status, and how far the live ones got."""

    done_on_time: int = 0
    done_late: int = 0
    in_progress: int = 0
    overdue: int = 0
    dormant: int = 0
    not_reported: int = 0
    """Live (open or standing) assignments without any report yet."""
    average_percent: float | None = None
    """Mean progress of the live assignments, an unreported one counting as 0%."""

    @property
    def done(self) -> int:
        """Assignments done, on time or late."""
        return self.done_on_time + self.done_late

    @property
    def expected(self) -> int:
        """Assignments expected to be done: all but the dormant (and the cancelled)."""
        return self.done + self.in_progress + self.overdue

    @property
    def total(self) -> int:
        """Every assignment counted, dormant ones included."""
        return self.expected + self.dormant

    @property
    def percent_done(self) -> float | None:
        """Share of expected assignments done, in percent; None when none is expected."""
        if not self.expected:
            return None
        return 100.0 * self.done / self.expected


@dataclass(frozen=True)
class Tally:
    """The sums behind :class:`StatusCounts`, as :func:`tally_sums` reads them.
    Tallies of disjoint sets of assignments add up exactly (:meth:`total`), so a total
    comes from its groups' tallies rather than from another pass over the assignments."""

    number: int = 0
    """Assignments counted, whatever their status."""
    done: int = 0
    on_time: int = 0
    """Of the done ones, those done on time."""
    dormant: int = 0
    overdue: int = 0
    not_reported: int = 0
    live: int = 0
    """Open or standing assignments: those the average progress is taken over."""
    percent_sum: int = 0
    """Their percents added up, an unreported one counting as 0."""

    @classmethod
    def total(cls, tallies: Iterable[Tally]) -> Tally:
        """The tally of all of ``tallies`` together."""
        columns = zip(*(_tally_values(tally) for tally in tallies), strict=True)
        return cls(*(sum(column) for column in columns))

    @classmethod
    def read(cls, values: Sequence[Any]) -> Tally:
        """The tally in the columns of :func:`tally_sums`, in their order (a sum over
        no rows is NULL: 0)."""
        return cls(*[int(value or 0) for value in values])

    def counts(self) -> StatusCounts:
        """The status counts these sums make."""
        return StatusCounts(
            done_on_time=self.on_time,
            done_late=self.done - self.on_time,
            in_progress=self.number - self.done - self.dormant - self.overdue,
            overdue=self.overdue,
            dormant=self.dormant,
            not_reported=self.not_reported,
            average_percent=self.percent_sum / self.live if self.live else None,
        )


TALLY_COLUMNS = tuple(f.name for f in fields(Tally))
"""The labels of :func:`tally_sums`, in the order of :class:`Tally`'s fields."""

_tally_values = attrgetter(*TALLY_COLUMNS)


class OverdueTask(NamedTuple):
    """One overdue assignment: its id, the task's text and the missed due date."""

    assignment_id: int
    content: str
    due: date


@dataclass(frozen=True)
class UnitOverdue:
    """A unit's overdue assignments, oldest due date first."""

    unit_id: int
    unit_name: str
    count: int
    oldest_due: date
    tasks: list[OverdueTask] = field(default_factory=list)


@dataclass(frozen=True)
class UnitTask:
    """One assignment of a unit, with its status and the unit's last report on it."""

    assignment_id: int
    task_id: int
    plan_id: int
    content: str
    when_text: str
    period_key: str
    due: date | None
    status: TaskStatus
    percent: int | None
    problem: str | None
    last_report_at: datetime | None


@dataclass(frozen=True)
class UnitStatus:
    """One unit's numbers and its assignments in active plans, most urgent first."""

    unit_id: int
    unit_name: str
    counts: StatusCounts
    tasks: list[UnitTask]


async def plan_status(
    session: AsyncSession, plan_id: int | None, *, today: date, tz: ZoneInfo = DEFAULT_TZ
) -> StatusCounts:
    """Status counts over one plan's assignments, or over every active plan's when
    ``plan_id`` is None. ``today`` is the local date deadlines are compared with."""
    return await _counts(session, _plan_scope(plan_id), today=today, tz=tz)


async def overdue_by_unit(
    session: AsyncSession,
    plan_id: int | None,
    *,
    today: date,
    limit: int | None = None,
    with_tasks: bool = True,
    tz: ZoneInfo = DEFAULT_TZ,
) -> list[UnitOverdue]:
    """Units with overdue assignments (of one plan, or of every active plan), the unit
    with most first, then the one late for longest; ``limit`` keeps the first units.
    ``with_tasks=False`` leaves each unit's task list empty (only the numbers)."""
    del tz  # deadlines are local dates already; kept for a uniform signature
    where = [*_plan_scope(plan_id), *_overdue(today)]
    count = func.count(Assignment.id)
    oldest = func.min(Assignment.due)
    query = (
        _joined(select(Unit.id, Unit.name, count, oldest))
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(*where)
        .group_by(Unit.id, Unit.name)
        .order_by(count.desc(), oldest, Unit.name)
        .limit(limit)
    )
    units = [
        UnitOverdue(unit_id, name, number, first)
        for unit_id, name, number, first in (await session.execute(query)).all()
        if first is not None  # always: the query keeps assignments with a due date
    ]
    if with_tasks and units:
        await _fill_overdue_tasks(session, units, where)
    return units


async def unit_status(
    session: AsyncSession, unit_id: int, *, today: date, tz: ZoneInfo = DEFAULT_TZ
) -> UnitStatus:
    """One unit's numbers and assignments in active plans (cancelled ones left out).

    Raises :class:`plans.errors.PlanServiceError` ``unit_not_found`` (params ``unit_id``).
    """
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise PlanServiceError("unit_not_found", {"unit_id": unit_id})
    where = [*_plan_scope(None), Assignment.unit_id == unit_id]
    counts = await _counts(session, where, today=today, tz=tz)
    rows = _rows(session, where, today, tz).subquery()
    rank = case(
        *((rows.c.status == status.value, index) for index, status in enumerate(STATUS_ORDER)),
        else_=len(STATUS_ORDER),
    )
    query = select(rows).order_by(rank, rows.c.due.is_(None), rows.c.due, rows.c.id)
    tasks = [_unit_task(row._mapping) for row in (await session.execute(query)).all()]
    return UnitStatus(unit.id, unit.name, counts, tasks)


# --------------------------------------------------------------------------- queries


def _joined(query: SelectT, *, by_unit: bool = False) -> SelectT:
    """``query`` over assignments with their task and plan. ``by_unit`` reads the
    assignments in unit order instead of task by task."""
    # "+ 0" hides the index from a task to its assignments, so that SQLite reads them
    # from the roll-up index, already in the order of a grouping by unit.
    task_id = Assignment.task_id + 0 if by_unit else Assignment.task_id
    return (
        query.select_from(Assignment)
        .join(Task, Task.id == task_id)
        .join(Plan, Plan.id == Task.plan_id)
    )


def _plan_scope(plan_id: int | None) -> list[ColumnElement[bool]]:
    scope: ColumnElement[bool] = (
        Plan.status == PlanStatus.ACTIVE if plan_id is None else Task.plan_id == plan_id
    )
    return [scope, Assignment.state != AssignmentState.CANCELLED]


def begun(today: date) -> ColumnElement[bool]:
    """Assignments whose period has begun by ``today`` (or that have no period start):
    a yearly task's later years are not yet expected of anyone."""
    return or_(Assignment.period_start.is_(None), Assignment.period_start <= today)


def _past_due(today: date) -> list[ColumnElement[bool]]:
    return [Assignment.due.is_not(None), Assignment.due < today]


def _overdue(today: date) -> list[ColumnElement[bool]]:
    return [Assignment.state.in_(LIVE_STATES), *_past_due(today)]


def local_date(
    column: SQLColumnExpression[datetime | None], tz: ZoneInfo, dialect: str, on: date
) -> Any:
    """SQL for the local date (in ``tz``) of a UTC timestamp column.

    PostgreSQL converts with the zone's rules; SQLite, which has no time zones, adds
    the zone's offset on ``on`` (exact for zones without daylight saving, such as
    Asia/Ho_Chi_Minh). On SQLite both dates compare as ISO text, as ``Date`` stores them.
    """
    if dialect == "postgresql":
        return cast(func.timezone(tz.key, func.timezone("UTC", column)), Date)
    offset = tz.utcoffset(datetime.combine(on, time(12)))
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return func.date(column, f"{minutes:+d} minutes")


def _on_time(done_day: Any) -> ColumnElement[bool]:
    """A done assignment was done on time: on or before its due date (local), or it
    has none."""
    return or_(Assignment.due.is_(None), Assignment.done_at.is_(None), done_day <= Assignment.due)


def _status(today: date, done_day: Any) -> ColumnElement[str]:
    done = Assignment.state == AssignmentState.DONE
    return case(
        (and_(done, _on_time(done_day)), TaskStatus.DONE_ON_TIME.value),
        (done, TaskStatus.DONE_LATE.value),
        (Assignment.state == AssignmentState.DORMANT, TaskStatus.DORMANT.value),
        (and_(*_overdue(today)), TaskStatus.OVERDUE.value),
        else_=TaskStatus.IN_PROGRESS.value,
    )


def _rows(
    session: AsyncSession, where: Sequence[ColumnElement[bool]], today: date, tz: ZoneInfo
) -> AnySelect:
    """One row per assignment in scope, with its status computed by the database."""
    dialect = session.get_bind().dialect.name
    done_day = local_date(Assignment.done_at, tz, dialect, today)
    query = select(
        Assignment.id,
        Assignment.task_id,
        Task.plan_id,
        Task.content,
        Task.when_text,
        Assignment.period_key,
        Assignment.due,
        Assignment.state,
        Assignment.percent,
        Assignment.problem,
        Assignment.last_report_at,
        _status(today, done_day).label("status"),
    )
    return _joined(query).where(*where)


def tally_groups(
    session: AsyncSession,
    keys: Sequence[ColumnElement[Any]],
    where: Sequence[ColumnElement[bool]],
    *,
    today: date,
    tz: ZoneInfo,
    extra: Sequence[ColumnElement[Any]] = (),
) -> AnySelect:
    """The assignments matching ``where`` grouped by ``keys`` and state, with what
    :func:`tally_sums` needs of each group (and the ``extra`` aggregate columns).
    ``keys``, when there are any, begin with the unit: the assignments are then read
    in unit order.

    Grouping by state first keeps the work done for each assignment small; the
    groups, few beside the assignments, are then summed up by status."""
    dialect = session.get_bind().dialect.name
    on_time = _on_time(local_date(Assignment.done_at, tz, dialect, today))
    return (
        _joined(
            select(
                *keys,
                Assignment.state.label("state"),
                func.count().label("number"),
                # count(*) FILTER (WHERE ...): cheaper per row than summing a CASE.
                func.count().filter(on_time).label("on_time"),
                func.count().filter(and_(*_past_due(today))).label("past_due"),
                func.count().filter(Assignment.last_report_at.is_(None)).label("not_reported"),
                func.sum(Assignment.percent).label("percent_sum"),
                *extra,
            ),
            by_unit=bool(keys),
        )
        .where(*where)
        .group_by(*keys, Assignment.state)
    )


def tally_sums(groups: NamedFromClause) -> list[Label[int]]:
    """Aggregate columns over :func:`tally_groups` that make a :class:`Tally`,
    labelled :data:`TALLY_COLUMNS`."""
    c = groups.c
    done = c.state == AssignmentState.DONE
    live = c.state.in_(LIVE_STATES)

    def total(condition: ColumnElement[bool], column: ColumnElement[Any]) -> Any:
        return func.sum(case((condition, column), else_=0))

    columns = {
        "number": func.sum(c.number),
        "done": total(done, c.number),
        "on_time": total(done, c.on_time),
        "dormant": total(c.state == AssignmentState.DORMANT, c.number),
        "overdue": total(live, c.past_due),
        "not_reported": total(live, c.not_reported),
        "live": total(live, c.number),
        "percent_sum": total(live, c.percent_sum),
    }
    return [columns[name].label(name) for name in TALLY_COLUMNS]


async def _counts(
    session: AsyncSession, where: Sequence[ColumnElement[bool]], *, today: date, tz: ZoneInfo
) -> StatusCounts:
    groups = tally_groups(session, (), where, today=today, tz=tz).subquery()
    found = (await session.execute(select(*tally_sums(groups)))).one()
    return Tally.read(found).counts()


async def _fill_overdue_tasks(
    session: AsyncSession, units: list[UnitOverdue], where: Sequence[ColumnElement[bool]]
) -> None:
    by_unit = {unit.unit_id: unit for unit in units}
    query = (
        _joined(select(Assignment.unit_id, Assignment.id, Task.content, Assignment.due))
        .where(*where, Assignment.unit_id.in_(list(by_unit)))
        .order_by(Assignment.due, Assignment.id)
    )
    for unit_id, assignment_id, content, due in (await session.execute(query)).all():
        if due is not None:  # always: the query keeps assignments with a due date
            by_unit[unit_id].tasks.append(OverdueTask(assignment_id, content, due))


def _unit_task(row: Any) -> UnitTask:
    return UnitTask(
        assignment_id=row["id"],
        task_id=row["task_id"],
        plan_id=row["plan_id"],
        content=row["content"],
        when_text=row["when_text"],
        period_key=row["period_key"],
        due=row["due"],
        status=TaskStatus(row["status"]),
        percent=row["percent"],
        problem=row["problem"],
        last_report_at=row["last_report_at"],
    )
