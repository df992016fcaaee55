"""The office in chat: status, overdue lists, one unit, triggers, reminders now, plan files."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import translator
from handlers import office
from handlers.conversation import NOT_ALLOWED, STRANGER_HELP, Conversation
from handlers.messages import IncomingFile
from handlers.router import button_data
from handlers.turn import Deps
from plans.directory import add_unit
from plans.errors import PlanServiceError
from plans.importing import ImportResult, import_plan
from plans.model import ExtractedPlan, TimeKind
from scheduling.calendar import WorkingCalendar
from scheduling.clock import FakeClock
from scheduling.planner import ReminderPlanner
from storage.db import Database
from storage.models import (
    Assignment,
    AssignmentState,
    Channel,
    Contact,
    Plan,
    PlanStatus,
    Reminder,
    ReminderState,
    ReminderStep,
    Report,
    Summary,
    SummaryState,
    Task,
    TaskUnit,
    Unit,
    UnitRole,
)
from summaries.rollup import numbers_snapshot, plan_summary
from tests.handlers.fakes import FakePlatform, incoming
from tests.plans.test_read_forms import FIXTURES, WORD_PLANS, image_only_pdf
from tests.shared import SEEDS

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
"""09:00 on Tuesday 1 December 2026 in Hà Nội."""
TODAY = date(2026, 12, 1)

OFFICE_USER = "100"
SECRETARY_USER = "200"
STRANGER_USER = "300"
GROUP_USER, GROUP_CHAT = "400", "-500"

VI = translator("vi")


def make_deps(database: Database, *, max_plan_bytes: int = 20 * 1024 * 1024) -> Deps:
    calendar = WorkingCalendar(tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    return Deps(
        database=database,
        clock=FakeClock(NOW),
        planner=ReminderPlanner(calendar),
        calendar=calendar,
        translations=translator,
        max_plan_bytes=max_plan_bytes,
    )


@dataclass
class Office:
    """A conversation with the office router, the platform it talks on, and the directory."""

    database: Database
    conversation: Conversation
    platform: FakePlatform
    thon1: int
    thon2: int

    async def say(self, text: str = "", *, user: str = OFFICE_USER, **kwargs: Any) -> list[str]:
        """Send one message and return the texts answered to it."""
        before = len(self.platform.sent)
        await self.conversation.handle(incoming(text, user=user, **kwargs), self.platform)
        return [message.text for _, message in self.platform.sent[before:]]

    async def upload(self, name: str, data: bytes, *, size: int | None = -1) -> list[str]:
        """Send a file (its size announced unless ``size`` is None)."""
        file_id = f"f{len(self.platform.uploads)}"
        self.platform.uploads[file_id] = data
        known = len(data) if size == -1 else size
        return await self.say(file=IncomingFile(file_id, name, known))

    async def count(self, model: type[Any]) -> int:
        async with self.database.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _office(database: Database, deps: Deps) -> Office:
    async with database.transaction() as session:
        thon1 = await add_unit(session, "Chi bộ Thôn 1")
        thon2 = await add_unit(session, "Chi bộ Thôn 2")
        session.add_all(
            [
                Contact(
                    channel=Channel.TELEGRAM,
                    chat_id=OFFICE_USER,
                    user_id=OFFICE_USER,
                    is_office=True,
                    display_name="Văn phòng Đảng ủy",
                ),
                Contact(
                    channel=Channel.TELEGRAM,
                    chat_id=SECRETARY_USER,
                    user_id=SECRETARY_USER,
                    unit_id=thon1.id,
                    display_name="Bí thư Thôn 1",
                ),
            ]
        )
        ids = thon1.id, thon2.id
    return Office(database, Conversation(deps, [office.router]), FakePlatform(), *ids)


@pytest.fixture
async def desk(database: Database) -> Office:
    return await _office(database, make_deps(database))


async def _plan(
    session: AsyncSession,
    rows: list[tuple[int, str, AssignmentState, date | None]],
    *,
    status: PlanStatus = PlanStatus.ACTIVE,
    done_at: datetime | None = None,
) -> list[int]:
    """A plan with one task per (unit, content, state, due) and its one assignment."""
    plan = Plan(title="Kế hoạch kiểm tra", source_name="k.txt", source_sha256="0" * 64)
    plan.status = status
    for position, (unit_id, content, state, due) in enumerate(rows):
        task = Task(position=position, ref=str(position + 1), content=content, due=due)
        task.kind = TimeKind.ONCE
        task.units.append(TaskUnit(unit_id=unit_id, role=UnitRole.LEAD, position=0))
        assignment = Assignment(
            unit_id=unit_id, role=UnitRole.LEAD, period_key="once", due=due, state=state
        )
        if state == AssignmentState.DONE:
            assignment.done_at = done_at or NOW - timedelta(days=40)
        task.assignments.append(assignment)
        plan.tasks.append(task)
    session.add(plan)
    await session.flush()
    return [task.assignments[0].id for task in plan.tasks]


LONG = (
    "Tổ chức hội nghị quán triệt, học tập và triển khai thực hiện Nghị quyết Đại hội "
    "đại biểu Đảng bộ xã lần thứ XXV đến toàn thể cán bộ, đảng viên trong chi bộ"
)


async def _scripted(desk: Office) -> list[int]:
    async with desk.database.transaction() as session:
        return await _plan(
            session,
            [
                (desk.thon1, LONG, AssignmentState.OPEN, date(2026, 11, 21)),
                (desk.thon1, "Kiểm tra đảng viên", AssignmentState.OPEN, date(2026, 11, 30)),
                (desk.thon2, "Báo cáo sơ kết", AssignmentState.OPEN, date(2026, 11, 1)),
                (desk.thon2, "Tuyên truyền", AssignmentState.OPEN, date(2026, 12, 31)),
                (desk.thon2, "Tháng 10/2026", AssignmentState.DONE, date(2026, 10, 31)),
                (desk.thon1, "Khi có hướng dẫn", AssignmentState.DORMANT, None),
            ],
        )


# --------------------------------------------------------------------------- status


async def test_status_gives_the_four_statuses_and_overdue_units(desk: Office) -> None:
    await _scripted(desk)

    [answer] = await desk.say("/tinhhinh")

    assert answer.startswith("📊 Tất cả kế hoạch đang thực hiện\nTổng hợp đến ngày 01/12/2026")
    for line in (
        "Hoàn thành đúng hạn: 1 · 20%",
        "Hoàn thành quá hạn: 0 · 0%",
        "Đang thực hiện (trong hạn): 1 · 20%",
        "Quá hạn chưa hoàn thành: 3 · 60%",
        "Chưa báo cáo: 4",
        "Tỷ lệ hoàn thành: 20% (1/5)",
        "Việc chờ kích hoạt, chưa tính vào số liệu trên (1)",
    ):
        assert line in answer
    units = answer.split("Đơn vị có việc quá hạn:")[1]
    assert "1. Chi bộ Thôn 1: 2 việc quá hạn" in units
    assert "2. Chi bộ Thôn 2: 1 việc quá hạn" in units
    [(_chat, chart)] = desk.platform.files
    assert chart.picture and chart.data.startswith(b"\x89PNG")


async def test_status_tells_the_change_since_the_last_summary(desk: Office) -> None:
    await _scripted(desk)
    async with desk.database.transaction() as session:
        summary = await plan_summary(session, None, today=date(2026, 12, 1), since=None)
        before = numbers_snapshot(summary)
        before["counts"] = {**before["counts"], "done_on_time": 0, "overdue": 5}
        session.add(Summary(state=SummaryState.SENT, numbers=before))

    [answer] = await desk.say("/tinhhinh")

    assert "Hoàn thành đúng hạn: 1 (+1)" in answer
    assert "Quá hạn chưa hoàn thành: 3 (-2)" in answer


async def test_status_of_one_plan(desk: Office) -> None:
    await _scripted(desk)
    async with desk.database.transaction() as session:
        await _plan(session, [(desk.thon2, "Việc nháp", AssignmentState.OPEN, None)])
        draft_id = await session.scalar(select(func.max(Plan.id)))

    [answer] = await desk.say(f"/tinhhinh {draft_id}")

    assert answer.startswith("📊 Kế hoạch kiểm tra")
    assert "Đang thực hiện (trong hạn): 1" in answer
    assert "Quá hạn chưa hoàn thành: 0" in answer
    assert "Đơn vị có việc quá hạn" not in answer


async def test_status_refuses_a_bad_or_unknown_plan(desk: Office) -> None:
    assert await desk.say("/tinhhinh abc") == ["Mã kế hoạch phải là một số, ví dụ: /tinhhinh 3"]
    assert await desk.say("/tinhhinh 999") == ["Không có kế hoạch mã 999."]
    [empty] = await desk.say("/tinhhinh")
    assert empty.endswith("Chưa có phần việc nào đến kỳ thực hiện.")
    assert desk.platform.files == []


async def test_overdue_lists_tasks_by_unit(desk: Office) -> None:
    ids = await _scripted(desk)

    [answer] = await desk.say("/quahan")

    lines = answer.splitlines()
    assert lines[0] == "Việc quá hạn: 3 · số đơn vị: 2"
    thon1 = lines.index("🏢 Chi bộ Thôn 1 (2)")
    assert lines[thon1 + 1].startswith(f"#{ids[0]} Tổ chức hội nghị quán triệt")
    assert "…: hạn 21/11/2026, trễ 10 ngày" in lines[thon1 + 1]
    assert len(lines[thon1 + 1]) < len(LONG)
    assert lines[thon1 + 2] == f"#{ids[1]} Kiểm tra đảng viên: hạn 30/11/2026, trễ 1 ngày"
    thon2 = lines.index("🏢 Chi bộ Thôn 2 (1)")
    assert lines[thon2 + 1] == f"#{ids[2]} Báo cáo sơ kết: hạn 01/11/2026, trễ 30 ngày"


async def test_overdue_when_nothing_is_late(desk: Office) -> None:
    assert await desk.say("/quahan") == ["Không có việc nào quá hạn."]


async def test_one_unit_found_without_accents(desk: Office) -> None:
    ids = await _scripted(desk)
    async with desk.database.transaction() as session:
        row = await session.get(Assignment, ids[1])
        assert row is not None
        row.percent, row.problem = 60, "vướng kinh phí"
        dormant = await session.get(Assignment, ids[5])
        assert dormant is not None

    [answer] = await desk.say("/donvi chi bo thon 1")

    lines = answer.splitlines()
    assert lines[0] == "Chi bộ Thôn 1 · số việc: 3"
    assert "⛔ Quá hạn: 2" in lines
    assert lines[-6].startswith(f"⛔ #{ids[0]} Tổ chức hội nghị")
    assert lines[-5] == "    quá hạn · hạn 21/11/2026"
    assert lines[-4] == f"⛔ #{ids[1]} Kiểm tra đảng viên"
    assert lines[-3] == "    quá hạn · hạn 30/11/2026 · đạt 60% · vướng: vướng kinh phí"
    assert lines[-2] == f"💤 #{ids[5]} Khi có hướng dẫn"
    assert lines[-1] == (
        f"    chờ kích hoạt · kích hoạt bằng: /kichhoat {dormant.task_id} ngày/tháng/năm"
    )


async def test_one_unit_unknown_or_missing(desk: Office) -> None:
    assert await desk.say("/donvi Chi bộ Thôn 9") == [
        "Không có đơn vị “Chi bộ Thôn 9” trong danh bạ."
    ]
    assert await desk.say("/donvi") == ["Hãy ghi tên đơn vị, ví dụ: /donvi Chi bộ 1"]
    assert await desk.say("/donvi Chi bộ Thôn 2") == [
        "Chi bộ Thôn 2 chưa có việc nào trong các kế hoạch đang triển khai."
    ]


# --------------------------------------------------------------------------- /kichhoat


async def _conditional(desk: Office) -> tuple[int, int]:
    """An active plan with a conditional task led by Thôn 1 (dormant) and a one-off task."""
    async with desk.database.transaction() as session:
        ids = await _plan(
            session,
            [
                (desk.thon1, "Khi có hướng dẫn của cấp trên", AssignmentState.DORMANT, None),
                (desk.thon1, "Báo cáo năm", AssignmentState.OPEN, date(2026, 12, 31)),
            ],
        )
        tasks = [(await session.get(Assignment, i)) for i in ids]
        conditional, once = (row.task_id for row in tasks if row is not None)
        task = await session.get(Task, conditional)
        assert task is not None
        task.kind = TimeKind.CONDITIONAL
    return conditional, once


async def test_trigger_opens_the_task_and_plans_reminders(desk: Office) -> None:
    conditional, _once = await _conditional(desk)

    [answer] = await desk.say(f"/kichhoat {conditional} 30/12/2026")

    async with desk.database.sessions() as session:
        row = await session.scalar(select(Assignment).where(Assignment.task_id == conditional))
        assert row is not None
        planned = await session.scalar(select(func.count()).where(Reminder.assignment_id == row.id))
    assert (row.state, row.due) == (AssignmentState.OPEN, date(2026, 12, 30))
    assert planned
    assert answer == (
        f"Đã kích hoạt nhiệm vụ mã {conditional}, hạn 30/12/2026: mở 1 phần việc.\n"
        f"Số lời nhắc đã lên lịch: {planned}"
    )


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("", "Hãy ghi mã nhiệm vụ và thời hạn, ví dụ: /kichhoat 12 30/09/2026"),
        ("abc 30/12/2026", "Hãy ghi mã nhiệm vụ và thời hạn, ví dụ: /kichhoat 12 30/09/2026"),
        ("{task} 31/02/2026", "Không đọc được ngày “31/02/2026”"),
        ("{task} mai", "Không đọc được ngày “mai”"),
        ("{once} 30/12/2026", "Nhiệm vụ mã {once} không phải nhiệm vụ chờ điều kiện"),
        ("9999 30/12/2026", "Không có nhiệm vụ mã 9999."),
    ],
)
async def test_trigger_refusals(desk: Office, arguments: str, expected: str) -> None:
    conditional, once = await _conditional(desk)

    [answer] = await desk.say(f"/kichhoat {arguments.format(task=conditional, once=once)}")

    assert answer.startswith(expected.format(once=once))
    assert await desk.count(Reminder) == 0
    async with desk.database.sessions() as session:
        task = await session.get(Task, conditional)
        assert task is not None and task.triggered_at is None


# --------------------------------------------------------------------------- /nhacngay


async def test_remind_now_moves_only_pending_future_reminders(desk: Office) -> None:
    async with desk.database.transaction() as session:
        mine, other = await _plan(
            session,
            [
                (desk.thon1, "Báo cáo năm", AssignmentState.OPEN, date(2026, 12, 31)),
                (desk.thon2, "Báo cáo quý", AssignmentState.OPEN, date(2026, 12, 31)),
            ],
        )
        contact = await session.scalar(select(Contact).where(Contact.unit_id == desk.thon1))
        assert contact is not None
        later = NOW + timedelta(days=20)

        def reminder(assignment_id: int, step: ReminderStep, **values: Any) -> Reminder:
            return Reminder(
                assignment_id=assignment_id,
                contact_id=contact.id,
                channel=Channel.TELEGRAM,
                chat_id=contact.chat_id,
                step=step,
                planned_at=later,
                due_at=values.pop("due_at", later),
                **values,
            )

        session.add_all(
            [
                reminder(mine, ReminderStep.BEFORE),
                reminder(mine, ReminderStep.DUE, due_at=later + timedelta(days=1)),
                reminder(mine, ReminderStep.CHECKIN, state=ReminderState.SENT),
                reminder(other, ReminderStep.DUE),
            ]
        )

    assert await desk.say("/nhacngay chi bo thon 1") == [
        "Đã chuyển 1 lời nhắc của Chi bộ Thôn 1 sang gửi ngay."
    ]

    async with desk.database.sessions() as session:
        rows = (await session.scalars(select(Reminder).order_by(Reminder.id))).all()
    # Only the next one comes forward; the task's later reminders keep their time.
    assert [r.due_at for r in rows] == [NOW, later + timedelta(days=1), later, later]
    assert await desk.say("/nhacngay Chi bộ Thôn 1") == [
        "Chi bộ Thôn 1 không có lời nhắc nào đang chờ gửi."
    ]


async def test_remind_now_needs_a_known_unit(desk: Office) -> None:
    assert await desk.say("/nhacngay") == ["Hãy ghi tên đơn vị, ví dụ: /nhacngay Chi bộ 1"]
    assert await desk.say("/nhacngay Ban Tuyên giáo") == [
        "Không có đơn vị “Ban Tuyên giáo” trong danh bạ."
    ]


# --------------------------------------------------------------------------- permissions

COMMANDS = [
    "/tinhhinh",
    "/quahan",
    "/donvi Chi bộ Thôn 1",
    "/kichhoat 1 30/12/2026",
    "/nhacngay Chi bộ Thôn 1",
]
NOT_ALLOWED_VI = VI.gettext(NOT_ALLOWED)
STRANGER_HELP_VI = VI.gettext(STRANGER_HELP)
SENDERS: list[tuple[dict[str, Any], str]] = [
    ({"user": SECRETARY_USER}, NOT_ALLOWED_VI),
    ({"user": STRANGER_USER}, STRANGER_HELP_VI),
    ({"user": GROUP_USER, "chat": GROUP_CHAT, "group": True}, NOT_ALLOWED_VI),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("sender", "refusal"), SENDERS, ids=["secretary", "stranger", "observer"])
async def test_commands_are_for_the_office_only(
    desk: Office, command: str, sender: dict[str, Any], refusal: str
) -> None:
    await _conditional(desk)

    assert await desk.say(command, **sender) == [refusal]
    assert await desk.count(Reminder) == 0


@pytest.mark.parametrize(("sender", "refusal"), SENDERS, ids=["secretary", "stranger", "observer"])
async def test_files_and_activation_are_for_the_office_only(
    desk: Office, sender: dict[str, Any], refusal: str
) -> None:
    desk.platform.uploads["f"] = SEEDS[0].read_bytes()
    file = IncomingFile("f", SEEDS[0].name, None)

    assert await desk.say(file=file, **sender) == [refusal]
    assert await desk.count(Plan) == 0

    await desk.upload(SEEDS[0].name, SEEDS[0].read_bytes())
    async with desk.database.sessions() as session:
        plan_id = await session.scalar(select(Plan.id))
    assert await desk.say(button=button_data("act", plan_id), **sender) == [refusal]
    assert await desk.count(Assignment) == 0


# --------------------------------------------------------------------------- plan files


@pytest.mark.parametrize("suffix", [".pdf", ".htm"])
async def test_a_plan_sent_as_pdf_or_web_page_is_imported(desk: Office, suffix: str) -> None:
    fixture = FIXTURES / f"{WORD_PLANS[1]}{suffix}"

    [summary] = await desk.upload(f"ke hoach{suffix}", fixture.read_bytes())

    async with desk.database.sessions() as session:
        plan = await session.scalar(select(Plan))
        assert plan is not None
        tasks = await session.scalar(select(func.count()).where(Task.plan_id == plan.id))
    assert tasks
    assert summary.startswith(f"Đã nhập kế hoạch mã {plan.id} (bản nháp): ")


@pytest.mark.parametrize("seed", SEEDS, ids=[seed.name for seed in SEEDS])
async def test_a_seed_plan_is_imported_and_activated(desk: Office, seed: Any) -> None:
    [summary] = await desk.upload(seed.name, seed.read_bytes())

    async with desk.database.sessions() as session:
        plan = await session.scalar(select(Plan))
        assert plan is not None
        tasks = await session.scalar(select(func.count()).where(Task.plan_id == plan.id))
    assert plan.status == PlanStatus.DRAFT
    assert plan.source_name == seed.name
    assert summary.startswith(f"Đã nhập kế hoạch mã {plan.id} (bản nháp): ")
    assert f"{tasks} nhiệm vụ (" in summary
    assert "thường xuyên: " in summary
    assert summary.endswith("Bấm «Kích hoạt» để giao việc cho các đơn vị và bắt đầu nhắc việc.")
    [(_, message)] = desk.platform.sent[-1:]
    assert [[(b.text, b.data) for b in row] for row in message.buttons] == [
        [("Kích hoạt", f"act:{plan.id}")]
    ]
    async with desk.database.sessions() as session:
        report = await session.scalar(select(Report).order_by(Report.id.desc()))
    assert report is not None and report.parsed is not None
    assert report.parsed["plan_id"] == plan.id

    [activated] = await desk.say(button=f"act:{plan.id}")

    created = await desk.count(Assignment)
    assert created > 0
    assert activated.startswith(
        f"Kế hoạch mã {plan.id} đã được kích hoạt: tạo {created} phần việc."
    )
    assert "Số lời nhắc đã lên lịch: " in activated
    assert desk.platform.acknowledged[-1][1] == "Đã kích hoạt kế hoạch."
    async with desk.database.sessions() as session:
        stored = await session.get(Plan, plan.id)
        assert stored is not None and stored.status == PlanStatus.ACTIVE


async def test_review_items_are_listed_with_their_flags(desk: Office) -> None:
    seed = next(s for s in SEEDS if s.name.startswith("004"))

    [summary] = await desk.upload(seed.name, seed.read_bytes())

    head, review = summary.split(" nhiệm vụ cần xem lại:")
    flagged = int(head.splitlines()[-1])
    lines = review.splitlines()
    items = [line for line in lines if line.startswith("• #")]
    flags = [line for line in lines if line.startswith("    (")]
    assert flagged > 10
    assert len(items) == len(flags) == 10
    assert "    (chưa có đơn vị chủ trì)" in flags
    assert f"… và {flagged - 10} nhiệm vụ khác" in lines
    new = summary.split("Đơn vị mới, chưa có trong danh bạ (")[1].splitlines()
    count = int(new[0].removesuffix("):"))
    assert count > 15
    assert len(new[1].split("; ")) == 15
    assert new[2] == f"… và {count - 15} đơn vị khác"


async def test_a_triggered_conditional_task_from_an_uploaded_plan(desk: Office) -> None:
    seed = next(s for s in SEEDS if s.name.startswith("004"))
    await desk.upload(seed.name, seed.read_bytes())
    async with desk.database.sessions() as session:
        plan_id = await session.scalar(select(Plan.id))
        task_id = await session.scalar(
            select(Task.id)
            .join(TaskUnit, TaskUnit.task_id == Task.id)
            .where(Task.kind == TimeKind.CONDITIONAL, TaskUnit.role == UnitRole.LEAD)
            .order_by(Task.id)
        )
    await desk.say(button=f"act:{plan_id}")

    [answer] = await desk.say(f"/kichhoat {task_id} 15/01/2027")

    async with desk.database.sessions() as session:
        states = (
            await session.scalars(select(Assignment.state).where(Assignment.task_id == task_id))
        ).all()
    assert states and set(states) == {AssignmentState.OPEN}
    assert answer.startswith(
        f"Đã kích hoạt nhiệm vụ mã {task_id}, hạn 15/01/2027: mở {len(states)} phần việc."
    )


async def test_the_same_file_twice_is_refused(desk: Office) -> None:
    data = SEEDS[1].read_bytes()
    await desk.upload(SEEDS[1].name, data)
    units = await desk.count(Unit)
    plan_id = await _first_plan(desk)

    answer = await desk.upload("ban sao.txt", data)

    assert answer == [f"Tệp này đã được nhập thành kế hoạch mã {plan_id}; không lưu thêm gì."]
    assert (await desk.count(Plan), await desk.count(Unit)) == (1, units)
    # Still a draft: the answer offers to activate it again.
    assert desk.platform.sent[-1][1].buttons[0][0].data == f"act:{plan_id}"

    await desk.say(button=f"act:{plan_id}")
    await desk.upload("ban sao 2.txt", data)

    assert not desk.platform.sent[-1][1].buttons


async def _first_plan(desk: Office) -> int | None:
    async with desk.database.sessions() as session:
        return await session.scalar(select(Plan.id))


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "data", "size", "expected"),
    [
        ("ke hoach.docx", b"", 0, "Tệp ke hoach.docx trống"),
        ("ke hoach.txt", b"", None, "Tệp ke hoach.txt trống"),
        (
            "anh.docx",
            PNG,
            -1,
            "Tệp anh.docx không phải là tệp Word (.docx) hợp lệ (có vẻ là ảnh PNG)",
        ),
        ("ke hoach.xlsx", b"PK\x03\x04", -1, "Không hỗ trợ loại tệp .xlsx"),
        ("ke hoach.pdf", b"%PDF-1.4", -1, "Tệp ke hoach.pdf bị hỏng"),
        ("ban quet.pdf", image_only_pdf(), -1, "Tệp ban quet.pdf là PDF scan"),
        ("loi chao.txt", "Xin chào các đồng chí.\n".encode(), -1, "Không tìm thấy nhiệm vụ"),
        (
            "cong van.txt",
            "Kính gửi.\nUBND xã chủ trì tổng kết trước ngày 30/6/2026.\n".encode(),
            -1,
            "Không tìm thấy nhiệm vụ nào trong cong van.txt",
        ),
    ],
    ids=[
        "empty",
        "empty-unknown-size",
        "png-as-docx",
        "xlsx",
        "damaged-pdf",
        "scan",
        "no-tasks",
        "prose-with-work",
    ],
)
async def test_bad_files_are_refused_and_nothing_is_stored(
    desk: Office, name: str, data: bytes, size: int | None, expected: str
) -> None:
    [answer] = await desk.upload(name, data, size=size)

    assert answer.startswith(expected), answer
    if name == "cong van.txt":
        assert "\n  2: UBND xã chủ trì tổng kết trước ngày 30/6/2026." in answer
    await _nothing_stored(desk, name)


async def _nothing_stored(desk: Office, name: str) -> None:
    assert (await desk.count(Plan), await desk.count(Task), await desk.count(Unit)) == (0, 0, 2)
    async with desk.database.sessions() as session:
        report = await session.scalar(select(Report).order_by(Report.id.desc()))
    assert report is not None and report.raw_text == f"[file] {name}"
    assert report.contact_id is not None


async def test_a_png_renamed_docx_names_what_it_is(desk: Office) -> None:
    [answer] = await desk.upload("anh.docx", PNG)

    assert "ảnh PNG" in answer or "PNG" in answer


@pytest.mark.parametrize("announced", [True, False], ids=["size-known", "size-unknown"])
async def test_a_file_over_the_limit_is_refused_before_reading(
    database: Database, announced: bool
) -> None:
    small = await _office(database, make_deps(database, max_plan_bytes=2048))
    data = SEEDS[0].read_bytes()
    if announced:
        # The platform said how big it is: the file is never downloaded.
        answer = await small.say(file=IncomingFile("missing", "lon.txt", len(data)))
    else:
        answer = await small.upload("lon.txt", data, size=None)

    assert answer == [
        f"Tệp lon.txt quá lớn ({round(len(data) / 1024)} KB). Chỉ nhận tệp kế hoạch đến 2 KB."
    ]
    await _nothing_stored(small, "lon.txt")


async def test_a_failed_import_leaves_nothing_half_stored(
    desk: Office, monkeypatch: pytest.MonkeyPatch
) -> None:

    async def import_then_fail(
        session: AsyncSession, extracted: ExtractedPlan, **kwargs: Any
    ) -> ImportResult:
        await import_plan(session, extracted, **kwargs)
        assert await session.scalar(select(func.count()).select_from(Plan)) == 1
        raise PlanServiceError("no_tasks", {"source_name": kwargs["source_name"]})

    importer: Callable[..., Awaitable[ImportResult]] = import_then_fail
    monkeypatch.setattr(office, "import_plan", importer)

    [answer] = await desk.upload(SEEDS[0].name, SEEDS[0].read_bytes())

    assert answer.startswith(f"Không tìm thấy nhiệm vụ nào trong {SEEDS[0].name}")
    await _nothing_stored(desk, SEEDS[0].name)


async def test_activating_an_unknown_plan(desk: Office) -> None:
    assert await desk.say(button="act:999") == ["Không có kế hoạch mã 999."]
    assert await desk.say(button="act:x") == ["Nút này không còn dùng được."]
