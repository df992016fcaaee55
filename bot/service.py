"""The long-running side of Nhắc Việc: channels, dispatcher and periodic jobs, in one lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.config import Settings
from bot.wiring import channel_limits, reminder_composer, reminder_planner
from scheduling.channel import Channel
from scheduling.clock import Clock, SystemClock
from scheduling.dispatcher import Dispatcher
from scheduling.jobs import ReminderJobs, build_scheduler, running
from storage.db import open_database


@asynccontextmanager
async def open_channels(settings: Settings) -> AsyncIterator[dict[str, Channel]]:
    """The chat channels the settings configure, closed on exit."""
    async with AsyncExitStack() as stack:
        channels: dict[str, Channel] = {}
        if settings.telegram_bot_token is not None:
            telegram = TelegramChannel(
                settings.telegram_bot_token.get_secret_value(), api_base=settings.telegram_api_base
            )
            channels[telegram.name] = await stack.enter_async_context(telegram)
        if settings.zalo_bot_token is not None:
            zalo = ZaloChannel(
                settings.zalo_bot_token.get_secret_value(), api_base=settings.zalo_api_base
            )
            channels[zalo.name] = await stack.enter_async_context(zalo)
        yield channels


async def run_reminders(
    settings: Settings,
    channels: Mapping[str, Channel],
    stop: asyncio.Event,
    *,
    clock: Clock | None = None,
) -> None:
    """Plan, dispatch and reap reminders on the configured database until ``stop`` is set."""
    clock = clock or SystemClock()
    async with open_database(settings) as database:
        composer = reminder_composer(settings, clock)
        dispatcher = Dispatcher(
            database, channels, composer, clock=clock, channel_limits=channel_limits(settings)
        )
        jobs = ReminderJobs(database, dispatcher, reminder_planner(settings), clock)
        async with running(build_scheduler(jobs), jobs):
            await stop.wait()
