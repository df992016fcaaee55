"""The reminder message: what it says, in whose language, and the answers it carries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import translator
from handlers.reminder_text import ReminderComposer, period_text
from handlers.router import button_parts
from plans.model import Every, TimeKind
from scheduling import outbox
from scheduling.channel import OutgoingMessage
from scheduling.clock import FakeClock
from storage.models import (
    Assignment,
    AssignmentState,
    Contact,
    Plan,
    Reminder,
    ReminderStep,
    Task,
    UnitRole,
)
from tests.scheduling.fakes import make_contact, make_unit, new_reminder, translate

NOW = datetime(2026, 3, 24, 2, 0, tzinfo=UTC)
"""Tuesday 24/03/2026, 09:00 in Hà Nội: seven days before the end of Quarter I."""


async def quarter_task(
    session: AsyncSession,
    *,
    kind: TimeKind = TimeKind.ONCE,
    when_text: str = "Quý I/2026",
    period_key: str = "once",
    due: date | None = date(2026, 3, 31),
    title: str = "Kế hoạch thực hiện Nghị quyết Đại hội Đảng bộ xã nhiệm kỳ 2025 - 2030",
    every: Every = Every.QUARTER,
) -> Assignment:
    unit = await make_unit(session, "Chi bộ Thôn Đông")
    plan = Plan(title=title, source_name="kh.txt", source_sha256="a" * 64)
    task = Task(
        position=0,
        ref="1",
        content="Tổ chức hội nghị sơ kết công tác xây dựng Đảng",
        when_text=when_text,
        kind=kind,
        every=every if kind == TimeKind.RECURRING else None,
        due=due,
    )
    assignment = Assignment(unit_id=unit.id, role=UnitRole.LEAD, period_key=period_key, due=due)
    task.assignments.append(assignment)
    plan.tasks.append(task)
    session.add(plan)
    await session.flush()
    return assignment


async def compose(
    session: AsyncSession,
    assignment: Assignment,
    contact: Contact,
    *,
    step: ReminderStep = ReminderStep.BEFORE,
    buttons: bool = True,
) -> OutgoingMessage:
    await outbox.enqueue(session, [new_reminder(assignment, contact, step=step, due_at=NOW)])
    row = await session.scalar(
        select(Reminder).where(
            Reminder.assignment_id == assignment.id, Reminder.contact_id == contact.id
        )
    )
    assert row is not None
    composer = ReminderComposer(translate, buttons=buttons, clock=FakeClock(NOW))
    messages = await composer(session, [row])
    return messages[row.id]


async def test_a_reminder_in_vietnamese_names_task_plan_deadline_and_code(
    session: AsyncSession,
) -> None:
    assignment = await quarter_task(session)
    contact = await make_contact(session, assignment.unit_id)

    message = await compose(session, assignment, contact)

    lines = message.text.splitlines()
    assert lines[0] == "Nhắc việc: còn 7 ngày"
    assert "Nhiệm vụ: Tổ chức hội nghị sơ kết công tác xây dựng Đảng" in lines
    assert "Thời hạn: Quý I/2026" in lines
    assert f"Mã việc: #{assignment.id}" in lines
    assert any(line.startswith("Kế hoạch: Kế hoạch thực hiện Nghị quyết") for line in lines)


async def test_the_plan_title_is_shortened(session: AsyncSession) -> None:
    assignment = await quarter_task(session, title="Kế hoạch " + "rất dài " * 60)
    contact = await make_contact(session, assignment.unit_id)

    message = await compose(session, assignment, contact)

    [plan_line] = [line for line in message.text.splitlines() if line.startswith("Kế hoạch:")]
    assert plan_line.endswith("…")
    assert len(plan_line) < 140


async def test_buttons_answer_done_percent_problem_and_later_within_64_bytes(
    session: AsyncSession,
) -> None:
    assignment = await quarter_task(session)
    contact = await make_contact(session, assignment.unit_id)

    message = await compose(session, assignment, contact)

    labels = [[button.text for button in row] for row in message.buttons]
    assert labels == [["Hoàn thành", "25%", "50%", "75%"], ["Gặp khó khăn", "Nhắc lại sau"]]
    actions = [button_parts(b.data) for row in message.buttons for b in row]
    assert actions == [
        ("r", [str(assignment.id), action])
        for action in ("done", "p25", "p50", "p75", "problem", "later")
    ]
    assert all(len(b.data.encode()) <= 64 for row in message.buttons for b in row)


async def test_without_buttons_the_reminder_ends_with_numbered_answers(
    session: AsyncSession,
) -> None:
    assignment = await quarter_task(session)
    contact = await make_contact(session, assignment.unit_id)

    message = await compose(session, assignment, contact, buttons=False)

    assert not message.buttons
    assert message.text.splitlines()[-1] == (
        "Trả lời 1 = Hoàn thành, 2 = Gặp khó khăn, 3 = Nhắc lại sau, hoặc gõ tiến độ, ví dụ 80%"
    )


async def test_why_it_comes_due_today_overdue_or_as_a_check_in(session: AsyncSession) -> None:
    due_today = await quarter_task(session, due=NOW.date())
    overdue = await quarter_task(session, due=NOW.date() - timedelta(days=3))
    standing = await quarter_task(
        session, kind=TimeKind.CONTINUOUS, when_text="Thường xuyên", period_key="standing", due=None
    )
    firsts = []
    for assignment, step in (
        (due_today, ReminderStep.DUE),
        (overdue, ReminderStep.OVERDUE),
        (standing, ReminderStep.CHECKIN),
    ):
        contact = await make_contact(session, assignment.unit_id)
        firsts.append((await compose(session, assignment, contact, step=step)).text.splitlines())

    assert firsts[0][0] == "Nhắc việc: hôm nay đến hạn"
    assert firsts[1][0] == "Nhắc việc: đã quá hạn 3 ngày"
    assert firsts[2][0] == "Nhắc việc: hỏi tiến độ"
    assert "Thời hạn: Thường xuyên" in firsts[2]


async def test_a_recurring_period_shows_its_due_date_and_the_period(
    session: AsyncSession,
) -> None:
    assignment = await quarter_task(
        session, kind=TimeKind.RECURRING, when_text="Hằng quý", period_key="2026-Q1"
    )
    contact = await make_contact(session, assignment.unit_id)

    lines = (await compose(session, assignment, contact)).text.splitlines()

    assert "Thời hạn: 31/03/2026" in lines
    assert "Kỳ: Quý I/2026" in lines


async def test_a_daily_task_asks_for_the_daily_reports_of_its_week(
    session: AsyncSession,
) -> None:
    assignment = await quarter_task(
        session,
        kind=TimeKind.RECURRING,
        when_text="Trước 15 giờ hằng ngày",
        period_key="2026-W13",
        due=date(2026, 3, 27),
        every=Every.DAY,
    )
    contact = await make_contact(session, assignment.unit_id)

    lines = (await compose(session, assignment, contact)).text.splitlines()

    assert "Thời hạn: 27/03/2026" in lines
    assert "Kỳ: Tuần 13/2026, báo cáo hằng ngày" in lines


async def test_the_last_report_is_shown(session: AsyncSession) -> None:
    assignment = await quarter_task(session)
    assignment.percent = 60
    assignment.problem = "thiếu kinh phí"
    assignment.last_report_at = NOW - timedelta(days=2)
    contact = await make_contact(session, assignment.unit_id)

    lines = (await compose(session, assignment, contact)).text.splitlines()

    assert "Báo cáo gần nhất (22/03/2026): 60% · Khó khăn: thiếu kinh phí" in lines


async def test_an_escalation_names_the_overdue_unit_and_has_no_buttons(
    session: AsyncSession,
) -> None:
    assignment = await quarter_task(session, due=NOW.date() - timedelta(days=3))
    office = await make_contact(session, None)

    message = await compose(session, assignment, office, step=ReminderStep.ESCALATION)

    lines = message.text.splitlines()
    assert lines[0] == f"Quá hạn: Chi bộ Thôn Đông chưa hoàn thành nhiệm vụ #{assignment.id}"
    assert lines[1] == "Đã quá hạn 3 ngày"
    assert not message.buttons
    assert not any("Trả lời" in line or "Bấm" in line for line in lines)


async def test_each_contact_reads_its_own_language(session: AsyncSession) -> None:
    assignment = await quarter_task(session, due=NOW.date() + timedelta(days=1))
    contact = await make_contact(session, assignment.unit_id, language="en")

    message = await compose(session, assignment, contact)

    assert message.text.splitlines()[0] == "Reminder: 1 day left"
    assert message.buttons[0][0].text == "Done"
    assert message.buttons[1][1].text == "Remind me later"


async def test_a_done_assignment_last_report_says_done(session: AsyncSession) -> None:
    assignment = await quarter_task(session)
    assignment.state = AssignmentState.DONE
    assignment.percent = 100
    assignment.last_report_at = NOW
    contact = await make_contact(session, assignment.unit_id)

    lines = (await compose(session, assignment, contact, step=ReminderStep.CHECKIN)).text

    assert "Báo cáo gần nhất (24/03/2026): Hoàn thành" in lines


def test_period_keys_as_people_name_them() -> None:
    gettext_ = translator("vi").gettext
    assert period_text("2026-Q1", gettext_) == "Quý I/2026"
    assert period_text("2026-Q4", gettext_) == "Quý IV/2026"
    assert period_text("2026-H2", gettext_) == "6 tháng cuối năm 2026"
    assert period_text("2026-03", gettext_) == "Tháng 3/2026"
    assert period_text("2026-W05", gettext_) == "Tuần 5/2026"
    assert period_text("2026", gettext_) == "Năm 2026"
    assert period_text("once", gettext_) is None
    assert period_text("2026-09-30", gettext_) is None
