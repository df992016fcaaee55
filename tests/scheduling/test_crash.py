"""A dispatcher killed at random moments loses no reminder and repeats few.

The fake Telegram server runs as its own process and logs every delivery; a worker
process (:mod:`tests.scheduling.crash_worker`, forked from the test) sends 2,000
due reminders to 400 chats and is killed with SIGKILL five times while sending,
then restarted and left to finish. Every reminder must then have been delivered
to its chat, every row be SENT with the id of one of its deliveries, and a kill
may have caused at most one duplicate (the message between its delivery and its
record).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import random
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.process import BaseProcess
from pathlib import Path

from sqlalchemy import select

from bench._support import (
    bench_database,
    enqueue_all,
    new_reminders,
    seed_targets,
    sqlite_url,
    utc_now,
)
from storage.models import Reminder, ReminderState
from tests.fakes.telegram_server import fake_process
from tests.scheduling.crash_worker import CONCURRENCY, run_worker

REMINDERS = 2_000
CHATS = 400
KILLS = 5
DEADLINE_SECONDS = 120.0
"""Generous bound on the whole test, which normally takes about 15 seconds."""


@dataclass(frozen=True)
class Delivery:
    """One line of the fake server's log."""

    chat_id: int
    message_id: int
    reminder_id: int


@dataclass(frozen=True)
class Row:
    """What the outbox says about one reminder at the end."""

    chat_id: int
    state: ReminderState
    message_id: str | None


async def _fill_outbox(path: Path) -> None:
    due = utc_now() - timedelta(minutes=1)
    async with bench_database(path) as database:
        targets = await seed_targets(
            database, chats=CHATS, tasks=REMINDERS // CHATS, group_every=10
        )
        inserted = await enqueue_all(database, new_reminders(targets, REMINDERS, lambda _: due))
    assert inserted == REMINDERS


async def _outbox_rows(path: Path) -> dict[int, Row]:
    async with bench_database(path) as database, database.sessions() as session:
        rows = await session.execute(
            select(Reminder.id, Reminder.chat_id, Reminder.state, Reminder.message_id)
        )
        return {rid: Row(int(chat), state, message_id) for rid, chat, state, message_id in rows}


def _deliveries(log: Path) -> list[Delivery]:
    if not log.exists():
        return []
    found = []
    for line in log.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # the server is still writing it
        entry = json.loads(line)
        text: str = entry["text"]
        assert text.startswith("R"), text
        found.append(Delivery(entry["chat_id"], entry["message_id"], int(text[1:])))
    return found


def _wait_for(condition: Callable[[], bool], deadline: float, what: str) -> None:
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


class Workers:
    """Starts dispatcher processes one after another; kills what is left at the end.

    Workers are forked from this process, which has imported everything already:
    a fresh interpreter would spend seconds importing aiogram at every restart.
    """

    def __init__(self, database_url: str, api_base: str) -> None:
        self._args = (database_url, api_base)
        self._context = multiprocessing.get_context("fork")
        self.current: BaseProcess | None = None

    def start(self) -> BaseProcess:
        """Start the next worker."""
        self.current = self._context.Process(target=run_worker, args=self._args, daemon=True)
        self.current.start()
        return self.current

    def close(self) -> None:
        """Kill a worker still running."""
        if self.current is not None and self.current.is_alive():
            self.current.kill()
            self.current.join()


def _kill_while_sending(workers: Workers, log: Path, rng: random.Random, deadline: float) -> None:
    before = len(_deliveries(log))
    worker = workers.start()
    _wait_for(lambda: len(_deliveries(log)) > before, deadline, "the worker to send")
    time.sleep(rng.uniform(0.02, 0.2))
    worker.kill()
    worker.join(timeout=10)
    assert worker.exitcode == -signal.SIGKILL, "the worker finished before it was killed"
    delivered = {d.reminder_id for d in _deliveries(log)}
    assert 0 < len(delivered) < REMINDERS, "the kill did not happen mid-run"


def test_killed_dispatcher_loses_no_reminder(tmp_path: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    database = tmp_path / "crash.db"
    log = tmp_path / "deliveries.jsonl"
    asyncio.run(_fill_outbox(database))
    seed = random.randrange(2**32)
    rng = random.Random(seed)

    with fake_process(log=log) as api_base:
        workers = Workers(sqlite_url(database), api_base)
        try:
            for _ in range(KILLS):
                _kill_while_sending(workers, log, rng, deadline)
            last = workers.start()
            last.join(timeout=max(deadline - time.monotonic(), 1.0))
            assert last.exitcode == 0, f"the last worker ended with {last.exitcode}"
        finally:
            workers.close()

    rows = asyncio.run(_outbox_rows(database))
    deliveries = _deliveries(log)
    assert len(rows) == REMINDERS
    assert Counter(row.state for row in rows.values()) == {ReminderState.SENT: REMINDERS}
    assert all(d.chat_id == rows[d.reminder_id].chat_id for d in deliveries)
    assert {d.reminder_id for d in deliveries} == set(rows), "some reminders never arrived"
    recorded = {(d.reminder_id, str(d.message_id)) for d in deliveries}
    assert all((rid, row.message_id) in recorded for rid, row in rows.items())
    duplicates = len(deliveries) - len(rows)
    assert duplicates <= KILLS * CONCURRENCY, f"{duplicates} duplicates (seed {seed})"
