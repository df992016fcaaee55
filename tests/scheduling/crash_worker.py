"""A dispatcher process for the crash test: ``python -m tests.scheduling.crash_worker
--database URL --api-base URL``.

It runs the real :class:`Dispatcher` with the Telegram channel against the fake Bot
API until the outbox has nothing PENDING or CLAIMED left, then exits 0. Each
message says only ``R<reminder id>``, so the fake's delivery log can be matched
against the outbox. Claims left behind by a killed predecessor come back once
their lease runs out: the worker sweeps for them every fraction of a second
rather than every :data:`scheduling.dispatcher.REAP_EVERY` seconds, to keep the
test short.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.telegram import TelegramChannel
from scheduling import outbox
from scheduling.channel import OutgoingMessage
from scheduling.clock import SystemClock
from scheduling.dispatcher import Dispatcher
from scheduling.limits import FloodLimits
from storage.db import Database, create_engine, session_factory
from storage.models import Reminder, ReminderState

TOKEN = "123456:CRASH-TEST"
LEASE_SECONDS = 5.0
"""Long enough that a busy machine does not let a live claim expire, short enough
that the claims of a killed worker come back quickly."""
CONCURRENCY = 1
"""One send at a time: then at most one message is between its delivery and its
record when the process dies, so each kill can cause at most one duplicate."""
SWEEP_SECONDS = 0.25
FAST_LIMITS = FloodLimits(per_second=1000.0, per_chat_interval=0.0, per_group_per_minute=10**6)


def reminder_text(reminder_id: int) -> str:
    """What the worker sends for a reminder, and what the test looks for."""
    return f"R{reminder_id}"


async def tag_composer(
    session: AsyncSession, reminders: Sequence[Reminder]
) -> Mapping[int, OutgoingMessage]:
    """A composer whose messages carry only the reminder id."""
    return {r.id: OutgoingMessage(text=reminder_text(r.id)) for r in reminders}


async def _drained(database: Database) -> bool:
    async with database.transaction() as session:
        counts = (await outbox.stats(session, limit=0)).by_state
    return counts[ReminderState.PENDING.value] == 0 and counts[ReminderState.CLAIMED.value] == 0


async def _watch(dispatcher: Dispatcher, database: Database, stop: asyncio.Event) -> None:
    """Reap expired claims often, and stop the dispatcher once the outbox is drained."""
    while not stop.is_set():
        await dispatcher.reap()
        if await _drained(database):
            stop.set()
            return
        await asyncio.sleep(SWEEP_SECONDS)


async def work(database_url: str, api_base: str) -> None:
    """Dispatch until the outbox is drained."""
    engine = create_engine(database_url)
    database = Database(engine=engine, sessions=session_factory(engine))
    try:
        async with TelegramChannel(TOKEN, api_base=api_base, timeout=5.0) as telegram:
            dispatcher = Dispatcher(
                database,
                {telegram.name: telegram},
                tag_composer,
                clock=SystemClock(),
                limits=FAST_LIMITS,
                lease_seconds=LEASE_SECONDS,
                concurrency=CONCURRENCY,
                batch_size=50,
            )
            stop = asyncio.Event()
            watcher = asyncio.create_task(_watch(dispatcher, database, stop))
            await dispatcher.run(stop, idle_seconds=0.05)
            await watcher
    finally:
        await engine.dispose()


def run_worker(database_url: str, api_base: str) -> None:
    """Dispatch until the outbox is drained, from a synchronous caller (a child process)."""
    asyncio.run(work(database_url, api_base))


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Dispatch the outbox until it is drained.")
    parser.add_argument("--database", required=True, help="SQLAlchemy async URL")
    parser.add_argument("--api-base", required=True, help="base URL of the (fake) Bot API")
    args = parser.parse_args(argv)
    run_worker(args.database, args.api_base)


if __name__ == "__main__":
    main()
