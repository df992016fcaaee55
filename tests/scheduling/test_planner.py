"""From activated assignments to outbox rows, for the right people, once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from plans.activation import activate_plan, trigger_task
from plans.directory import find_unit
from plans.extract import extract_plan
from plans.importing import import_plan
from plans.readers import read_plan_bytes
from scheduling.calendar import WorkingCalendar
from scheduling.planner import ReminderPlanner
from storage.models import (
    Channel,
    Contact,
    Plan,
    Reminder,
    ReminderState,
    ReminderStep,
    Task,
)

PLAN = """KẾ HOẠCH
Thực hiện Nghị quyết về công tác dân vận năm 2026-2027

I. TỔ CHỨC THỰC HIỆN
1. Văn phòng Đảng ủy: Xây dựng báo cáo sơ kết, hoàn thành trước ngày 15/12/2026.
2. Ban Xây dựng Đảng: Theo dõi việc thực hiện thường xuyên.
3. Chi bộ Thôn 1: Kiện toàn tổ dân vận (khi có hướng dẫn của cấp trên).
4. Chi bộ Thôn 2: Tổng kết phong trào trước ngày 30/6/2025.
"""
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def planner(horizon_days: int = 45) -> ReminderPlanner:
    return ReminderPlanner(
        WorkingCalendar(tz=TZ), send_time=time(8, 0), horizon=timedelta(days=horizon_days)
    )


async def activated_plan(session: AsyncSession) -> int:
    extracted = extract_plan(read_plan_bytes(PLAN.encode(), "plan.txt"))
    result = await import_plan(session, extracted, source_name="plan.txt", source_sha256="x")
    await activate_plan(session, result.plan_id, today=date(2026, 11, 23))
    return result.plan_id


async def contact(
    session: AsyncSession, unit: str | None, chat: str, *, office: bool = False
) -> Contact:
    unit_row = await find_unit(session, unit) if unit else None
    row = Contact(
        unit_id=unit_row.id if unit_row else None,
        is_office=office,
        channel=Channel.TELEGRAM,
        chat_id=chat,
        user_id=chat,
        display_name=chat,
    )
    session.add(row)
    await session.flush()
    return row


async def reminders(session: AsyncSession) -> list[Reminder]:
    rows = await session.scalars(select(Reminder).order_by(Reminder.due_at, Reminder.id))
    return list(rows)


async def test_activation_reminds_each_units_contacts_and_escalates_to_the_office(
    session: AsyncSession,
) -> None:
    plan_id = await activated_plan(session)
    office = await contact(session, "Văn phòng Đảng ủy", "100")
    clerk = await contact(session, None, "900", office=True)

    added = await planner().plan_plan(session, plan_id, now=NOW)

    rows = await reminders(session)
    assert added == len(rows)
    office_rows = [(r.step, r.occurrence, r.due_at) for r in rows if r.contact_id == office.id]
    assert office_rows == [
        (ReminderStep.BEFORE, "7", datetime(2026, 12, 8, 1, 0, tzinfo=UTC)),
        (ReminderStep.BEFORE, "1", datetime(2026, 12, 14, 1, 0, tzinfo=UTC)),
        (ReminderStep.DUE, "", datetime(2026, 12, 15, 1, 0, tzinfo=UTC)),
        (ReminderStep.OVERDUE, "1", datetime(2026, 12, 16, 1, 0, tzinfo=UTC)),
        (ReminderStep.OVERDUE, "3", datetime(2026, 12, 18, 1, 0, tzinfo=UTC)),
        (ReminderStep.OVERDUE, "w1", datetime(2026, 12, 25, 1, 0, tzinfo=UTC)),
        # 01/01/2027 is New Year's Day: the reminder goes on Saturday morning.
        (ReminderStep.OVERDUE, "w2", datetime(2027, 1, 2, 1, 0, tzinfo=UTC)),
    ]
    escalations = [r for r in rows if r.step is ReminderStep.ESCALATION]
    assert [(r.contact_id, r.due_at) for r in escalations] == [
        (clerk.id, datetime(2026, 12, 18, 1, 0, tzinfo=UTC))
    ]
    assert all(r.state is ReminderState.PENDING and r.chat_id for r in rows)


async def test_planning_twice_adds_nothing(session: AsyncSession) -> None:
    plan_id = await activated_plan(session)
    await contact(session, "Văn phòng Đảng ủy", "100")
    first = await planner().plan_plan(session, plan_id, now=NOW)

    again = await planner().plan_plan(session, plan_id, now=NOW)

    assert first > 0 and again == 0


async def test_units_without_contacts_dormant_and_stale_periods_get_nothing(
    session: AsyncSession,
) -> None:
    plan_id = await activated_plan(session)
    for unit, chat in (("Chi bộ Thôn 1", "201"), ("Chi bộ Thôn 2", "202")):
        await contact(session, unit, chat)

    await planner().plan_plan(session, plan_id, now=NOW)

    assert await reminders(session) == []


async def test_a_triggered_task_is_planned_with_its_new_deadline(session: AsyncSession) -> None:
    plan_id = await activated_plan(session)
    await contact(session, "Chi bộ Thôn 1", "201")
    task_id = await session.scalar(
        select(Task.id).where(Task.plan_id == plan_id, Task.content.contains("tổ dân vận"))
    )
    assert task_id is not None
    await trigger_task(session, task_id, date(2027, 1, 20))

    assert await planner().plan_task(session, task_id, now=NOW) == 0  # beyond the horizon
    await planner(horizon_days=90).plan_task(session, task_id, now=NOW)

    steps = [(r.step, r.due_at.astimezone(TZ).date()) for r in await reminders(session)]
    assert steps[:3] == [
        (ReminderStep.BEFORE, date(2027, 1, 13)),
        (ReminderStep.BEFORE, date(2027, 1, 19)),
        (ReminderStep.DUE, date(2027, 1, 20)),
    ]


async def test_ongoing_tasks_get_monthly_check_ins_on_working_days(session: AsyncSession) -> None:
    plan_id = await activated_plan(session)
    await contact(session, "Ban Xây dựng Đảng", "300")

    await planner().plan_plan(session, plan_id, now=NOW)

    rows = await reminders(session)
    assert [(r.step, r.occurrence, r.due_at.astimezone(TZ).date()) for r in rows] == [
        (ReminderStep.CHECKIN, "2026-12", date(2026, 12, 1)),
        (ReminderStep.CHECKIN, "2027-01", date(2027, 1, 2)),
    ]


async def test_a_policy_change_replans_what_is_still_waiting(session: AsyncSession) -> None:
    plan_id = await activated_plan(session)
    await contact(session, "Văn phòng Đảng ủy", "100")
    await planner().plan_plan(session, plan_id, now=NOW)
    plan = await session.get(Plan, plan_id)
    assert plan is not None
    plan.reminder_policy = {"before_days": [3], "overdue_weekly": False, "escalate_after": 0}

    await planner().replan_plan(session, plan_id, now=NOW)

    steps = [(r.step, r.occurrence) for r in await reminders(session)]
    assert steps == [
        (ReminderStep.BEFORE, "3"),
        (ReminderStep.DUE, ""),
        (ReminderStep.OVERDUE, "1"),
        (ReminderStep.OVERDUE, "3"),
    ]
