"""The periodic jobs, run by APScheduler in the bot's event loop.

APScheduler holds a handful of jobs — the dispatch tick, the lease reaper, the
planner that materialises reminders ahead, the weekly summaries' tick — never one
job per reminder or per summary: those live in tables, which survive restarts.
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
    summaries: float = 60.0


@dataclass
class ReminderJobs:
    """The reminder machinery's periodic work as plain coroutines, testable without a scheduler.

    Runs under way are counted, so that a lifespan can wait for them (:meth:`settle`)
    before it closes the database they use.
    """

    database: Database
    dispatcher: Dispatcher
    planner: ReminderPlanner
    clock: Clock
    weekly: Callable[[], Awaitable[object]] | None = None
    """Sends the weekly summaries owed (:class:`summaries.weekly.WeeklySummaries`)."""
    _runs: int = 0
    _settled: asyncio.Event = field(default_factory=asyncio.Event)

    async def dispatch(self) -> None:
        """Send everything that is due."""
        async with self._counted():
            await self.dispatcher.drain()

    async def reap(self) -> None:
        """Return rows whose lease expired (a worker died between claim and record)."""
        async with self._counted(), self.database.transaction(write_lock=True) as session:
            returned = await reap_expired(session, now=self.clock.now())
        if returned:
            log.warning("returned %d reminders whose lease expired", returned)

    async def plan(self) -> None:
        """Extend every live assignment's reminders over the planning horizon."""
        async with self._counted(), self.database.transaction(write_lock=True) as session:
            added = await self.planner.plan_all(session, now=self.clock.now())
        log.info("planned %d reminders", added)

    async def summaries(self) -> None:
        """Send the weekly summaries now owed, if the bot sends any."""
        if self.weekly is not None:
            async with self._counted():
                await self.weekly()

    async def settle(self) -> None:
        """Wait until no run is under way (a dispatch finishes recording what it sent)."""
        if self._runs:
            await self._settled.wait()

    @asynccontextmanager
    async def _counted(self) -> AsyncIterator[None]:
        self._runs += 1
        self._settled.clear()
        try:
            yield
        finally:
            self._runs -= 1
            if not self._runs:
                self._settled.set()


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
        ("summaries", jobs.summaries, intervals.summaries),
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
async def running(
    scheduler: AsyncIOScheduler, jobs: ReminderJobs
) -> AsyncIterator[AsyncIOScheduler]:
    """Start ``scheduler`` for the duration of the block (one lifespan).

    On exit no new run starts and the runs under way finish before the shutdown:
    shutting down alone would cancel them, even in the middle of a database call.
    """
    scheduler.start()
    try:
        yield scheduler
    finally:
        scheduler.pause()
        await jobs.settle()
        scheduler.shutdown(wait=False)
