"""The periodic jobs, run by APScheduler in the bot's event loop.

APScheduler holds a handful of jobs — the dispatch tick, the lease reaper, the
planner that materialises reminders ahead — never one job per reminder: the
reminders themselves live in the outbox table, which survives restarts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduling.clock import Clock
from scheduling.dispatcher import Dispatcher
from scheduling.outbox import reap_expired
from scheduling.planner import ReminderPlanner
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobIntervals:
    """How often each periodic job runs, in seconds."""

    dispatch: float = 2.0
    reap: float = 30.0
    plan: float = 3600.0


@dataclass
class ReminderJobs:
    """The reminder machinery's periodic work as plain coroutines, testable without a scheduler."""

    database: Database
    dispatcher: Dispatcher
    planner: ReminderPlanner
    clock: Clock
    _sending: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def dispatch(self) -> None:
        """Send everything that is due."""
        async with self._sending:
            await self.dispatcher.drain()

    async def idle(self) -> None:
        """Wait for a dispatch under way to finish recording what it sent."""
        async with self._sending:
            return

    async def reap(self) -> None:
        """Return rows whose lease expired (a worker died between claim and record)."""
        async with self.database.transaction(write_lock=True) as session:
            returned = await reap_expired(session, now=self.clock.now())
        if returned:
            log.warning("returned %d reminders whose lease expired", returned)

    async def plan(self) -> None:
        """Extend every live assignment's reminders over the planning horizon."""
        async with self.database.transaction(write_lock=True) as session:
            added = await self.planner.plan_all(session, now=self.clock.now())
        log.info("planned %d reminders", added)


def _guarded(name: str, job: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await job()
        except Exception:
            # A failing run must not kill the schedule; the next run retries.
            log.exception("job %s failed", name)

    return run


def build_scheduler(
    jobs: ReminderJobs, intervals: JobIntervals = JobIntervals()
) -> AsyncIOScheduler:
    """An AsyncIOScheduler (memory job store) holding the periodic reminder jobs."""
    scheduler = AsyncIOScheduler()
    for name, job, seconds in (
        ("dispatch", jobs.dispatch, intervals.dispatch),
        ("reap", jobs.reap, intervals.reap),
        ("plan", jobs.plan, intervals.plan),
    ):
        scheduler.add_job(
            _guarded(name, job),
            "interval",
            seconds=seconds,
            id=name,
            max_instances=1,
            coalesce=True,
            # APScheduler keeps its own (real) time; the jobs read theirs from the clock.
            next_run_time=datetime.now(UTC) + timedelta(seconds=0 if name == "plan" else 1),
        )
    return scheduler


@asynccontextmanager
async def running(scheduler: AsyncIOScheduler) -> AsyncIterator[AsyncIOScheduler]:
    """Start ``scheduler`` for the duration of the block (one lifespan)."""
    scheduler.start()
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)
