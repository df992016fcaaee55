"""The outbox against the obvious alternative, one APScheduler job per reminder:
``python -m bench.naive [--reminders N] [--wakeups N] [--due-per-wakeup N]``.

Both hold the same ``--reminders`` pending reminders (100,000 by default), one a
second from tomorrow on, each in its own SQLite file with the same pragmas (WAL,
``synchronous=NORMAL``):

* APScheduler 3.11 with a ``SQLAlchemyJobStore``, one ``DateTrigger`` job per
  reminder, added with ``add_job`` to a started, paused scheduler;
* our outbox, filled with one :func:`scheduling.outbox.enqueue`.

Measured: the time to schedule them all, and the time of one wake-up when
``--due-per-wakeup`` reminders are due. For APScheduler a wake-up is what its
scheduler loop asks the store — ``get_due_jobs(now)`` then ``get_next_run_time()``
— and, reported apart, removing the jobs it ran (a ``DateTrigger`` fires once);
for the outbox it is one ``claim_due`` in its write-locked transaction, which
selects the rows and marks them claimed. Both databases are checkpointed before
the wake-ups. The last line is one JSON object with
medians over ``--wakeups`` wake-ups and the ratios APScheduler / outbox.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.jobstores.sqlalchemy import (  # type: ignore[import-untyped, unused-ignore]
    SQLAlchemyJobStore,
)
from apscheduler.schedulers.background import (  # type: ignore[import-untyped, unused-ignore]
    BackgroundScheduler,
)
from apscheduler.triggers.date import DateTrigger  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy import Engine, create_engine, event

from bench._support import (
    bench_database,
    emit,
    new_reminders,
    seed_targets,
    utc_now,
)
from scheduling.outbox import claim_due, enqueue
from storage.db import Database
from storage.dialect import SQLITE_PRAGMAS

DEFAULT_REMINDERS = 100_000
DEFAULT_WAKEUPS = 10
DEFAULT_DUE_PER_WAKEUP = 100
CHATS = 1_000
JOB_FUNCTION = "bench.naive:send_reminder"
CHECKPOINT = "PRAGMA wal_checkpoint(TRUNCATE)"
"""Run on both databases between scheduling and the wake-ups: the write-ahead log
left by the bulk of new rows would otherwise slow the first wake-ups of one side."""


def send_reminder(reminder: int) -> None:
    """The job APScheduler would run for a reminder (never run here)."""
    print(f"reminder {reminder}")


def _due_times(count: int, start: datetime) -> list[datetime]:
    return [start + timedelta(seconds=i) for i in range(count)]


def _wakeup_times(start: datetime, wakeups: int, due_per_wakeup: int) -> list[datetime]:
    """Instants at which exactly ``due_per_wakeup`` more reminders have come due."""
    return [start + timedelta(seconds=(k + 1) * due_per_wakeup - 0.5) for k in range(wakeups)]


def _sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    event.listen(engine, "connect", on_connect)
    return engine


def apscheduler_side(
    path: Path, dues: Sequence[datetime], wakeups: Sequence[datetime]
) -> dict[str, float]:
    """Schedule a job per due time, then time the store's work at each wake-up."""
    engine = _sqlite_engine(path)
    store = SQLAlchemyJobStore(engine=engine)
    scheduler = BackgroundScheduler(jobstores={"default": store}, timezone="UTC")
    scheduler.start(paused=True)
    try:
        started = time.perf_counter()
        for i, due in enumerate(dues):
            scheduler.add_job(
                JOB_FUNCTION,
                DateTrigger(run_date=due),
                args=[i],
                id=f"r{i}",
                misfire_grace_time=None,
            )
        schedule_seconds = time.perf_counter() - started
        with engine.connect() as connection:
            connection.exec_driver_sql(CHECKPOINT)
        query, remove = [], []
        for now in wakeups:
            started = time.perf_counter()
            due_jobs = store.get_due_jobs(now)
            store.get_next_run_time()
            queried = time.perf_counter()
            for job in due_jobs:
                store.remove_job(job.id)
            query.append(queried - started)
            remove.append(time.perf_counter() - queried)
    finally:
        scheduler.shutdown(wait=True)
        engine.dispose()
    return {
        "schedule_seconds": schedule_seconds,
        "wakeup_ms": statistics.median(query) * 1000,
        "remove_ms": statistics.median(remove) * 1000,
        "due_found": len(due_jobs),
    }


async def _claim_each(
    database: Database, wakeups: Sequence[datetime], limit: int
) -> tuple[list[float], int]:
    timings, claimed = [], 0
    for now in wakeups:
        started = time.perf_counter()
        async with database.transaction(write_lock=True) as session:
            rows = await claim_due(session, now=now, limit=limit, lease_seconds=60, worker="naive")
        timings.append(time.perf_counter() - started)
        claimed = len(rows)
    return timings, claimed


async def outbox_side(
    path: Path, dues: Sequence[datetime], wakeups: Sequence[datetime], batch: int
) -> dict[str, float]:
    """Enqueue a reminder per due time, then time one claim of ``batch`` at each wake-up."""
    async with bench_database(path) as database:
        targets = await seed_targets(database, chats=CHATS, tasks=10)
        started = time.perf_counter()
        reminders = new_reminders(targets, len(dues), dues.__getitem__)
        async with database.transaction() as session:
            await enqueue(session, reminders)
        schedule_seconds = time.perf_counter() - started
        async with database.engine.connect() as connection:
            await connection.exec_driver_sql(CHECKPOINT)
        timings, claimed = await _claim_each(database, wakeups, batch)
    return {
        "schedule_seconds": schedule_seconds,
        "wakeup_ms": statistics.median(timings) * 1000,
        "due_found": claimed,
    }


def run(folder: Path, *, reminders: int, wakeups: int, due_per_wakeup: int) -> dict[str, Any]:
    """Run both sides on the same reminders; the result fields."""
    if wakeups * due_per_wakeup > reminders:
        raise ValueError("more reminders would come due than there are")
    start = (utc_now() + timedelta(days=1)).replace(microsecond=0)
    dues = _due_times(reminders, start)
    instants = _wakeup_times(start, wakeups, due_per_wakeup)
    print(f"APScheduler: adding {reminders:,} jobs ...", flush=True)
    aps = apscheduler_side(folder / "apscheduler.db", dues, instants)
    print(f"outbox: enqueueing {reminders:,} reminders ...", flush=True)
    ours = asyncio.run(outbox_side(folder / "outbox.db", dues, instants, due_per_wakeup))
    for name, side in (("APScheduler", aps), ("outbox", ours)):
        if side["due_found"] != due_per_wakeup:
            raise RuntimeError(f"{name} found {side['due_found']} due, not {due_per_wakeup}")
    return {
        "reminders": reminders,
        "wakeups": wakeups,
        "due_per_wakeup": due_per_wakeup,
        "apscheduler_schedule_seconds": round(aps["schedule_seconds"], 2),
        "outbox_schedule_seconds": round(ours["schedule_seconds"], 2),
        "schedule_ratio": round(aps["schedule_seconds"] / ours["schedule_seconds"], 1),
        "apscheduler_wakeup_ms": round(aps["wakeup_ms"], 2),
        "apscheduler_remove_ms": round(aps["remove_ms"], 2),
        "outbox_wakeup_ms": round(ours["wakeup_ms"], 2),
        "wakeup_ratio": round(aps["wakeup_ms"] / ours["wakeup_ms"], 1),
        "wakeup_with_removal_ratio": round(
            (aps["wakeup_ms"] + aps["remove_ms"]) / ours["wakeup_ms"], 1
        ),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reminders", type=int, default=DEFAULT_REMINDERS)
    parser.add_argument("--wakeups", type=int, default=DEFAULT_WAKEUPS)
    parser.add_argument("--due-per-wakeup", type=int, default=DEFAULT_DUE_PER_WAKEUP)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        result = run(
            Path(scratch),
            reminders=args.reminders,
            wakeups=args.wakeups,
            due_per_wakeup=args.due_per_wakeup,
        )
    print(
        f"schedule {result['reminders']:,}: APScheduler {result['apscheduler_schedule_seconds']} s,"
        f" outbox {result['outbox_schedule_seconds']} s (×{result['schedule_ratio']})"
    )
    print(
        f"wake-up with {result['due_per_wakeup']} due: APScheduler"
        f" {result['apscheduler_wakeup_ms']} ms (+{result['apscheduler_remove_ms']} ms removing),"
        f" outbox {result['outbox_wakeup_ms']} ms (×{result['wakeup_ratio']})"
    )
    emit(result)


if __name__ == "__main__":
    main()
