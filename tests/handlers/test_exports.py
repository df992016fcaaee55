"""The office's report files and the summary group's schedule, in chat."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from handlers import exports, office
from handlers.conversation import Conversation
from storage.db import Database
from storage.models import Channel, Contact
from tests.handlers.test_office import (
    OFFICE_USER,
    SECRETARY_USER,
    Office,
    _office,
    _scripted,
    make_deps,
)


@pytest.fixture
async def desk(database: Database) -> Office:
    built = await _office(database, make_deps(database))
    built.conversation = Conversation(make_deps(database), [office.router, exports.router])
    return built


async def test_the_office_gets_the_excel_workbook_of_the_active_plans(desk: Office) -> None:
    await _scripted(desk)

    assert await desk.say("/xuatexcel") == []

    [(chat, sent)] = desk.platform.files
    assert chat == OFFICE_USER and sent.name.endswith(".xlsx") and not sent.picture
    workbook = load_workbook(io.BytesIO(sent.data))
    assert len(workbook.sheetnames) == 2
    plan_sheet = workbook[workbook.sheetnames[1]]
    values = [cell.value for row in plan_sheet.iter_rows(max_row=6) for cell in row]
    assert "Kế hoạch kiểm tra" in values
    assert "Nội dung" in values and "Tình trạng" in values


async def test_the_office_gets_the_word_draft_of_one_plan(desk: Office) -> None:
    await _scripted(desk)

    assert await desk.say("/xuatword 1") == []

    [(_chat, sent)] = desk.platform.files
    document = Document(io.BytesIO(sent.data))
    text = "\n".join(p.text for p in document.paragraphs)
    header = "\n".join(cell.text for cell in document.tables[0]._cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header
    assert "KẾT QUẢ THỰC HIỆN" in text


async def test_bad_or_missing_plans_are_explained(desk: Office) -> None:
    assert await desk.say("/xuatexcel") == ["Chưa có kế hoạch nào đang thực hiện để xuất."]
    assert await desk.say("/xuatword") == ["Gửi /xuatword MÃ_KẾ_HOẠCH, ví dụ: /xuatword 3"]
    assert await desk.say("/xuatword 99") == ["Không có kế hoạch mã 99."]
    assert await desk.say("/xuatexcel abc") == [
        "Gửi /xuatexcel để xuất mọi kế hoạch đang thực hiện, hoặc /xuatexcel MÃ_KẾ_HOẠCH"
        " để xuất một kế hoạch."
    ]
    assert desk.platform.files == []


async def test_a_secretary_cannot_export(desk: Office) -> None:
    await _scripted(desk)
    [answer] = await desk.say("/xuatexcel", user=SECRETARY_USER)
    assert "không" in answer.lower()
    assert desk.platform.files == []


async def test_a_summary_group_chooses_when_it_gets_the_weekly_summary(desk: Office) -> None:
    async with desk.database.transaction() as session:
        session.add(Contact(channel=Channel.TELEGRAM, chat_id="-500", user_id=None))

    in_group: dict[str, Any] = {"chat": "-500", "group": True}
    assert await desk.say("/lichtonghop", **in_group) == [
        "Nhóm này nhận bản tổng hợp hằng tuần vào giờ mặc định (thứ Hai, 08:00)."
    ]
    assert await desk.say("/lichtonghop thứ 6 16h30", **in_group) == [
        "Nhóm này nhận bản tổng hợp hằng tuần vào thứ Sáu lúc 16:30."
    ]
    assert await desk.say("/lichtonghop", **in_group) == [
        "Nhóm này nhận bản tổng hợp hằng tuần vào thứ Sáu lúc 16:30."
    ]
    assert await desk.say("/lichtonghop thứ 9", **in_group) == [
        'Hãy ghi thứ và giờ, ví dụ "/lichtonghop thứ 2 08:00", hoặc "/lichtonghop tắt".'
    ]
    assert await desk.say("/lichtonghop tắt", **in_group) == [
        "Nhóm này không nhận bản tổng hợp hằng tuần."
    ]
    assert await desk.say("/lichtonghop thứ 2 8h") == [
        "Hãy gửi /lichtonghop trong nhóm nhận tổng hợp cần đổi lịch."
    ]
    async with desk.database.sessions() as session:
        stored = await session.scalar(
            select(Contact.summary_schedule).where(Contact.chat_id == "-500")
        )
    assert stored == "off"
