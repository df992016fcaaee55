"""The numbers of a summary: one plan's (or every active plan's) roll-ups on a day.

:func:`plan_summary` leaves the counting to the database: one pass over the
assignments groups them by unit and period and rolls that up by unit (with the
continuous tasks' check-ins and whether the unit answered) and by period; one
query reads the problems reported, newest first and capped; one lists the dormant
tasks. The cost stays in SQL however many assignments a plan has, and the plan's
totals are the sum of its units' tallies.

What the numbers cover: assignments of the scope that are not cancelled and whose
period has begun (a five-year plan's later quarters are not yet expected). One-off
and recurring work is counted in the four statuses; continuous ("standing") work is
never overdue and is counted as check-ins instead: did it report in the period?
Conditional work waiting for its trigger (dormant) is counted apart and listed.

A unit *answered* in the period when one of those assignments carries a report
received since ``since``: ``Assignment.last_report_at``, which applying a report
sets and undoing it puts back, so an undone report does not count (nor does "remind
me later", which reports nothing).

:func:`numbers_snapshot` is what a summary stores in ``Summary.numbers``, and
:func:`last_numbers` reads the last one back, for "the change since the last summary".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from plans.errors import PlanServiceError
from plans.text import fold
from scheduling.calendar import DEFAULT_TZ
from storage.models import (
    Assignment,
    AssignmentState,
    Plan,
    Report,
    Summary,
    SummaryState,
    Task,
    Unit,
)
from summaries.model import (
    CheckinCounts,
    DormantTask,
    PeriodRollup,
    PlanSummary,
    ProblemReport,
    UnitProblems,
    UnitRollup,
)
from summaries.status import (
    TALLY_COLUMNS,
    StatusCounts,
    Tally,
    _joined,
    _plan_scope,
    begun,
    tally_groups,
    tally_sums,
)

PROBLEMS_PER_UNIT = 5
"""Problems listed per unit, newest first; the others are only counted."""

SNAPSHOT_VERSION = 1
"""Layout of :func:`numbers_snapshot`; readers accept older and newer ones."""

COUNT_FIELDS = ("done_on_time", "done_late", "in_progress", "overdue", "dormant", "not_reported")

_NAME_SEPARATOR = "\x1f"
"""Joins unit names in one aggregate; unit names never hold this control character."""

_LOOKBACK = 5
"""Latest sent summaries of a scope looked at to find one whose numbers are readable."""


async def plan_summary(
    session: AsyncSession,
    plan_id: int | None,
    *,
    today: date,
    since: date | None,
    tz: ZoneInfo = DEFAULT_TZ,
    previous: StatusCounts | None = None,
    problem_limit: int = 50,
) -> PlanSummary:
    """The summary of plan ``plan_id`` (any status), or of every active plan when None
    (then with an empty title: the reader's language names it).

    ``today`` is the local date deadlines are compared with; ``since`` (local date,
    inclusive) starts the period whose problems, silences and check-ins are reported
    — None means since the beginning. ``previous`` is carried into the summary for
    the change since then; at most ``problem_limit`` problems are listed in all.

    Raises :class:`plans.errors.PlanServiceError` ``plan_not_found`` (params ``plan_id``).
    """
    plan = None
    if plan_id is not None:
        plan = await session.get(Plan, plan_id)
        if plan is None:
            raise PlanServiceError("plan_not_found", {"plan_id": plan_id})
    scope = [*_plan_scope(plan_id), begun(today)]
    since_at = _start_of(since, tz)
    units, periods = await _rollups(session, scope, today=today, tz=tz, since_at=since_at)
    by_name = {unit: (fold(unit.name), unit.name) for unit in units}
    return PlanSummary(
        plan_id=plan_id,
        title=plan.title if plan is not None else "",
        number=plan.number if plan is not None else None,
        issuer=plan.issuer if plan is not None else None,
        as_of=today,
        since=since,
        counts=Tally.total(unit.tally for unit in units).counts(),
        checkins=CheckinCounts(
            expected=sum(unit.checkins.expected for unit in units),
            reported=sum(unit.checkins.reported for unit in units),
        ),
        units=[
            unit.rollup()
            for unit in sorted(units, key=lambda unit: (-unit.tally.overdue, *by_name[unit]))
        ],
        periods=periods,
        problems=await _problems(session, scope, since_at, problem_limit),
        silent_units=[unit.name for unit in sorted(units, key=by_name.__getitem__) if unit.silent],
        dormant=await _dormant(session, scope),
        previous=previous,
    )


def numbers_snapshot(summary: PlanSummary) -> dict[str, Any]:
    """The numbers a summary showed, JSON-ready, to store in ``Summary.numbers``: the
    status counts under ``counts``, beside the scope, the day and the check-ins."""
    counts = summary.counts
    return {
        "version": SNAPSHOT_VERSION,
        "plan_id": summary.plan_id,
        "as_of": summary.as_of.isoformat(),
        "since": summary.since.isoformat() if summary.since is not None else None,
        "counts": {
            **{name: getattr(counts, name) for name in COUNT_FIELDS},
            "average_percent": counts.average_percent,
        },
        "percent_done": counts.percent_done,
        "checkins": {
            "expected": summary.checkins.expected,
            "reported": summary.checkins.reported,
        },
        "silent_units": len(summary.silent_units),
        "dormant_tasks": len(summary.dormant),
    }


def counts_from_snapshot(data: object) -> StatusCounts | None:
    """The status counts of a stored snapshot; None when it holds none.

    Reads the counts under ``counts`` (as :func:`numbers_snapshot` writes them) or at
    the top level; a missing or unreadable count is 0, a missing or unreadable average
    None.
    """
    if not isinstance(data, Mapping):
        return None
    nested = data.get("counts")
    source: Mapping[str, Any] = nested if isinstance(nested, Mapping) else data
    if not any(name in source for name in COUNT_FIELDS):
        return None
    average = source.get("average_percent")
    return StatusCounts(
        **{name: _whole(source.get(name)) for name in COUNT_FIELDS},
        average_percent=float(average)
        if isinstance(average, int | float) and not isinstance(average, bool)
        else None,
    )


async def last_numbers(session: AsyncSession, plan_id: int | None) -> StatusCounts | None:
    """The counts of the latest summary of this scope (a plan, or every active plan when
    None) that was given to a reader: weekly or on demand, in state SENT."""
    scope = Summary.plan_id.is_(None) if plan_id is None else Summary.plan_id == plan_id
    found = await session.scalars(
        select(Summary.numbers)
        .where(scope, Summary.state == SummaryState.SENT, Summary.numbers.is_not(None))
        .order_by(Summary.sent_at.is_(None), Summary.sent_at.desc(), Summary.id.desc())
        .limit(_LOOKBACK)
    )
    for numbers in found:
        # A plan deleted later leaves its summaries with no plan: the snapshot still
        # names it, and such numbers are not those of every active plan.
        if isinstance(numbers, Mapping) and numbers.get("plan_id", plan_id) != plan_id:
            continue
        counts = counts_from_snapshot(numbers)
        if counts is not None:
            return counts
    return None


# --------------------------------------------------------------------------- roll-ups


def _start_of(day: date | None, tz: ZoneInfo) -> datetime | None:
    """The UTC moment the local ``day`` begins."""
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def _reported_since(since_at: datetime | None) -> ColumnElement[bool]:
    if since_at is None:
        return Assignment.last_report_at.is_not(None)
    return Assignment.last_report_at >= since_at


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value)


@dataclass(eq=False)
class _Unit:
    """One unit's numbers, as :func:`_rollups` adds them up."""

    unit_id: int
    name: str
    tally: Tally = field(default_factory=Tally)
    """Its one-off and recurring work."""
    checkins: CheckinCounts = field(default_factory=CheckinCounts)
    live: int = 0
    """Its open or standing assignments."""
    answered: int = 0
    """Its assignments with a report in the period."""

    @property
    def silent(self) -> bool:
        return self.live > 0 and self.answered == 0

    def rollup(self) -> UnitRollup:
        return UnitRollup(self.unit_id, self.name, self.tally.counts(), self.checkins)


async def _rollups(
    session: AsyncSession,
    scope: Sequence[ColumnElement[bool]],
    *,
    today: date,
    tz: ZoneInfo,
    since_at: datetime | None,
) -> tuple[list[_Unit], list[PeriodRollup]]:
    """The roll-ups by unit and by period, from one pass over the assignments: they
    are tallied by unit, period and state; those groups, few beside the assignments,
    are then summed up by unit (named; continuous work apart) and by period."""
    answered = func.count().filter(_reported_since(since_at)).label("answered")
    keys = (Assignment.unit_id.label("unit_id"), Assignment.period_key.label("period_key"))
    grouped = tally_groups(session, keys, scope, today=today, tz=tz, extra=[answered]).cte(
        "grouped"
    )
    standing = grouped.c.state == AssignmentState.STANDING
    sums = [*tally_sums(grouped), func.sum(grouped.c.answered).label("answered")]
    tally_end = 4 + len(TALLY_COLUMNS)
    by_unit = (
        select(grouped.c.unit_id, Unit.name, cast(null(), String), standing, *sums)
        .join(Unit, Unit.id == grouped.c.unit_id)
        .group_by(grouped.c.unit_id, Unit.name, standing)
    )
    by_period = (
        select(cast(null(), Integer), cast(null(), String), grouped.c.period_key)
        .add_columns(literal(False), *sums)
        .where(grouped.c.state != AssignmentState.STANDING)
        .group_by(grouped.c.period_key)
    )
    units: dict[int, _Unit] = {}
    periods: list[PeriodRollup] = []
    for row in (await session.execute(union_all(by_unit, by_period))).all():
        unit_id, name, period_key, is_standing = row[:4]
        tally = Tally.read(row[4:tally_end])
        answered_count = int(row[tally_end] or 0)
        if unit_id is None:
            periods.append(PeriodRollup(period_key, tally.counts()))
            continue
        unit = units.get(unit_id)
        if unit is None:
            unit = units[unit_id] = _Unit(unit_id, name)
        unit.live += tally.live
        unit.answered += answered_count
        if is_standing:
            unit.checkins = CheckinCounts(expected=tally.number, reported=answered_count)
        else:
            unit.tally = tally
    periods.sort(key=lambda rollup: _period_order(rollup.period_key))
    return list(units.values()), periods


def _period_order(key: str) -> tuple[int, str]:
    """Dated periods (``2026``, ``2026-Q1``, ``2026-03-31``) by date, then the others
    (``once``, ``open``, ``trigger``) by name. ``2026`` comes after its parts."""
    if key[:4].isdigit():
        return 0, key[:4] + (key[4:] or "~")
    return 1, key


async def _problems(
    session: AsyncSession,
    scope: Sequence[ColumnElement[bool]],
    since_at: datetime | None,
    limit: int,
) -> list[UnitProblems]:
    """Problems reported in the period by unit — the unit with the newest first, each
    unit's newest first — at most :data:`PROBLEMS_PER_UNIT` a unit, ``limit`` in all."""
    by_unit = Assignment.unit_id
    newest_first = (Report.received_at.desc(), Report.id.desc())
    # The report's own conditions first, matching the index of the standing reports
    # that raised a problem: few do.
    conditions: list[ColumnElement[bool]] = [Report.problem.is_not(None)]
    if since_at is not None:
        conditions.append(Report.received_at >= since_at)
    conditions += [Report.undone_at.is_(None), *scope]
    ranked = (
        select(
            Assignment.unit_id.label("unit_id"),
            Assignment.task_id.label("task_id"),
            Report.id.label("report_id"),
            Report.assignment_id.label("assignment_id"),
            Report.received_at.label("received_at"),
            # One window for all three, so the rows are sorted once.
            func.row_number().over(partition_by=by_unit, order_by=newest_first).label("rank"),
            func.count()
            .over(partition_by=by_unit, order_by=newest_first, rows=(None, None))
            .label("reported"),
            func.first_value(Report.received_at)
            .over(partition_by=by_unit, order_by=newest_first)
            .label("newest"),
        )
        .select_from(Report)
        .join(Assignment, Assignment.id == Report.assignment_id)
        # "+ 0" hides the index from a task to its assignments, so that SQLite starts
        # from the reports, not from every assignment of the plan.
        .join(Task, Task.id == Assignment.task_id + 0)
        .join(Plan, Plan.id == Task.plan_id)
        .where(*conditions)
        .subquery()
    )
    order = (ranked.c.newest.desc(), ranked.c.unit_id, ranked.c.rank)
    listed = select(ranked).where(ranked.c.rank <= PROBLEMS_PER_UNIT).order_by(*order).limit(limit)
    shown = listed.subquery()
    # Problems, names and task texts only for the problems listed.
    query = (
        select(
            shown,
            Report.problem.label("problem"),
            Unit.name.label("unit_name"),
            Task.content.label("content"),
        )
        .join(Report, Report.id == shown.c.report_id)
        .join(Unit, Unit.id == shown.c.unit_id)
        .join(Task, Task.id == shown.c.task_id)
        .order_by(shown.c.newest.desc(), shown.c.unit_id, shown.c.rank)
    )
    rows: dict[int, list[Any]] = {}
    for row in (await session.execute(query)).all():
        rows.setdefault(row.unit_id, []).append(row)
    return [
        UnitProblems(
            unit_id,
            found[0].unit_name,
            [ProblemReport(r.assignment_id, r.content, r.problem, r.received_at) for r in found],
            more=found[0].reported - len(found),
        )
        for unit_id, found in rows.items()
    ]


async def _dormant(
    session: AsyncSession, scope: Sequence[ColumnElement[bool]]
) -> list[DormantTask]:
    """Conditional tasks still waiting for their trigger, in plan order, with the units
    that will get them."""
    names = func.aggregate_strings(Unit.name, _NAME_SEPARATOR)
    query = (
        _joined(select(Task.id, Task.content, Task.when_text, names))
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(*scope, Assignment.state == AssignmentState.DORMANT)
        .group_by(Task.id, Task.content, Task.when_text, Task.plan_id, Task.position)
        .order_by(Task.plan_id, Task.position)
    )
    folded: dict[str, str] = {}

    def by_name(name: str) -> str:
        # The same units wait for many tasks: fold each name once.
        if name not in folded:
            folded[name] = fold(name)
        return folded[name]

    return [
        DormantTask(
            task_id,
            content,
            when_text,
            sorted(set((joined or "").split(_NAME_SEPARATOR)) - {""}, key=by_name),
        )
        for task_id, content, when_text, joined in (await session.execute(query)).all()
    ]
