"""How fast the dispatcher can go when nothing holds it back:
``python -m bench.dispatch_ceiling [--reminders N] [--chats N] [--batch-size N] [--concurrency N]``.

A SQLite outbox holds ``--reminders`` due reminders for ``--chats`` chats; the real
:class:`Dispatcher` (the running bot's composer, with answer buttons; the Telegram
channel over HTTP) sends them to the fake Bot API, which does not enforce limits,
with flood limits set out of reach. The fake runs in its own process so that it
does not share a CPU with the dispatcher, and the process starts as the running
bot does (:func:`bot.app.freeze_startup_objects`). The time runs from the first
claim to the last record. The last line is one JSON object::

    {"reminders": ..., "messages_per_second": ..., "seconds": ..., "batch_size": ...,
     "concurrency": ..., "database": "sqlite"}
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bench._support import (
    BENCH_TOKEN,
    UNLIMITED,
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
from tests.fakes.telegram_server import fake_process

DEFAULT_REMINDERS = 10_000
DEFAULT_CHATS = 1_000
DEFAULT_BATCH_SIZE = 500
DEFAULT_CONCURRENCY = 128


async def run(
    folder: Path, *, reminders: int, chats: int, batch_size: int, concurrency: int, api_base: str
) -> dict[str, float | int | str]:
    """Fill the outbox, drain it through the fake, and return the result fields."""
    due = utc_now() - timedelta(minutes=1)
    async with bench_database(folder / "ceiling.db") as database:
        targets = await seed_targets(database, chats=chats, tasks=-(-reminders // chats))
        await enqueue_all(database, new_reminders(targets, reminders, lambda _: due))
        async with TelegramChannel(BENCH_TOKEN, api_base=api_base) as telegram:
            dispatcher = Dispatcher(
                database,
                {telegram.name: telegram},
                production_composer(),
                clock=SystemClock(),
                limits=UNLIMITED,
                batch_size=batch_size,
                concurrency=concurrency,
            )
            started = time.perf_counter()
            await dispatcher.drain()
            seconds = time.perf_counter() - started
        sent = await sent_count(database)
    if sent != reminders:
        raise RuntimeError(f"{sent} of {reminders} reminders sent")
    return {
        "reminders": reminders,
        "chats": chats,
        "messages_per_second": round(sent / seconds, 1),
        "seconds": round(seconds, 2),
        "batch_size": batch_size,
        "concurrency": concurrency,
        "database": "sqlite",
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reminders", type=int, default=DEFAULT_REMINDERS)
    parser.add_argument("--chats", type=int, default=DEFAULT_CHATS)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch, fake_process() as api_base:
        freeze_startup_objects()  # as the running bot does
        result = asyncio.run(
            run(
                Path(scratch),
                reminders=args.reminders,
                chats=args.chats,
                batch_size=args.batch_size,
                concurrency=args.concurrency,
                api_base=api_base,
            )
        )
    print(
        f"{result['reminders']:,} reminders in {result['seconds']} s:"
        f" {result['messages_per_second']} messages/s"
        f" (batch {result['batch_size']}, concurrency {result['concurrency']}, SQLite)"
    )
    emit(result)


if __name__ == "__main__":
    main()
