"""The task table of a plan: one row per task and begun period, with the worst status
of its assignments, their mean progress, problems and latest report."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import DEFAULT_LOCALES_DIR
from bot.i18n import translator
from plans.model import Every, TimeKind
from storage.models import (
    Assignment,
    AssignmentState,
    Plan,
    PlanStatus,
    Task,
    TaskUnit,
    Unit,
    UnitRole,
)
from summaries.model import TaskRow
from summaries.status import TaskStatus
from summaries.tasks import split_title, task_rows

TODAY = date(2026, 6, 15)
OPEN = AssignmentState.OPEN
DONE = AssignmentState.DONE
LEAD = UnitRole.LEAD
SUPPORT = UnitRole.SUPPORT


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def vi(message: str) -> str:
    return translator("vi", DEFAULT_LOCALES_DIR).gettext(message)


def _task(
    plan: Plan,
    content: str,
    *,
    kind: TimeKind = TimeKind.ONCE,
    when_text: str = "",
    due: date | None = None,
    ref: str = "",
    units: tuple[tuple[Unit, UnitRole], ...] = (),
) -> Task:
    task = Task(
        position=len(plan.tasks),
        ref=ref,
        content=content,
        kind=kind,
        when_text=when_text,
        due=due,
        every=Every.QUARTER if kind == TimeKind.RECURRING else None,
    )
    for position, (unit, role) in enumerate(units):
        task.units.append(TaskUnit(unit_id=unit.id, role=role, position=position))
    plan.tasks.append(task)
    return task


def _assign(
    task: Task,
    unit: Unit,
    *,
    state: AssignmentState = OPEN,
    period_key: str = "once",
    period_start: date | None = None,
    due: date | None = None,
    done_at: datetime | None = None,
    percent: int | None = None,
    problem: str | None = None,
    reported: datetime | None = None,
) -> None:
    task.assignments.append(
        Assignment(
            unit_id=unit.id,
            role=LEAD,
            period_key=period_key,
            period_start=period_start,
            due=due,
            state=state,
            done_at=done_at,
            percent=percent,
            problem=problem,
            last_report_at=reported,
        )
    )


async def _plan(session: AsyncSession) -> int:
    a, b, c = (Unit(name=name, key=name.lower()) for name in ("Chi bộ A", "Chi bộ B", "Chi bộ C"))
    session.add_all([a, b, c])
    await session.flush()
    plan = Plan(
        title="KẾ HOẠCH Thực hiện Nghị quyết",
        source_name="kh.txt",
        source_sha256="0" * 64,
        status=PlanStatus.ACTIVE,
    )
    other = Plan(title="Kế hoạch khác", source_name="k.txt", source_sha256="1" * 64)

    june = date(2026, 6, 10)
    meeting = _task(
        plan, "Hội nghị quán triệt", ref="1.1", due=june, units=((a, LEAD), (b, SUPPORT))
    )
    _assign(
        meeting, a, state=DONE, due=june, done_at=utc(2026, 6, 9, 3), reported=utc(2026, 6, 9, 3)
    )
    _assign(
        meeting,
        b,
        due=june,
        percent=40,
        problem="  thiếu   kinh phí ",
        reported=utc(2026, 6, 12, 2),
    )

    quarter = _task(
        plan, "Sơ kết quý II", when_text="Quý II/2026", due=date(2026, 6, 30), units=((b, LEAD),)
    )
    _assign(quarter, b, due=date(2026, 6, 30))

    recurring = _task(plan, "Báo cáo quý", kind=TimeKind.RECURRING, when_text="Hằng quý", ref="3")
    recurring.units.append(TaskUnit(unit_id=c.id, role=LEAD, position=0))
    for key, start, due, state, done_at, percent in (
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), DONE, utc(2026, 4, 2, 3), 100),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30), OPEN, None, 50),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), OPEN, None, None),
    ):
        _assign(
            recurring,
            c,
            period_key=key,
            period_start=start,
            due=due,
            state=state,
            done_at=done_at,
            percent=percent,
            problem="chờ số liệu" if key == "2026-Q2" else None,
        )

    waiting = _task(
        plan,
        "Khi có hướng dẫn thì triển khai",
        kind=TimeKind.CONDITIONAL,
        when_text="Khi có hướng dẫn",
        units=((c, LEAD),),
    )
    _assign(waiting, c, state=AssignmentState.DORMANT, period_key="trigger")

    ongoing = _task(
        plan,
        "Nắm tình hình tư tưởng",
        kind=TimeKind.CONTINUOUS,
        when_text="Thường xuyên",
        units=((a, LEAD), (c, LEAD)),
    )
    _assign(
        ongoing,
        a,
        state=AssignmentState.STANDING,
        period_key="standing",
        percent=30,
        reported=utc(2026, 6, 14, 1),
    )
    _assign(ongoing, c, state=AssignmentState.STANDING, period_key="standing")

    both_done = _task(plan, "Tổng kết", due=date(2026, 5, 31), units=((a, LEAD), (b, LEAD)))
    _assign(both_done, a, state=DONE, due=date(2026, 5, 31), done_at=utc(2026, 5, 30, 1))
    _assign(
        both_done,
        b,
        state=DONE,
        due=date(2026, 5, 31),
        done_at=utc(2026, 6, 1, 1),
        problem="thiếu kinh phí",
    )

    dropped = _task(plan, "Việc đã hủy", due=june, units=((a, LEAD),))
    _assign(dropped, a, state=AssignmentState.CANCELLED, due=june)

    elsewhere = _task(other, "Việc của kế hoạch khác", due=june, units=((a, LEAD),))
    _assign(elsewhere, a, due=june)

    session.add_all([plan, other])
    await session.flush()
    return plan.id


async def test_one_row_per_task_and_begun_period_with_the_worst_status(
    session: AsyncSession,
) -> None:
    plan_id = await _plan(session)

    rows = await task_rows(session, plan_id, today=TODAY, language="vi", gettext_=vi)

    assert rows == [
        TaskRow(
            number="1.1",
            content="Hội nghị quán triệt",
            lead=["Chi bộ A"],
            support=["Chi bộ B"],
            deadline="10/06/2026",
            status=TaskStatus.OVERDUE,
            percent=70.0,
            problems=["Chi bộ B: thiếu kinh phí"],
            last_report_at=utc(2026, 6, 12, 2),
            due=date(2026, 6, 10),
        ),
        TaskRow(
            number="2",
            content="Sơ kết quý II",
            lead=["Chi bộ B"],
            support=[],
            deadline="Quý II/2026",
            status=TaskStatus.IN_PROGRESS,
            percent=0.0,
            problems=[],
            last_report_at=None,
            due=date(2026, 6, 30),
        ),
        TaskRow(
            number="3",
            content="Báo cáo quý",
            lead=["Chi bộ C"],
            support=[],
            deadline="Quý I/2026",
            status=TaskStatus.DONE_LATE,
            percent=100.0,
            problems=[],
            last_report_at=None,
            due=date(2026, 3, 31),
        ),
        TaskRow(
            number="3",
            content="Báo cáo quý",
            lead=["Chi bộ C"],
            support=[],
            deadline="Quý II/2026",
            status=TaskStatus.IN_PROGRESS,
            percent=50.0,
            problems=["Chi bộ C: chờ số liệu"],
            last_report_at=None,
            due=date(2026, 6, 30),
        ),
        TaskRow(
            number="4",
            content="Khi có hướng dẫn thì triển khai",
            lead=["Chi bộ C"],
            support=[],
            deadline="Khi có hướng dẫn",
            status=TaskStatus.DORMANT,
            percent=None,
            problems=[],
            last_report_at=None,
            due=None,
        ),
        TaskRow(
            number="5",
            content="Nắm tình hình tư tưởng",
            lead=["Chi bộ A", "Chi bộ C"],
            support=[],
            deadline="Thường xuyên",
            status=TaskStatus.IN_PROGRESS,
            percent=15.0,
            problems=[],
            last_report_at=utc(2026, 6, 14, 1),
            due=None,
        ),
        TaskRow(
            number="6",
            content="Tổng kết",
            lead=["Chi bộ A", "Chi bộ B"],
            support=[],
            deadline="31/05/2026",
            status=TaskStatus.DONE_LATE,
            percent=100.0,
            problems=["Chi bộ B: thiếu kinh phí"],
            last_report_at=None,
            due=date(2026, 5, 31),
        ),
    ]


async def test_without_translations_a_period_is_its_due_date(session: AsyncSession) -> None:
    plan_id = await _plan(session)

    rows = await task_rows(session, plan_id, today=TODAY, language="en")

    recurring = [row.deadline for row in rows if row.content == "Báo cáo quý"]
    assert recurring == ["31/03/2026", "30/06/2026"]


async def test_a_later_day_brings_the_next_period_and_makes_work_overdue(
    session: AsyncSession,
) -> None:
    plan_id = await _plan(session)

    rows = await task_rows(session, plan_id, today=date(2026, 7, 2), language="vi", gettext_=vi)

    statuses = [(row.content, row.deadline, row.status) for row in rows[1:5]]
    assert statuses == [
        ("Sơ kết quý II", "Quý II/2026", TaskStatus.OVERDUE),
        ("Báo cáo quý", "Quý I/2026", TaskStatus.DONE_LATE),
        ("Báo cáo quý", "Quý II/2026", TaskStatus.OVERDUE),
        ("Báo cáo quý", "Quý III/2026", TaskStatus.IN_PROGRESS),
    ]


async def test_a_plan_without_assignments_has_no_rows(session: AsyncSession) -> None:
    plan = Plan(title="Kế hoạch nháp", source_name="d.txt", source_sha256="2" * 64)
    plan.tasks.append(Task(position=0, content="Việc chưa giao", kind=TimeKind.ONCE))
    session.add(plan)
    await session.flush()

    assert await task_rows(session, plan.id, today=TODAY) == []


def test_split_title_separates_the_kind_of_plan_from_its_subject() -> None:
    assert split_title("KẾ HOẠCH Thực hiện Nghị quyết số 18") == (
        "Kế hoạch",
        "Thực hiện Nghị quyết số 18",
    )
    assert split_title("CHƯƠNG TRÌNH HÀNH ĐỘNG\nThực hiện  Nghị quyết") == (
        "Chương trình hành động",
        "Thực hiện Nghị quyết",
    )
    assert split_title("Tuyên truyền Đại hội") == ("Kế hoạch", "Tuyên truyền Đại hội")
