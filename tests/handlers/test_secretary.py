"""A secretary's own commands: the unit's open tasks, the guide, the language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import invites
from handlers.router import button_data
from plans import directory
from plans.activation import activate_plan
from plans.importing import import_plan
from plans.model import ExtractedPlan, ExtractedTask, Timeframe, TimeKind
from storage import queries
from storage.db import Database
from storage.models import Assignment, AssignmentState, Contact
from tests.handlers.fakes import incoming
from tests.handlers.test_registration import Chat

NA_HAU = "Chi bộ thôn Nà Hẩu"
BAN_PHO = "Chi bộ thôn Bản Phố"
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _task(content: str, lead: str, when: Timeframe) -> ExtractedTask:
    return ExtractedTask(ref="", content=content, lead=[lead], support=[], when=when)


PLAN = ExtractedPlan(
    title="Kế hoạch thực hiện Nghị quyết năm 2027",
    number="12-KH/ĐU",
    issuer="Đảng ủy xã",
    period=(2026, 2027),
    tasks=[
        _task(
            "Tổ chức hội nghị quán triệt Nghị quyết đến toàn thể đảng viên",
            NA_HAU,
            Timeframe("Quý I/2027", TimeKind.ONCE, due=date(2027, 3, 31)),
        ),
        _task(
            "Báo cáo sơ kết công tác phát triển đảng viên",
            NA_HAU,
            Timeframe("Trước ngày 15/12/2026", TimeKind.ONCE, due=date(2026, 12, 15)),
        ),
        _task(
            "Kiểm tra việc sinh hoạt chi bộ định kỳ",
            BAN_PHO,
            Timeframe("Tháng 1/2027", TimeKind.ONCE, due=date(2027, 1, 31)),
        ),
        _task(
            "Tuyên truyền, vận động nhân dân giữ gìn vệ sinh môi trường",
            NA_HAU,
            Timeframe("Thường xuyên", TimeKind.CONTINUOUS),
        ),
        _task(
            "Tổng kết khi có hướng dẫn của cấp trên",
            NA_HAU,
            Timeframe("Khi có hướng dẫn", TimeKind.CONDITIONAL),
        ),
        _task(
            "Rà soát danh sách đảng viên miễn sinh hoạt",
            NA_HAU,
            Timeframe("Tháng 11/2026", TimeKind.ONCE, due=date(2026, 11, 30)),
        ),
    ],
)


async def active_plan(database: Database) -> dict[str, Assignment]:
    """The plan above, activated; its assignments by task content. The last task of Nà
    Hẩu is done, the second reported at 80% with a problem."""
    async with database.transaction() as session:
        for name in (NA_HAU, BAN_PHO):
            await directory.add_unit(session, name)
        result = await import_plan(session, PLAN, source_name="kh.txt", source_sha256="a" * 64)
        await activate_plan(session, result.plan_id, today=date(2026, 12, 1))
        by_content = await _assignments(session, result.plan_id)
        done = by_content["Rà soát danh sách đảng viên miễn sinh hoạt"]
        done.state = AssignmentState.DONE
        reported = by_content["Báo cáo sơ kết công tác phát triển đảng viên"]
        reported.percent = 80
        reported.problem = "thiếu hồ sơ của 2 quần chúng ưu tú"
        reported.last_report_at = NOW
        return by_content


async def _assignments(session: AsyncSession, plan_id: int) -> dict[str, Assignment]:
    tasks = {t.id: t.content for t in await queries.tasks_of_plan(session, plan_id)}
    return {tasks[a.task_id]: a for a in await queries.assignments_of_plan(session, plan_id)}


async def register(chat: Chat, unit_name: str | None, *, user: str = "501") -> None:
    async with chat.database.transaction() as session:
        unit = await directory.find_unit(session, unit_name) if unit_name else None
        invite = await invites.create_invite(
            session, unit_id=unit.id if unit else None, office=unit is None, now=NOW
        )
    await chat.send(f"/start {invite.code}", user=user)


async def test_the_list_holds_exactly_the_units_open_tasks_soonest_first(
    database: Database,
) -> None:
    chat = Chat(database)
    tasks = await active_plan(database)
    await register(chat, NA_HAU)

    answer = await chat.send("/nhiemvu")

    listed = [tasks[content].id for content in tasks if f"#{tasks[content].id} " in answer]
    expected = [
        tasks["Báo cáo sơ kết công tác phát triển đảng viên"].id,
        tasks["Tổ chức hội nghị quán triệt Nghị quyết đến toàn thể đảng viên"].id,
        tasks["Tuyên truyền, vận động nhân dân giữ gìn vệ sinh môi trường"].id,
    ]
    assert sorted(listed) == sorted(expected)
    positions = [answer.index(f"#{assignment_id} ") for assignment_id in expected]
    assert positions == sorted(positions)
    assert "Kiểm tra việc sinh hoạt" not in answer
    assert "Tổng kết khi có hướng dẫn" not in answer
    assert "Rà soát danh sách" not in answer
    assert answer.startswith(f"Nhiệm vụ đang mở của {NA_HAU}:")


async def test_each_task_shows_its_deadline_as_written_and_its_status(database: Database) -> None:
    chat = Chat(database)
    tasks = await active_plan(database)
    await register(chat, NA_HAU)

    answer = await chat.send("/nhiemvu")

    blocks = {block.split(" ", 1)[0]: block for block in answer.split("\n\n")}
    reported = blocks[f"#{tasks['Báo cáo sơ kết công tác phát triển đảng viên'].id}"]
    assert "Hạn: Trước ngày 15/12/2026" in reported
    assert "đạt 80%" in reported and "vướng: thiếu hồ sơ" in reported
    quarter = blocks[
        f"#{tasks['Tổ chức hội nghị quán triệt Nghị quyết đến toàn thể đảng viên'].id}"
    ]
    assert "Hạn: Quý I/2027" in quarter and "chưa báo cáo" in quarter
    standing = blocks[f"#{tasks['Tuyên truyền, vận động nhân dân giữ gìn vệ sinh môi trường'].id}"]
    assert "Hạn: Thường xuyên" in standing


async def test_an_overdue_task_says_so(database: Database) -> None:
    chat = Chat(database)
    tasks = await active_plan(database)
    await register(chat, NA_HAU)
    chat.clock.advance(20 * 24 * 3600)

    answer = await chat.send("/nhiemvu")

    reported = next(
        block
        for block in answer.split("\n\n")
        if block.startswith(f"#{tasks['Báo cáo sơ kết công tác phát triển đảng viên'].id} ")
    )
    assert "quá hạn" in reported


async def test_another_unit_sees_only_its_own_tasks(database: Database) -> None:
    chat = Chat(database)
    tasks = await active_plan(database)
    await register(chat, BAN_PHO, user="502")

    answer = await chat.send("/nhiemvu", user="502")

    assert f"#{tasks['Kiểm tra việc sinh hoạt chi bộ định kỳ'].id} " in answer
    assert "Hạn: Tháng 1/2027" in answer
    assert "Báo cáo sơ kết" not in answer and "quán triệt" not in answer


async def test_the_office_is_pointed_to_the_status_command(database: Database) -> None:
    chat = Chat(database)
    await active_plan(database)
    await register(chat, None, user="700")

    answer = await chat.send("/nhiemvu", user="700")

    assert "/tinhhinh" in answer and "#" not in answer


async def test_the_guide_shows_office_commands_only_to_the_office(database: Database) -> None:
    chat = Chat(database)
    await active_plan(database)
    await register(chat, NA_HAU, user="501")
    await register(chat, None, user="700")

    for_secretary = await chat.send("/huongdan", user="501")
    for_office = await chat.send("/help", user="700")

    for guide in (for_secretary, for_office):
        assert '"xong"' in guide and '"đạt 80%"' in guide and '"#12 đạt 80%"' in guide
        assert "nhắc lại sau 3 ngày" in guide
    assert "/tinhhinh" not in for_secretary and "/nhiemvu" in for_secretary
    assert "/baocao" in for_secretary and "hoàn tác" in for_secretary
    assert "/tinhhinh" in for_office and "/dangkynhom" in for_office


async def test_a_summary_group_is_not_given_the_guide(database: Database) -> None:
    chat = Chat(database)
    await register(chat, None, user="700")
    await chat.send("/dangkynhom", user="700", chat="-42", group=True)

    answer = await chat.send("/huongdan", user="555", chat="-42", group=True)

    assert "không có quyền" in answer


async def test_language_buttons_switch_to_english(database: Database) -> None:
    chat = Chat(database)
    await active_plan(database)
    await register(chat, NA_HAU)

    offer = await chat.send("/ngonngu")
    _chat, message = chat.platform.sent[-1]
    buttons = {button.text: button.data for row in message.buttons for button in row}
    assert "Chọn ngôn ngữ" in offer
    assert buttons == {
        "Tiếng Việt": button_data("lang", "vi"),
        "English": button_data("lang", "en"),
    }

    pressed = incoming(button=buttons["English"], at=chat.clock.now())
    await chat.conversation.handle(pressed, chat.platform)

    assert chat.platform.sent[-1][1].text.startswith("Language: English")
    assert chat.platform.acknowledged[-1][1] == "English"
    listing = await chat.send("/nhiemvu")
    assert listing.startswith(f"Open tasks of {NA_HAU}:")
    assert "Due: Quý I/2027" in listing and "80% done" in listing
    assert "How to report on a task" in await chat.send("/huongdan")


async def test_the_language_can_be_named_in_the_command(database: Database) -> None:
    chat = Chat(database)
    await register(chat, NA_HAU)

    english = await chat.send("/ngonngu English")
    vietnamese = await chat.send("/ngonngu tiếng việt")

    assert english.startswith("Language: English")
    assert vietnamese.startswith("Ngôn ngữ: Tiếng Việt")
    async with database.sessions() as session:
        assert await session.scalar(select(Contact.language)) == "vi"


async def test_without_buttons_the_languages_are_offered_as_commands(database: Database) -> None:
    chat = Chat(database)
    chat.platform.supports_buttons = False
    await register(chat, NA_HAU)

    answer = await chat.send("/ngonngu")

    assert "/ngonngu en" in answer and "/ngonngu vi" in answer
    assert chat.platform.sent[-1][1].buttons == ()
