"""How many replies a second the bot takes in through its webhook and stores:
``python -m bench.ingest [--replies N] [--secretaries N] [--concurrency N]``.

The bot runs as in production (:func:`bot.app.run_bot`, webhook mode, SQLite file,
the real conversation routers) against the fake Bot API. Secretaries of an active
plan's units answer with a task code ("#12 đạt 40%"): an HTTP client POSTs each
answer as Telegram's ``Update`` JSON, with the webhook's secret token, keeping
``--concurrency`` requests in flight. The fake runs in its own process, as
Telegram would, so that it does not take the bot's CPU. The webhook answers once the reply is stored
(durably, in its raw form); reading it, applying it to the assignment and sending
the confirmation follow in the background. ``replies_per_second`` (goal 300) counts
replies stored, from the first request to the last answer; ``applied_per_second``
counts them until the last one was applied and confirmed. The last line is one
JSON object::

    {"replies": 3000, "secretaries": 300, "concurrency": 32, "seconds": ...,
     "replies_per_second": ..., "p50_ms": ..., "p95_ms": ..., "applied_seconds": ...,
     "applied_per_second": ..., "stored": 3000, "applied": 3000,
     "confirmations": 3000, "goal": 300}
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiohttp import ClientConnectionError, ClientSession, TCPConnector
from pydantic import SecretStr
from sqlalchemy import func, select

from bench._support import BENCH_TOKEN, Target, bench_database, emit, seed_targets, sqlite_url
from bot.app import freeze_startup_objects, run_bot
from bot.config import Settings
from storage.db import Database
from storage.models import Report
from tests.fakes.telegram_server import fake_process, user_message

DEFAULT_REPLIES = 3_000
DEFAULT_SECRETARIES = 300
DEFAULT_CONCURRENCY = 32
GOAL = 300
SECRET = "bench-webhook-secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def reply_updates(targets: Sequence[Target], count: int) -> list[dict[str, Any]]:
    """``count`` answers with a task code, round-robin over the secretaries."""
    updates = []
    for index in range(count):
        target = targets[index % len(targets)]
        chat = int(target.chat_id)
        text = f"#{target.assignment_id} đạt {10 + index % 90}%"
        message = user_message(chat, chat, index + 1, text, first_name=f"Bí thư {chat}")
        updates.append({"update_id": index + 1, "message": message})
    return updates


async def _post_all(
    url: str, updates: Sequence[dict[str, Any]], concurrency: int
) -> tuple[float, list[float]]:
    """POST every update, ``concurrency`` at a time; the seconds taken and each latency."""
    latencies: list[float] = []
    slots = asyncio.Semaphore(concurrency)
    headers = {SECRET_HEADER: SECRET}

    async def post(http: ClientSession, update: dict[str, Any]) -> None:
        async with slots:
            started = time.perf_counter()
            async with http.post(url, json=update, headers=headers) as answer:
                await answer.read()
                if answer.status != 200:
                    raise RuntimeError(f"update {update['update_id']}: HTTP {answer.status}")
            latencies.append(time.perf_counter() - started)

    async with ClientSession(connector=TCPConnector(limit=concurrency)) as http:
        started = time.perf_counter()
        await asyncio.gather(*(post(http, update) for update in updates))
        return time.perf_counter() - started, latencies


async def _stored(database: Database) -> tuple[int, int]:
    """Reports stored, and those applied to an assignment."""
    async with database.sessions() as session:
        stored = await session.scalar(select(func.count()).select_from(Report))
        applied = await session.scalar(
            select(func.count()).where(
                Report.assignment_id.is_not(None), Report.effect.is_not(None)
            )
        )
    return stored or 0, applied or 0


async def _wait_for_webhook(url: str, bot: asyncio.Task[None]) -> None:
    """Until the bot's webhook answers (a request without the secret is refused)."""
    async with ClientSession() as http:
        while True:
            if bot.done():
                bot.result()
                raise RuntimeError("the bot stopped before serving its webhook")
            with contextlib.suppress(ClientConnectionError):
                async with http.post(url, json={}) as answer:
                    if answer.status == 401:
                        return
            await asyncio.sleep(0.05)


async def _wait_for_confirmations(log: Path, bot: asyncio.Task[None], count: int) -> int:
    """Until the fake logged ``count`` confirmations (each sent after its reply was
    applied and committed); how many it logged."""
    while (sent := _lines(log)) < count:
        if bot.done():
            bot.result()
            raise RuntimeError("the bot stopped before confirming every reply")
        await asyncio.sleep(0.01)
    return sent


def _lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as log:
        return sum(1 for _ in log)


async def measure(
    folder: Path, api_base: str, log: Path, *, replies: int, secretaries: int, concurrency: int
) -> dict[str, Any]:
    """Run the bot on a fresh database in ``folder`` against the fake Bot API at
    ``api_base`` (logging what it receives to ``log``) and post ``replies`` answers."""
    path = folder / "ingest.db"
    async with bench_database(path) as database:
        targets = await seed_targets(database, chats=secretaries)
    updates = reply_updates(targets, replies)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    settings = Settings(
        _env_file=None,
        database_url=sqlite_url(path),
        telegram_bot_token=SecretStr(BENCH_TOKEN),
        telegram_api_base=api_base,
        telegram_webhook_url=url,
        telegram_webhook_secret=SecretStr(SECRET),
        telegram_webhook_listen=f"127.0.0.1:{port}",
    )
    stop = asyncio.Event()
    bot = asyncio.create_task(run_bot(settings, stop=stop))
    try:
        await _wait_for_webhook(url, bot)
        started = time.perf_counter()
        seconds, latencies = await _post_all(url, updates, concurrency)
        confirmations = await _wait_for_confirmations(log, bot, replies)
        applied_seconds = time.perf_counter() - started
    finally:
        stop.set()
        await bot
    async with bench_database(path) as database:
        stored, applied = await _stored(database)
    cuts = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    return {
        "replies": replies,
        "secretaries": secretaries,
        "concurrency": concurrency,
        "seconds": round(seconds, 3),
        "replies_per_second": round(replies / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(cuts[18] * 1000, 1),
        "applied_seconds": round(applied_seconds, 3),
        "applied_per_second": round(replies / applied_seconds, 1),
        "stored": stored,
        "applied": applied,
        "confirmations": confirmations,
        "goal": GOAL,
    }


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--replies", type=_positive, default=DEFAULT_REPLIES)
    parser.add_argument("--secretaries", type=_positive, default=DEFAULT_SECRETARIES)
    parser.add_argument("--concurrency", type=_positive, default=DEFAULT_CONCURRENCY)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its result as the last line."""
    args = _parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nhacviec-ingest-") as folder:
        log = Path(folder) / "deliveries.jsonl"
        with fake_process(log=log) as api_base:
            freeze_startup_objects()  # as the running bot does
            result = asyncio.run(
                measure(
                    Path(folder),
                    api_base,
                    log,
                    replies=args.replies,
                    secretaries=args.secretaries,
                    concurrency=args.concurrency,
                )
            )
    print(
        f"{result['replies']} replies in {result['seconds']} s:"
        f" {result['replies_per_second']} a second (goal {GOAL}),"
        f" p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms;"
        f" all applied and confirmed after {result['applied_seconds']} s"
        f" ({result['applied_per_second']} a second)"
    )
    emit(result)


if __name__ == "__main__":
    main()
