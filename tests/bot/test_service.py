"""The running service end to end: activated plan → reminders → the fake Bot API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr
from sqlalchemy import select

from bot.config import Settings
from bot.service import open_channels, run_reminders
from scheduling.clock import FakeClock
from storage.db import open_database
from storage.models import Plan, PlanStatus, Reminder, ReminderState
from tests.fakes.telegram_server import running_fake
from tests.scheduling.fakes import make_assignment, make_contact

NOW = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # Tuesday 09:30 in Hà Nội


async def test_due_reminders_reach_telegram_and_are_recorded(settings: Settings) -> None:
    today = NOW.astimezone(settings.tz).date()
    async with open_database(settings) as database, database.transaction() as session:
        assignment = await make_assignment(session, due=today + timedelta(days=1))
        plan = await session.scalar(select(Plan))
        assert plan is not None
        plan.status = PlanStatus.ACTIVE
        plan.reminder_policy = {"before_days": [1, 2], "send_time": "08:00"}
        await make_contact(session, assignment.unit_id, chat_id="4242")

    async with running_fake() as fake:
        configured = settings.model_copy(
            update={
                "telegram_bot_token": SecretStr("123:TEST"),
                "telegram_api_base": fake.base_url,
            }
        )
        stop = asyncio.Event()
        async with open_channels(configured) as channels:
            service = asyncio.create_task(
                run_reminders(configured, channels, stop, clock=FakeClock(NOW))
            )
            for _ in range(100):
                if fake.messages:
                    break
                await asyncio.sleep(0.1)
            stop.set()
            await service

    # Two days before was yesterday, outside the grace window; one day before is this morning.
    assert [str(m.chat_id) for m in fake.messages] == ["4242"]
    # Written as the bot writes reminders: with the answer buttons.
    markup = fake.messages[0].reply_markup
    assert markup is not None and markup["inline_keyboard"][0][0]["callback_data"]
    async with open_database(settings) as database, database.sessions() as session:
        rows = (await session.scalars(select(Reminder))).all()
    sent = [r for r in rows if r.state is ReminderState.SENT]
    assert [r.message_id for r in sent] == [str(m.message_id) for m in fake.messages]
    assert {r.state for r in rows} == {ReminderState.SENT, ReminderState.PENDING}
