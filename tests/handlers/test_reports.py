"""Secretaries answering reminders through the conversation, on a real database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.i18n import translator
from handlers import reports
from handlers.conversation import Conversation
from handlers.reminder_text import ReminderComposer
from handlers.router import button_data
from handlers.turn import Deps
from plans import directory
from plans.activation import activate_plan
from plans.model import TimeKind
from scheduling.calendar import WorkingCalendar
from scheduling.channel import Button, OutgoingMessage
from scheduling.clock import FakeClock
from scheduling.planner import ReminderPlanner
from scheduling.policy import ReminderPolicy, snoozed_until
from storage.db import Database
from storage.models import (
    Assignment,
    AssignmentState,
    Channel,
    Contact,
    Plan,
    Reminder,
    ReminderState,
    Report,
    Task,
    TaskUnit,
    UnitRole,
)
from tests.handlers.fakes import FakePlatform, incoming
from tests.scheduling.fakes import translate

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
"""Tuesday 01/12/2026, 09:00 in Hà Nội (the time the fake messages are sent at)."""
SECRETARY = "501"
OTHER_SECRETARY = "601"
OFFICE_MEMBER = "701"
HOUR = 3600.0


@dataclass
class World:
    """A small active plan: tasks of unit A (``mine``) and one of unit B (``theirs``)."""

    database: Database
    clock: FakeClock
    deps: Deps
    conversation: Conversation
    platform: FakePlatform
    mine: list[int]
    theirs: int

    async def send(
        self,
        text: str = "",
        *,
        user: str = SECRETARY,
        button: str | None = None,
        reply_to: str | None = None,
        chat: str | None = None,
        group: bool = False,
        platform: FakePlatform | None = None,
    ) -> list[OutgoingMessage]:
        """Deliver one message and return what the bot answered to it."""
        target = platform or self.platform
        before = len(target.sent)
        message = incoming(
            text,
            user=user,
            button=button,
            reply_to=reply_to,
            chat=chat,
            group=group,
            at=self.clock.now(),
        )
        await self.conversation.handle(message, target)
        return [sent for _, sent in target.sent[before:]]

    async def assignment(self, assignment_id: int) -> Assignment:
        async with self.database.sessions() as session:
            found = await session.get(Assignment, assignment_id)
            assert found is not None
            return found

    async def reminders(self, assignment_id: int) -> list[Reminder]:
        async with self.database.sessions() as session:
            found = await session.scalars(
                select(Reminder)
                .where(Reminder.assignment_id == assignment_id)
                .order_by(Reminder.due_at, Reminder.id)
            )
            return list(found)

    async def reports(self) -> list[Report]:
        async with self.database.sessions() as session:
            return list(await session.scalars(select(Report).order_by(Report.id)))

    async def sent_reminder(
        self, assignment_id: int, message_id: str, *, sent_at: datetime = NOW
    ) -> Reminder:
        """Mark the assignment's first pending reminder to the secretary as sent."""
        async with self.database.transaction() as session:
            reminder = await session.scalar(
                select(Reminder)
                .join(Contact, Contact.id == Reminder.contact_id)
                .where(
                    Reminder.assignment_id == assignment_id,
                    Contact.user_id == SECRETARY,
                    Reminder.state == ReminderState.PENDING,
                )
                .order_by(Reminder.due_at)
                .limit(1)
            )
            assert reminder is not None
            reminder.state = ReminderState.SENT
            reminder.message_id = message_id
            reminder.sent_at = sent_at
            return reminder


TASKS = (
    ("Tổ chức hội nghị quán triệt Nghị quyết", "Năm 2026", date(2026, 12, 31)),
    ("Kiện toàn tổ chức cơ sở Đảng", "Trước ngày 10/01/2027", date(2027, 1, 10)),
)


async def build(database: Database, *, tasks: int = 2) -> World:
    """Activate a plan with ``tasks`` tasks for unit A and one for unit B, register a
    secretary for each unit and an office member, and plan their reminders."""
    calendar = WorkingCalendar()
    clock = FakeClock(NOW)
    planner = ReminderPlanner(calendar)
    deps = Deps(
        database=database,
        clock=clock,
        planner=planner,
        calendar=calendar,
        translations=translator,
    )
    async with database.transaction() as session:
        unit_a = await directory.add_unit(session, "Chi bộ Thôn 1")
        unit_b = await directory.add_unit(session, "Chi bộ Thôn 2")
        plan = Plan(
            title="Kế hoạch công tác năm 2026", source_name="kh.txt", source_sha256="b" * 64
        )
        specs = [(*TASKS[i], unit_a.id) for i in range(tasks)]
        specs.append(("Sơ kết công tác dân vận", "Năm 2026", date(2026, 12, 31), unit_b.id))
        for position, (content, when_text, due, unit_id) in enumerate(specs):
            task = Task(
                position=position,
                ref=str(position + 1),
                content=content,
                when_text=when_text,
                kind=TimeKind.ONCE,
                due=due,
            )
            task.units.append(TaskUnit(unit_id=unit_id, role=UnitRole.LEAD, position=0))
            plan.tasks.append(task)
        session.add(plan)
        await session.flush()
        await activate_plan(session, plan.id, today=NOW.date())
        assignments = list(await session.scalars(select(Assignment).order_by(Assignment.task_id)))
        for assignment in assignments:
            assignment.created_at = NOW  # not a period long over: it gets reminders
        people: list[tuple[str, int | None, bool]] = [
            (SECRETARY, unit_a.id, False),
            (OTHER_SECRETARY, unit_b.id, False),
            (OFFICE_MEMBER, None, True),
        ]
        for user, contact_unit, office in people:
            session.add(
                Contact(
                    channel=Channel.TELEGRAM,
                    chat_id=user,
                    user_id=user,
                    unit_id=contact_unit,
                    is_office=office,
                    display_name=f"Người {user}",
                )
            )
        await session.flush()
        await planner.plan_assignments(session, [a.id for a in assignments], now=NOW)
        mine = [a.id for a in assignments if a.unit_id == unit_a.id]
        [theirs] = [a.id for a in assignments if a.unit_id == unit_b.id]
    return World(
        database,
        clock,
        deps,
        Conversation(deps, [reports.router]),
        FakePlatform(),
        mine,
        theirs,
    )


def data(buttons: Sequence[Sequence[Button]]) -> list[str]:
    return [button.data for row in buttons for button in row]


def undo_data(message: OutgoingMessage) -> str:
    [undo] = [d for d in data(message.buttons) if d.startswith("undo:")]
    return undo


# ---------------------------------------------------------------- buttons


async def test_done_button_closes_the_task_and_cancels_its_reminders(
    database: Database,
) -> None:
    world = await build(database)
    task = world.mine[0]
    assert {r.state for r in await world.reminders(task)} == {ReminderState.PENDING}

    [answer] = await world.send(button=button_data("r", task, "done"))

    assignment = await world.assignment(task)
    assert (assignment.state, assignment.percent) == (AssignmentState.DONE, 100)
    assert assignment.done_at == NOW
    assert {r.state for r in await world.reminders(task)} == {ReminderState.CANCELLED}
    assert answer.text.splitlines()[0] == "Đã ghi nhận: Hoàn thành"
    assert [b.text for row in answer.buttons for b in row] == ["Hoàn tác"]
    assert world.platform.acknowledged[-1][1] == "Đã ghi nhận"
    other = await world.assignment(world.mine[1])
    assert other.state == AssignmentState.OPEN


async def test_a_forged_button_for_another_units_task_is_refused(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    world = await build(database)
    theirs = world.theirs

    [answer] = await world.send(button=button_data("r", theirs, "done"))

    assert "không có quyền" in answer.text
    assert "refused button" in caplog.text
    assignment = await world.assignment(theirs)
    assert (assignment.state, assignment.percent) == (AssignmentState.OPEN, None)
    assert {r.state for r in await world.reminders(theirs)} == {ReminderState.PENDING}
    last = (await world.reports())[-1]
    assert (last.assignment_id, last.effect) == (None, None)


async def test_observers_strangers_and_the_office_cannot_answer(database: Database) -> None:
    world = await build(database)
    task = world.mine[0]
    press = button_data("r", task, "done")

    await world.send(button=press, chat="-100", group=True)
    await world.send(button=press, user="999")
    await world.send(button=press, user=OFFICE_MEMBER)

    assignment = await world.assignment(task)
    assert (assignment.state, assignment.percent) == (AssignmentState.OPEN, None)
    assert all(r.effect is None for r in await world.reports())


async def test_later_offers_choices_and_three_days_moves_the_next_reminder(
    database: Database,
) -> None:
    world = await build(database)
    task = world.mine[0]

    [choices] = await world.send(button=button_data("r", task, "later"))
    [answer] = await world.send(button=button_data("r", task, "s3"))

    assert [b.text for row in choices.buttons for b in row] == ["1 ngày", "3 ngày", "1 tuần"]
    assert data(choices.buttons) == [f"r:{task}:s1", f"r:{task}:s3", f"r:{task}:s7"]
    until = snoozed_until(NOW, 3, ReminderPolicy(), world.deps.calendar)
    pending = [r for r in await world.reminders(task) if r.state == ReminderState.PENDING]
    assert pending[0].due_at == until
    assert answer.text.splitlines()[0] == "Đã ghi nhận: Nhắc lại lúc 08:00 ngày 04/12/2026"
    assert (await world.assignment(task)).state == AssignmentState.OPEN


async def test_problem_button_asks_and_the_next_text_is_the_problem(database: Database) -> None:
    world = await build(database)
    task = world.mine[1]

    [question] = await world.send(button=button_data("r", task, "problem"))
    [answer] = await world.send("hội trường đang sửa chữa")

    assert f"#{task}" in question.text
    assignment = await world.assignment(task)
    assert assignment.problem == "hội trường đang sửa chữa"
    assert answer.text.splitlines()[0] == "Đã ghi nhận: Khó khăn: hội trường đang sửa chữa"


async def test_a_problem_question_expires_after_an_hour(database: Database) -> None:
    world = await build(database, tasks=1)
    [task] = world.mine

    await world.send(button=button_data("r", task, "problem"))
    world.clock.advance(2 * HOUR)
    [answer] = await world.send("hội trường đang sửa chữa")

    assignment = await world.assignment(task)
    assert assignment.problem is None
    assert assignment.last_report_at == world.clock.now()
    assert answer.text.splitlines()[0] == "Đã ghi nhận: Đang thực hiện"


# ---------------------------------------------------------------- free text


async def test_a_reply_to_a_reminder_reports_on_that_task(database: Database) -> None:
    world = await build(database)
    await world.sent_reminder(world.mine[1], "9001")

    [answer] = await world.send("dat 80%", reply_to="9001")

    assert (await world.assignment(world.mine[1])).percent == 80
    assert (await world.assignment(world.mine[0])).percent is None
    assert answer.text.splitlines()[0] == "Đã ghi nhận: 80%"
    report = (await world.reports())[-1]
    assert report.assignment_id == world.mine[1]
    assert report.parsed is not None and report.parsed["percent"] == 80


async def test_a_task_code_names_the_task(database: Database) -> None:
    world = await build(database)
    task = world.mine[1]

    [answer] = await world.send(f"#{task} vướng kinh phí")

    assignment = await world.assignment(task)
    assert assignment.problem == "vướng kinh phí"
    assert assignment.percent is None
    assert answer.text.splitlines()[0] == "Đã ghi nhận: Khó khăn: vướng kinh phí"


async def test_a_code_of_another_units_task_is_refused(database: Database) -> None:
    world = await build(database)

    [answer] = await world.send(f"#{world.theirs} xong")

    assert "không thuộc đơn vị" in answer.text
    assert (await world.assignment(world.theirs)).state == AssignmentState.OPEN


async def test_the_only_task_takes_plain_text(database: Database) -> None:
    world = await build(database, tasks=1)

    [answer] = await world.send("xong rồi nhé")

    assert (await world.assignment(world.mine[0])).state == AssignmentState.DONE
    assert answer.text.startswith("Đã ghi nhận: Hoàn thành")


async def test_a_named_weekday_postpones_to_that_day(database: Database) -> None:
    world = await build(database, tasks=1)
    task = world.mine[0]

    [answer] = await world.send("để thứ 2 em báo cáo")

    # Sent on Tuesday 01/12/2026: next Monday is six days away.
    until = snoozed_until(NOW, 6, ReminderPolicy(), world.deps.calendar)
    pending = [r for r in await world.reminders(task) if r.state == ReminderState.PENDING]
    assert pending[0].due_at == until
    assert answer.text.splitlines()[0] == "Đã ghi nhận: Nhắc lại lúc 08:00 ngày 07/12/2026"


async def test_with_two_tasks_plain_text_asks_which_and_the_pick_applies_it(
    database: Database,
) -> None:
    world = await build(database)
    first, second = world.mine

    [question] = await world.send("đạt 50%")

    assert question.text == "Báo cáo này cho nhiệm vụ nào?"
    assert data(question.buttons) == [f"r:{first}:pick", f"r:{second}:pick"]
    assert (await world.assignment(second)).percent is None

    [answer] = await world.send(button=button_data("r", second, "pick"))

    assert (await world.assignment(second)).percent == 50
    assert (await world.assignment(first)).percent is None
    assert answer.text.splitlines()[0] == "Đã ghi nhận: 50%"
    asked, picked = (await world.reports())[-2:]
    assert asked.parsed == {"awaiting": "pick", "text": "đạt 50%"}
    assert picked.assignment_id == second

    [again] = await world.send(button=button_data("r", first, "pick"))
    assert "hết hạn" in again.text
    assert (await world.assignment(first)).percent is None


async def test_unreadable_text_gets_a_short_help(database: Database) -> None:
    world = await build(database)

    [answer] = await world.send("alo alo")

    assert answer.text.startswith("Chưa đọc được báo cáo")
    assert all(r.effect is None for r in await world.reports())


# ---------------------------------------------------------------- undo


async def test_undo_restores_the_task_and_the_audit_keeps_both(database: Database) -> None:
    world = await build(database)
    task = world.mine[0]
    [confirmation] = await world.send(button=button_data("r", task, "done"))
    world.clock.advance(HOUR)

    [answer] = await world.send(button=undo_data(confirmation))

    assert answer.text == f"Đã hoàn tác báo cáo về nhiệm vụ #{task}."
    assignment = await world.assignment(task)
    assert (assignment.state, assignment.percent, assignment.done_at) == (
        AssignmentState.OPEN,
        None,
        None,
    )
    assert {r.state for r in await world.reminders(task)} == {ReminderState.PENDING}
    done, undone = (await world.reports())[-2:]
    assert done.effect is not None and done.effect["after"]["state"] == "done"
    assert done.undone_at == world.clock.now()
    assert undone.raw_text == f"[button] undo:{done.id}"
    assert undone.parsed == {"undo": done.id}


async def test_undo_after_25_hours_is_refused(database: Database) -> None:
    world = await build(database)
    task = world.mine[0]
    [confirmation] = await world.send(button=button_data("r", task, "done"))
    world.clock.advance(25 * HOUR)

    [answer] = await world.send(button=undo_data(confirmation))

    assert answer.text.startswith("Không thể hoàn tác")
    assert "24 giờ" in answer.text
    assert (await world.assignment(task)).state == AssignmentState.DONE


async def test_another_persons_undo_is_refused(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    world = await build(database)
    task = world.mine[0]
    [confirmation] = await world.send(button=button_data("r", task, "done"))

    await world.send(button=undo_data(confirmation), user=OTHER_SECRETARY)

    assert "refused button" in caplog.text
    assert (await world.assignment(task)).state == AssignmentState.DONE


async def test_typing_hoan_tac_undoes_the_last_report(database: Database) -> None:
    world = await build(database)
    task = world.mine[1]
    await world.send(f"#{task} đạt 40%")
    await world.send(f"#{task} đạt 60%")

    [answer] = await world.send("hoan tac")

    assert answer.text == f"Đã hoàn tác báo cáo về nhiệm vụ #{task}."
    assert (await world.assignment(task)).percent == 40


# ---------------------------------------------------------------- /baocao


async def test_baocao_lists_the_units_tasks_and_a_menu_shows_the_answers(
    database: Database,
) -> None:
    world = await build(database)
    first, second = world.mine

    [listing] = await world.send("/baocao")
    [menu] = await world.send(button=button_data("r", second, "menu"))

    assert data(listing.buttons) == [f"r:{first}:menu", f"r:{second}:menu"]
    assert f"#{world.theirs}" not in "".join(b.text for row in listing.buttons for b in row)
    assert "Thời hạn: Trước ngày 10/01/2027" in menu.text.splitlines()
    assert data(menu.buttons) == [
        f"r:{second}:{action}" for action in ("done", "p25", "p50", "p75", "problem", "later")
    ]

    await world.send(button=button_data("r", second, "p75"))
    assert (await world.assignment(second)).percent == 75


# ---------------------------------------------------------------- without buttons


async def test_without_buttons_numbered_answers_follow_the_reminder(database: Database) -> None:
    world = await build(database)
    zalo = FakePlatform(supports_buttons=False, max_text_length=2000)
    task = world.mine[1]
    reminder = await world.sent_reminder(task, "9002", sent_at=NOW - timedelta(hours=1))
    async with database.sessions() as session:
        row = await session.get(Reminder, reminder.id)
        assert row is not None
        composer = ReminderComposer(translate, buttons=False, clock=world.clock)
        composed = (await composer(session, [row]))[row.id]
    assert composed.text.endswith("hoặc gõ tiến độ, ví dụ 80%")
    assert not composed.buttons

    [question] = await world.send("2", platform=zalo)
    [answer] = await world.send("thiếu kinh phí", platform=zalo)

    assert f"#{task}" in question.text
    assert "khó khăn" in question.text
    assignment = await world.assignment(task)
    assert (assignment.problem, assignment.percent) == ("thiếu kinh phí", None)
    assert not answer.buttons
    assert answer.text.splitlines()[-1] == 'Gửi "hoàn tác" để hủy báo cáo này.'


async def test_without_buttons_1_replying_to_a_reminder_marks_it_done(
    database: Database,
) -> None:
    world = await build(database)
    zalo = FakePlatform(supports_buttons=False)
    await world.sent_reminder(world.mine[0], "9003")
    await world.sent_reminder(world.mine[1], "9004")

    await world.send("1", reply_to="9004", platform=zalo)

    assert (await world.assignment(world.mine[1])).state == AssignmentState.DONE
    assert (await world.assignment(world.mine[0])).state == AssignmentState.OPEN


async def test_without_buttons_3_postpones_a_day(database: Database) -> None:
    world = await build(database, tasks=1)
    zalo = FakePlatform(supports_buttons=False)
    [task] = world.mine
    await world.sent_reminder(task, "9005")

    await world.send("3", platform=zalo)

    until = snoozed_until(NOW, 1, ReminderPolicy(), world.deps.calendar)
    pending = [r for r in await world.reminders(task) if r.state == ReminderState.PENDING]
    assert pending[0].due_at == until


async def test_with_buttons_a_bare_number_is_a_percent(database: Database) -> None:
    world = await build(database)
    await world.sent_reminder(world.mine[0], "9006")

    await world.send("70", reply_to="9006")
    await world.send("2", reply_to="9006")

    assert (await world.assignment(world.mine[0])).percent == 2


async def test_without_buttons_several_reminded_tasks_ask_for_the_code(
    database: Database,
) -> None:
    world = await build(database)
    zalo = FakePlatform(supports_buttons=False)
    await world.sent_reminder(world.mine[0], "9007")
    await world.sent_reminder(world.mine[1], "9008")

    [answer] = await world.send("1", platform=zalo)

    assert "mã việc" in answer.text
    assert f"#{world.mine[0]}" in answer.text and f"#{world.mine[1]}" in answer.text
    for task in world.mine:
        assert (await world.assignment(task)).state == AssignmentState.OPEN
