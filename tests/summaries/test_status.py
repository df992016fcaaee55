"""Status numbers over a scripted set of assignments, with exact expected counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from plans.errors import PlanServiceError
from plans.model import TimeKind
from storage.models import (
    Assignment,
    AssignmentState,
    Plan,
    PlanStatus,
    Task,
    Unit,
    UnitRole,
)
from summaries.status import (
    OverdueTask,
    StatusCounts,
    TaskStatus,
    overdue_by_unit,
    plan_status,
    unit_status,
)

TODAY = date(2026, 6, 15)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

OPEN = AssignmentState.OPEN
DONE = AssignmentState.DONE
STANDING = AssignmentState.STANDING
DORMANT = AssignmentState.DORMANT
CANCELLED = AssignmentState.CANCELLED


@dataclass
class World:
    plan: Plan
    draft: Plan
    a: Unit
    b: Unit
    c: Unit
    ids: dict[str, int]


def _plan(title: str, status: PlanStatus) -> Plan:
    return Plan(title=title, source_name=f"{title}.txt", source_sha256="0" * 64, status=status)


def _add(
    plan: Plan,
    unit: Unit,
    content: str,
    *,
    state: AssignmentState = OPEN,
    due: date | None = None,
    done_at: datetime | None = None,
    reported: bool = False,
    percent: int | None = None,
    problem: str | None = None,
) -> Assignment:
    task = Task(position=len(plan.tasks), content=content, kind=TimeKind.ONCE, due=due)
    assignment = Assignment(
        unit_id=unit.id,
        role=UnitRole.LEAD,
        period_key="once",
        due=due,
        state=state,
        done_at=done_at,
        percent=percent,
        problem=problem,
        last_report_at=datetime(2026, 6, 1, 3, 0, tzinfo=UTC) if reported else None,
    )
    task.assignments.append(assignment)
    plan.tasks.append(task)
    return assignment


async def _world(session: AsyncSession) -> World:
    units = [Unit(name=name, key=name.lower()) for name in ("Chi bộ A", "Chi bộ B", "Chi bộ C")]
    session.add_all(units)
    await session.flush()
    a, b, c = units
    plan = _plan("Kế hoạch đang thực hiện", PlanStatus.ACTIVE)
    draft = _plan("Kế hoạch nháp", PlanStatus.DRAFT)
    due = date(2026, 6, 10)
    rows = {
        # 23:59 in Hà Nội on the due date: on time, though it is 16:59 UTC.
        "on_time_edge": _add(
            plan,
            a,
            "Hoàn thành sát giờ",
            state=DONE,
            due=due,
            done_at=datetime(2026, 6, 10, 16, 59, tzinfo=UTC),
            reported=True,
        ),
        # 00:00 in Hà Nội the day after: late, though the UTC date is still the due date.
        "late_edge": _add(
            plan,
            a,
            "Hoàn thành trễ một phút",
            state=DONE,
            due=due,
            done_at=datetime(2026, 6, 10, 17, 0, tzinfo=UTC),
            reported=True,
        ),
        "done_no_due": _add(
            plan,
            c,
            "Việc không thời hạn đã xong",
            state=DONE,
            done_at=datetime(2026, 3, 1, 2, 0, tzinfo=UTC),
            reported=True,
        ),
        "due_today": _add(plan, a, "Hạn đúng hôm nay", due=TODAY),
        "no_due": _add(plan, c, "Việc chưa rõ thời hạn"),
        "standing": _add(plan, c, "Việc thường xuyên", state=STANDING, reported=True, percent=40),
        "overdue_a": _add(plan, a, "Quá hạn một ngày", due=date(2026, 6, 14)),
        "overdue_b_old": _add(plan, b, "Quá hạn lâu nhất", due=date(2026, 5, 1)),
        "overdue_b": _add(
            plan,
            b,
            "Quá hạn có vướng mắc",
            due=date(2026, 6, 1),
            reported=True,
            percent=50,
            problem="vướng kinh phí",
        ),
        "dormant": _add(plan, b, "Khi có hướng dẫn", state=DORMANT),
        "cancelled": _add(plan, b, "Việc đã hủy", state=CANCELLED, due=date(2026, 1, 1)),
        "draft_overdue": _add(draft, a, "Việc của bản nháp", due=date(2026, 1, 1)),
    }
    session.add_all([plan, draft])
    await session.flush()
    return World(plan, draft, a, b, c, {key: row.id for key, row in rows.items()})


async def test_counts_over_active_plans(session: AsyncSession) -> None:
    await _world(session)

    counts = await plan_status(session, None, today=TODAY, tz=HANOI)

    assert counts == StatusCounts(
        done_on_time=2,
        done_late=1,
        in_progress=3,
        overdue=3,
        dormant=1,
        not_reported=4,
        average_percent=15.0,
    )
    assert counts.done == 3
    assert counts.expected == 9
    assert counts.total == 10
    assert counts.percent_done == pytest.approx(100 * 3 / 9)


async def test_counts_of_one_plan_even_a_draft(session: AsyncSession) -> None:
    world = await _world(session)

    counts = await plan_status(session, world.draft.id, today=TODAY, tz=HANOI)

    assert counts == StatusCounts(overdue=1, not_reported=1, average_percent=0.0)
    assert counts.percent_done == 0.0


async def test_nothing_to_count(session: AsyncSession) -> None:
    counts = await plan_status(session, None, today=TODAY)

    assert counts == StatusCounts()
    assert counts.percent_done is None


async def test_the_local_date_decides_lateness(session: AsyncSession) -> None:
    world = await _world(session)
    # In UTC+0 both edge cases fall on the due date, so both are on time.
    counts = await plan_status(session, world.plan.id, today=TODAY, tz=ZoneInfo("UTC"))

    assert (counts.done_on_time, counts.done_late) == (3, 0)


async def test_overdue_units_most_overdue_first(session: AsyncSession) -> None:
    world = await _world(session)

    units = await overdue_by_unit(session, None, today=TODAY)

    assert [(u.unit_name, u.count, u.oldest_due) for u in units] == [
        ("Chi bộ B", 2, date(2026, 5, 1)),
        ("Chi bộ A", 1, date(2026, 6, 14)),
    ]
    assert units[0].tasks == [
        OverdueTask(world.ids["overdue_b_old"], "Quá hạn lâu nhất", date(2026, 5, 1)),
        OverdueTask(world.ids["overdue_b"], "Quá hạn có vướng mắc", date(2026, 6, 1)),
    ]
    assert units[1].tasks == [
        OverdueTask(world.ids["overdue_a"], "Quá hạn một ngày", date(2026, 6, 14))
    ]


async def test_overdue_units_limited_and_without_tasks(session: AsyncSession) -> None:
    world = await _world(session)

    top = await overdue_by_unit(session, None, today=TODAY, limit=1, with_tasks=False)
    of_draft = await overdue_by_unit(session, world.draft.id, today=TODAY)
    later = await overdue_by_unit(session, None, today=date(2026, 5, 1))

    assert [(u.unit_name, u.count, u.tasks) for u in top] == [("Chi bộ B", 2, [])]
    assert [(u.unit_name, u.count) for u in of_draft] == [("Chi bộ A", 1)]
    assert later == []


async def test_one_unit_most_urgent_first(session: AsyncSession) -> None:
    world = await _world(session)

    status = await unit_status(session, world.b.id, today=TODAY, tz=HANOI)

    assert status.unit_name == "Chi bộ B"
    assert status.counts == StatusCounts(overdue=2, dormant=1, not_reported=1, average_percent=25.0)
    assert [(t.assignment_id, t.status, t.percent, t.problem) for t in status.tasks] == [
        (world.ids["overdue_b_old"], TaskStatus.OVERDUE, None, None),
        (world.ids["overdue_b"], TaskStatus.OVERDUE, 50, "vướng kinh phí"),
        (world.ids["dormant"], TaskStatus.DORMANT, None, None),
    ]
    assert status.tasks[0].due == date(2026, 5, 1)


async def test_one_unit_done_and_in_progress(session: AsyncSession) -> None:
    world = await _world(session)

    status = await unit_status(session, world.a.id, today=TODAY, tz=HANOI)

    assert [(t.content, t.status) for t in status.tasks] == [
        ("Quá hạn một ngày", TaskStatus.OVERDUE),
        ("Hạn đúng hôm nay", TaskStatus.IN_PROGRESS),
        ("Hoàn thành trễ một phút", TaskStatus.DONE_LATE),
        ("Hoàn thành sát giờ", TaskStatus.DONE_ON_TIME),
    ]
    assert status.counts.percent_done == pytest.approx(50.0)


async def test_unknown_unit_is_refused(session: AsyncSession) -> None:
    with pytest.raises(PlanServiceError) as refused:
        await unit_status(session, 999, today=TODAY)
    assert refused.value.code == "unit_not_found"
