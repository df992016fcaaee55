"""Expanding a plan into assignments: periods, fan-out to groups, idempotency, triggers."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from plans import directory
from plans.activation import Period, activate_plan, periods_for, trigger_task
from plans.errors import PlanServiceError
from plans.importing import import_plan
from plans.model import Every, ExtractedPlan, ExtractedTask, Timeframe, TimeKind
from storage import queries
from storage.models import Assignment, AssignmentState, Plan, PlanStatus, Task, Unit

TODAY = date(2025, 3, 1)
OPEN = AssignmentState.OPEN
CELLS = ("Chi bộ Thôn 1", "Chi bộ Thôn 2", "Chi bộ Thôn 3")


def _task(content: str, lead: list[str], when: Timeframe) -> ExtractedTask:
    return ExtractedTask(ref="", content=content, lead=lead, support=["Văn phòng"], when=when)


SYNTHETIC = ExtractedPlan(
    title="Kế hoạch thử",
    number=None,
    issuer=None,
    period=(2025, 2027),
    tasks=[
        _task("once", ["Ban A"], Timeframe("Quý II/2025", TimeKind.ONCE, due=date(2025, 6, 30))),
        _task(
            "two dues",
            ["Ban A"],
            Timeframe(
                "Quý III/2025 và năm 2026",
                TimeKind.ONCE,
                due=date(2025, 9, 30),
                dues=(date(2025, 9, 30), date(2026, 12, 31)),
            ),
        ),
        _task("yearly", ["Ban B"], Timeframe("Hằng năm", TimeKind.RECURRING, every=Every.YEAR)),
        _task(
            "quarterly", ["Ban A"], Timeframe("Hằng quý", TimeKind.RECURRING, every=Every.QUARTER)
        ),
        _task("continuous", ["Ban A"], Timeframe("Thường xuyên", TimeKind.CONTINUOUS)),
        _task("conditional", ["Ban A"], Timeframe("Khi có chỉ đạo", TimeKind.CONDITIONAL)),
        _task(
            "fan-out",
            ["Các chi bộ trực thuộc"],
            Timeframe("Năm 2025", TimeKind.ONCE, due=date(2025, 12, 31)),
        ),
        _task(
            "empty group",
            ["Các tổ chức chính trị - xã hội"],
            Timeframe("Năm 2025", TimeKind.ONCE, due=date(2025, 12, 31)),
        ),
        _task("no lead", [], Timeframe("Năm 2025", TimeKind.ONCE, due=date(2025, 12, 31))),
        _task("unspecified", ["Ban B"], Timeframe("", TimeKind.UNSPECIFIED)),
    ],
)


async def _synthetic_plan(session: AsyncSession) -> int:
    await directory.add_unit(session, "Các chi bộ trực thuộc", group=True)
    for cell in CELLS:
        await directory.add_unit(session, cell)
    await directory.set_members(session, "Các chi bộ trực thuộc", CELLS)
    result = await import_plan(session, SYNTHETIC, source_name="t.txt", source_sha256="f" * 64)
    return result.plan_id


async def _by_task(session: AsyncSession, plan_id: int) -> dict[str, list[Assignment]]:
    tasks = {t.id: t.content for t in await queries.tasks_of_plan(session, plan_id)}
    out: dict[str, list[Assignment]] = {}
    for assignment in await queries.assignments_of_plan(session, plan_id):
        out.setdefault(tasks[assignment.task_id], []).append(assignment)
    return out


async def _unit_names(session: AsyncSession, assignments: list[Assignment]) -> list[str]:
    units = [await session.get(Unit, a.unit_id) for a in assignments]
    return [u.name for u in units if u is not None]


async def test_activation_expands_every_kind(session: AsyncSession) -> None:
    plan_id = await _synthetic_plan(session)
    result = await activate_plan(session, plan_id, today=TODAY)
    # 1 + 2 + 3 years + 12 quarters + standing + dormant + 3 members + empty group + open
    assert result.created == 25
    assert result.by_state == {"open": 23, "standing": 1, "dormant": 1}
    assert result.empty_groups == ["Các tổ chức chính trị - xã hội"]
    tasks = await queries.tasks_of_plan(session, plan_id)
    assert result.tasks_without_lead == [t.id for t in tasks if t.content == "no lead"]

    got = await _by_task(session, plan_id)
    keys = {content: sorted(a.period_key for a in rows) for content, rows in got.items()}
    assert keys["once"] == ["once"]
    assert keys["two dues"] == ["2025-09-30", "2026-12-31"]
    assert keys["yearly"] == ["2025", "2026", "2027"]
    assert keys["quarterly"] == [f"{y}-Q{q}" for y in (2025, 2026, 2027) for q in (1, 2, 3, 4)]
    assert keys["continuous"] == ["standing"]
    assert keys["conditional"] == ["trigger"]
    assert keys["unspecified"] == ["open"]
    assert "no lead" not in got
    assert sorted(await _unit_names(session, got["fan-out"])) == list(CELLS)
    assert await _unit_names(session, got["empty group"]) == ["Các tổ chức chính trị - xã hội"]
    # Support units are recorded on the task only.
    support = await directory.find_unit(session, "Văn phòng")
    assert support is not None
    assert all(a.unit_id != support.id for rows in got.values() for a in rows)
    assert got["once"][0].due == date(2025, 6, 30)
    assert got["conditional"][0].state == AssignmentState.DORMANT

    plan = await queries.get_plan(session, plan_id)
    assert plan is not None and plan.status == PlanStatus.ACTIVE
    assert plan.activated_at is not None


async def test_activation_is_idempotent(session: AsyncSession) -> None:
    plan_id = await _synthetic_plan(session)
    first = await activate_plan(session, plan_id, today=TODAY)
    plan = await queries.get_plan(session, plan_id)
    assert plan is not None
    activated_at = plan.activated_at
    again = await activate_plan(session, plan_id, today=date(2026, 1, 1))
    assert (again.created, again.by_state) == (0, {})
    assert await queries.count_assignments(session, plan_id=plan_id) == first.created
    assert plan.activated_at == activated_at
    # A new member of a group gets its share on the next run, and only that.
    await directory.add_unit(session, "Chi bộ Thôn 4")
    await directory.set_members(session, "Các chi bộ trực thuộc", ["Chi bộ Thôn 4"])
    third = await activate_plan(session, plan_id, today=TODAY)
    assert (third.created, third.by_state) == (1, {"open": 1})


async def test_trigger_opens_dormant_assignments(session: AsyncSession) -> None:
    plan_id = await _synthetic_plan(session)
    await activate_plan(session, plan_id, today=TODAY)
    tasks = {t.content: t for t in await queries.tasks_of_plan(session, plan_id)}
    with pytest.raises(PlanServiceError) as caught:
        await trigger_task(session, tasks["once"].id, date(2025, 5, 1))
    assert caught.value.code == "not_conditional"
    with pytest.raises(PlanServiceError) as missing:
        await trigger_task(session, 99999, date(2025, 5, 1))
    assert missing.value.code == "task_not_found"

    conditional = tasks["conditional"]
    assert await trigger_task(session, conditional.id, date(2025, 5, 1)) == 1
    (assignment,) = await queries.assignments_of_task(session, conditional.id)
    assert (assignment.state, assignment.due) == (OPEN, date(2025, 5, 1))
    assert conditional.trigger_due == date(2025, 5, 1)
    assert conditional.triggered_at is not None
    assert await trigger_task(session, conditional.id, date(2025, 6, 1)) == 0
    plan = await queries.get_plan(session, plan_id)
    assert plan is not None
    plan.status = PlanStatus.ARCHIVED
    with pytest.raises(PlanServiceError) as archived:
        await trigger_task(session, conditional.id, date(2025, 7, 1))
    assert (archived.value.code, archived.value.params) == ("plan_archived", {"plan_id": plan_id})


async def test_task_triggered_before_activation_starts_open(session: AsyncSession) -> None:
    plan_id = await _synthetic_plan(session)
    tasks = {t.content: t for t in await queries.tasks_of_plan(session, plan_id)}
    assert await trigger_task(session, tasks["conditional"].id, date(2025, 4, 15)) == 0
    result = await activate_plan(session, plan_id, today=TODAY)
    assert result.by_state == {"open": 24, "standing": 1}
    (assignment,) = await queries.assignments_of_task(session, tasks["conditional"].id)
    assert (assignment.state, assignment.due) == (OPEN, date(2025, 4, 15))


async def test_activation_errors(session: AsyncSession) -> None:
    with pytest.raises(PlanServiceError) as missing:
        await activate_plan(session, 12345, today=TODAY)
    assert (missing.value.code, missing.value.params) == ("plan_not_found", {"plan_id": 12345})
    plan_id = await _synthetic_plan(session)
    plan = await queries.get_plan(session, plan_id)
    assert plan is not None
    plan.status = PlanStatus.ARCHIVED
    with pytest.raises(PlanServiceError) as archived:
        await activate_plan(session, plan_id, today=TODAY)
    assert archived.value.code == "plan_archived"
    assert await queries.count_assignments(session) == 0


def _plan(first: int | None = None, last: int | None = None) -> Plan:
    return Plan(title="p", source_name="p", source_sha256="0", period_start=first, period_end=last)


def _t(kind: TimeKind, **fields: object) -> Task:
    return Task(kind=kind, content="t", position=0, **fields)


def _summary(periods: list[Period]) -> list[tuple[str, date | None, date | None, str]]:
    return [(p.key, p.start, p.due, p.state.value) for p in periods]


D = date


@pytest.mark.parametrize(
    ("task", "plan", "expected"),
    [
        (_t(TimeKind.ONCE, due=D(2025, 6, 30)), _plan(), [("once", None, D(2025, 6, 30), "open")]),
        (
            _t(TimeKind.ONCE, due=D(2023, 9, 30), dues=[D(2025, 12, 31), D(2023, 9, 30)]),
            _plan(2022, 2025),
            [
                ("2023-09-30", None, D(2023, 9, 30), "open"),
                ("2025-12-31", None, D(2025, 12, 31), "open"),
            ],
        ),
        (
            _t(TimeKind.RECURRING, every=Every.YEAR),
            _plan(2025, 2027),
            [(str(y), D(y, 1, 1), D(y, 12, 31), "open") for y in (2025, 2026, 2027)],
        ),
        (
            _t(TimeKind.RECURRING, every=Every.HALF_YEAR),
            _plan(2024, 2024),
            [
                ("2024-H1", D(2024, 1, 1), D(2024, 6, 30), "open"),
                ("2024-H2", D(2024, 7, 1), D(2024, 12, 31), "open"),
            ],
        ),
        (
            _t(TimeKind.RECURRING, every=Every.QUARTER, start=D(2025, 8, 15)),
            _plan(2025, 2025),
            [
                ("2025-Q3", D(2025, 7, 1), D(2025, 9, 30), "open"),
                ("2025-Q4", D(2025, 10, 1), D(2025, 12, 31), "open"),
            ],
        ),
        (
            _t(TimeKind.RECURRING, every=Every.MONTH, due=D(2024, 3, 31)),
            _plan(),
            [
                ("2024-01", D(2024, 1, 1), D(2024, 1, 31), "open"),
                ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "open"),
                ("2024-03", D(2024, 3, 1), D(2024, 3, 31), "open"),
            ],
        ),
        (
            # A daily duty is followed week by week: one period per ISO week, due Friday.
            _t(TimeKind.RECURRING, every=Every.DAY, start=D(2025, 3, 5), due=D(2025, 3, 16)),
            _plan(2025, 2025),
            [
                ("2025-W10", D(2025, 3, 3), D(2025, 3, 7), "open"),
                ("2025-W11", D(2025, 3, 10), D(2025, 3, 14), "open"),
            ],
        ),
        (
            _t(TimeKind.RECURRING, every=Every.YEAR, start=D(2026, 1, 1)),
            _plan(),
            [("2026", D(2026, 1, 1), D(2026, 12, 31), "open")],
        ),
        (
            _t(TimeKind.CONTINUOUS, start=D(2022, 1, 1), due=D(2025, 12, 31)),
            _plan(2022, 2025),
            [("standing", D(2022, 1, 1), D(2025, 12, 31), "standing")],
        ),
        (_t(TimeKind.CONTINUOUS), _plan(), [("standing", None, None, "standing")]),
        (_t(TimeKind.CONDITIONAL), _plan(), [("trigger", None, None, "dormant")]),
        (
            _t(TimeKind.CONDITIONAL, trigger_due=D(2025, 5, 1)),
            _plan(),
            [("trigger", None, D(2025, 5, 1), "open")],
        ),
        (_t(TimeKind.UNSPECIFIED), _plan(2025, 2030), [("open", None, None, "open")]),
    ],
)
def test_periods_for(
    task: Task, plan: Plan, expected: list[tuple[str, date | None, date | None, str]]
) -> None:
    assert _summary(periods_for(task, plan, TODAY)) == expected


def test_weekly_periods_fall_back_to_this_year() -> None:
    periods = periods_for(_t(TimeKind.RECURRING, every=Every.WEEK), _plan(), date(2026, 5, 5))
    # 2026 has 53 ISO weeks; week 1 starts on Monday 29 December 2025.
    assert len(periods) == 53
    assert _summary(periods[:1]) == [("2026-W01", D(2025, 12, 29), D(2026, 1, 2), "open")]
    assert periods[-1].key == "2026-W53"
    assert all(p.due is not None and p.due.weekday() == 4 for p in periods)
    assert Counter(p.state for p in periods) == {OPEN: 53}


async def test_a_daily_task_is_imported_and_followed_week_by_week(session: AsyncSession) -> None:
    daily = Timeframe(
        "trước 15 giờ hằng ngày",
        TimeKind.RECURRING,
        start=date(2026, 3, 2),
        due=date(2026, 3, 31),
        every=Every.DAY,
    )
    extracted = ExtractedPlan(
        title="Kế hoạch phòng, chống dịch",
        number=None,
        issuer=None,
        period=(2026, 2026),
        tasks=[_task("Báo cáo số ca mắc trước 15 giờ hằng ngày", ["Các chi bộ trực thuộc"], daily)],
    )
    await directory.add_unit(session, "Các chi bộ trực thuộc", group=True)
    for cell in CELLS:
        await directory.add_unit(session, cell)
    await directory.set_members(session, "Các chi bộ trực thuộc", CELLS)
    imported = await import_plan(session, extracted, source_name="d.txt", source_sha256="d" * 64)
    (task,) = await queries.tasks_of_plan(session, imported.plan_id)
    assert (task.kind, task.every) == (TimeKind.RECURRING, Every.DAY)

    result = await activate_plan(session, imported.plan_id, today=date(2026, 3, 1))

    # Weeks 10 to 14 of 2026 for each of the three cells, not one assignment a day.
    assert (result.created, result.by_state) == (15, {"open": 15})
    assignments = await queries.assignments_of_plan(session, imported.plan_id)
    weeks = Counter((a.period_key, a.period_start, a.due) for a in assignments)
    mondays = [date(2026, 3, 2) + timedelta(weeks=n) for n in range(5)]
    assert weeks == {
        (f"2026-W{10 + n:02d}", monday, monday + timedelta(days=4)): len(CELLS)
        for n, monday in enumerate(mondays)
    }
    assert sorted(set(await _unit_names(session, assignments))) == list(CELLS)
