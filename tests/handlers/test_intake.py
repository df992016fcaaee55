"""The intake: acknowledged once stored, read in the background, never lost."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from handlers.conversation import Conversation
from handlers.messages import IncomingFile, incoming_from_json, incoming_to_json
from handlers.router import EVERYONE, Router
from handlers.turn import Turn
from storage.db import Database
from storage.models import Report
from tests.handlers.fakes import FakePlatform, incoming
from tests.handlers.test_conversation import deps, echo_router


def counting_router(order: list[str]) -> Router:
    router = Router("count")

    @router.text(roles=EVERYONE)
    async def note(turn: Turn) -> bool:
        order.append(turn.incoming.text)
        turn.say(f"ok {turn.incoming.text}")
        return True

    return router


async def unhandled(database: Database) -> int:
    async with database.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Report).where(Report.handled_at.is_(None))
        )
    return count or 0


def test_a_message_survives_its_round_trip_through_json() -> None:
    message = incoming("kế hoạch", reply_to="12", file=IncomingFile("f-1", "kh.docx", 2048))
    assert incoming_from_json(incoming_to_json(message)) == message


async def test_receiving_returns_once_stored_and_the_answer_follows(database: Database) -> None:
    platform = FakePlatform()
    conversation = Conversation(deps(database), [echo_router([])])

    async with conversation.intake.running():
        assert await conversation.intake.receive(incoming("/ping", message_id="1"), platform)
        assert (
            await conversation.intake.receive(incoming("/ping", message_id="1"), platform) is False
        )

    assert platform.texts() == ["pong"]
    assert await unhandled(database) == 0


async def test_a_burst_is_stored_together_and_each_chat_answered_in_order(
    database: Database,
) -> None:
    platform = FakePlatform()
    order: list[str] = []
    conversation = Conversation(deps(database), [counting_router(order)])
    messages = [
        incoming(f"{chat}-{n}", user=chat, message_id=f"{chat}{n}")
        for n in range(10)
        for chat in ("501", "502", "503")
    ]

    async with conversation.intake.running():
        stored = await asyncio.gather(
            *(conversation.intake.receive(message, platform) for message in messages)
        )

    assert all(stored)
    for chat in ("501", "502", "503"):
        expected = [f"ok {chat}-{n}" for n in range(10)]
        assert [m.text for c, m in platform.sent if c == chat] == expected
    assert order == [message.text for message in messages]


async def test_a_failing_message_does_not_take_the_others_with_it(database: Database) -> None:
    platform = FakePlatform()
    conversation = Conversation(deps(database), [echo_router([])])
    messages = [
        incoming("/ping", message_id="1"),
        incoming("/boom", message_id="2"),
        incoming("/ping", message_id="3"),
    ]

    async with conversation.intake.running():
        await asyncio.gather(*(conversation.intake.receive(m, platform) for m in messages))

    texts = platform.texts()
    assert texts[0] == "pong" and texts[2] == "pong"
    assert "Sorry" in texts[1] or "Xin lỗi" in texts[1]
    async with database.sessions() as session:
        failed = await session.scalar(select(Report.parsed).where(Report.message_id == "2"))
    assert failed == {"failed": True}
    assert await unhandled(database) == 0


async def test_messages_stored_but_not_read_are_read_after_a_restart(database: Database) -> None:
    first = Conversation(deps(database), [echo_router([])])
    platform = FakePlatform()
    # Stored, acknowledged, then the process stopped before reading them.
    await first.intake.receive(incoming("/ping", message_id="1"), platform)
    await first.intake.receive(incoming("/ping", message_id="2", user="777"), platform)
    assert platform.texts() == []
    assert await unhandled(database) == 2

    second = Conversation(deps(database), [echo_router([])])
    async with second.intake.running():
        assert await second.intake.recover(platform) == 2

    assert platform.texts() == ["pong", "pong"]
    assert await unhandled(database) == 0
    other_channel = FakePlatform(name="zalo")
    assert await second.intake.recover(other_channel) == 0


async def test_a_message_that_cannot_be_stored_raises_for_the_platform_to_retry(
    database: Database,
) -> None:
    platform = FakePlatform()
    conversation = Conversation(deps(database), [echo_router([])])
    await database.engine.dispose()
    async with database.engine.begin() as connection:
        await connection.exec_driver_sql("DROP TABLE reports")

    with pytest.raises(Exception, match="reports"):
        await conversation.intake.receive(incoming("/ping"), platform)
    assert platform.texts() == []
