"""Whether the dispatcher keeps to Telegram's flood limits while sending near them:
``python -m bench.dispatch_limits [--reminders N] [--chats N] [--per-second R]``.

1,500 due reminders for 500 chats (every 25th a group) go through the real
:class:`Dispatcher` and Telegram channel to the fake Bot API, which enforces
Telegram's limits (30 messages a second per bot, one a second per private chat
with a small burst, 20 a minute per group) and answers 429 beyond them.

The default :class:`FloodLimits` allow 25 messages a second, below the goal of 28
sustained by construction, so the benchmark runs with ``per_second=29`` (change it
with ``--per-second``) and says so in the result. "Sustained" is measured at the
fake: deliveries after the first, over the time from the first to the last. The
last line is one JSON object::

    {"reminders": 1500, "chats": 500, "messages_per_second": ..., "count_429": ...,
     "per_second_limit": 29.0, "default_per_second": 25.0, "seconds": ...}
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bench._support import (
    BENCH_TOKEN,
    bench_database,
    emit,
    enqueue_all,
    new_reminders,
    production_composer,
    seed_targets,
    sent_count,
    utc_now,
)
from bot.app import freeze_startup_objects
from bot.channels.telegram import TelegramChannel
from scheduling.clock import SystemClock
from scheduling.dispatcher import Dispatcher
from scheduling.limits import FloodLimits
from storage.db import Database
from tests.fakes.telegram_server import FakeTelegram, running_fake

DEFAULT_REMINDERS = 1_500
DEFAULT_CHATS = 500
DEFAULT_PER_SECOND = 29.0
GROUP_EVERY = 25
POLL_SECONDS = 0.25


async def _stop_when_sent(database: Database, expected: int, stop: asyncio.Event) -> None:
    while await sent_count(database) < expected:
        await asyncio.sleep(POLL_SECONDS)
    stop.set()


def sustained_rate(fake: FakeTelegram) -> float:
    """Deliveries per second at the fake, between its first and last delivery."""
    if len(fake.messages) < 2:
        return 0.0
    span = fake.messages[-1].at - fake.messages[0].at
    return (len(fake.messages) - 1) / span if span > 0 else 0.0


async def run(
    folder: Path,
    *,
    reminders: int,
    chats: int,
    limits: FloodLimits,
    timeout: float,
) -> dict[str, float | int]:
    """Fill the outbox, send it all through the enforcing fake, return the result fields."""
    due = utc_now() - timedelta(minutes=1)
    async with bench_database(folder / "limits.db") as database:
        targets = await seed_targets(
            database, chats=chats, tasks=-(-reminders // chats), group_every=GROUP_EVERY
        )
        await enqueue_all(database, new_reminders(targets, reminders, lambda _: due))
        async with (
            running_fake(enforce_limits=True) as fake,
            TelegramChannel(BENCH_TOKEN, api_base=fake.base_url) as telegram,
        ):
            dispatcher = Dispatcher(
                database,
                {telegram.name: telegram},
                production_composer(),
                clock=SystemClock(),
                limits=limits,
            )
            stop = asyncio.Event()
            started = time.perf_counter()
            async with asyncio.timeout(timeout):
                await asyncio.gather(
                    dispatcher.run(stop, idle_seconds=0.05),
                    _stop_when_sent(database, reminders, stop),
                )
            seconds = time.perf_counter() - started
    return {
        "reminders": reminders,
        "chats": chats,
        "messages_per_second": round(sustained_rate(fake), 2),
        "count_429": fake.count_429,
        "delivered": len(fake.messages),
        "per_second_limit": limits.per_second,
        "batch_size": dispatcher.batch_size,
        "default_per_second": FloodLimits().per_second,
        "seconds": round(seconds, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reminders", type=int, default=DEFAULT_REMINDERS)
    parser.add_argument("--chats", type=int, default=DEFAULT_CHATS)
    parser.add_argument("--per-second", type=float, default=DEFAULT_PER_SECOND)
    args = parser.parse_args(argv)
    limits = dataclasses.replace(FloodLimits(), per_second=args.per_second)
    print(
        f"sending {args.reminders:,} reminders to {args.chats} chats at most"
        f" {limits.per_second:g}/s (default {FloodLimits().per_second:g}/s) ...",
        flush=True,
    )
    timeout = 3 * args.reminders / limits.per_second + 30
    with tempfile.TemporaryDirectory() as scratch:
        freeze_startup_objects()  # as the running bot does
        result = asyncio.run(
            run(
                Path(scratch),
                reminders=args.reminders,
                chats=args.chats,
                limits=limits,
                timeout=timeout,
            )
        )
    print(
        f"{result['delivered']:,} delivered in {result['seconds']} s:"
        f" {result['messages_per_second']} messages/s sustained, {result['count_429']} × 429"
    )
    emit(result)


if __name__ == "__main__":
    main()
