"""The conversation core: store first, route by role, answer after the commit."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.i18n import translator
from handlers.conversation import Conversation
from handlers.router import EVERYONE, OFFICE, Role, Router, button_data
from handlers.turn import Deps, Turn, split_text
from scheduling.calendar import WorkingCalendar
from scheduling.clock import FakeClock
from scheduling.planner import ReminderPlanner
from storage.db import Database
from storage.models import Channel, Contact, Report
from tests.handlers.fakes import FakePlatform, incoming


def deps(database: Database) -> Deps:
    calendar = WorkingCalendar(tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    return Deps(
        database=database,
        clock=FakeClock(datetime(2026, 12, 1, 2, 0, tzinfo=UTC)),
        planner=ReminderPlanner(calendar),
        calendar=calendar,
        translations=translator,
    )


def echo_router(seen: list[Role]) -> Router:
    router = Router("test")

    @router.command("ping", roles=EVERYONE)
    async def ping(turn: Turn) -> None:
        seen.append(turn.role)
        turn.say("pong")

    @router.button("secret", roles=OFFICE)
    async def secret(turn: Turn) -> None:
        turn.say("opened")

    @router.command("boom", roles=EVERYONE)
    async def boom(turn: Turn) -> None:
        raise RuntimeError("handler failed")

    return router


async def test_stranger_learns_how_to_register_and_the_message_is_stored(
    database: Database,
) -> None:
    platform = FakePlatform()
    conversation = Conversation(deps(database), [echo_router([])])

    await conversation.handle(incoming("xin chào"), platform)

    assert "/start" in platform.texts()[0]
    async with database.sessions() as session:
        assert await session.scalar(select(Report.raw_text)) == "xin chào"


async def test_a_message_delivered_twice_is_stored_and_answered_once(database: Database) -> None:
    platform = FakePlatform()
    seen: list[Role] = []
    conversation = Conversation(deps(database), [echo_router(seen)])
    message = incoming("/ping", message_id="77")

    await conversation.handle(message, platform)
    await conversation.handle(message, platform)

    assert platform.texts() == ["pong"]
    async with database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Report)) == 1


async def test_a_forged_button_is_refused(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    platform = FakePlatform()
    conversation = Conversation(deps(database), [echo_router([])])
    async with database.transaction() as session:
        session.add(Contact(channel=Channel.TELEGRAM, chat_id="9", user_id="9", unit_id=None))

    await conversation.handle(incoming(button=button_data("secret", 1), user="9"), platform)

    assert "opened" not in platform.texts()
    assert "refused button" in caplog.text
    assert platform.acknowledged


async def test_a_failing_handler_keeps_the_message_and_apologises(database: Database) -> None:
    platform = FakePlatform()
    conversation = Conversation(deps(database), [echo_router([])])

    await conversation.handle(incoming("/boom"), platform)

    assert "Xin lỗi" in platform.texts()[0] or "Sorry" in platform.texts()[0]
    async with database.sessions() as session:
        assert await session.scalar(select(Report.raw_text)) == "/boom"


def test_long_text_is_split_at_line_ends() -> None:
    text = "\n".join(f"dòng {i}" for i in range(1000))
    pieces = split_text(text, 2000)
    assert all(len(p) <= 2000 for p in pieces)
    assert "\n".join(pieces) == text
