"""How fast the dispatcher claims due reminders from a large outbox:
``python -m bench.claim [--reminders N] [--claims N] [--batch N]``.

A SQLite file gets ``--reminders`` PENDING rows (1,000,000 by default): the first
few thousand already due, the rest spread over the coming year, as an outbox looks
after a large plan is activated. Then ``--claims`` claims of ``--batch`` rows each
run one after another, each in its own write-locked transaction, as the dispatcher
does. The last line is one JSON object::

    {"reminders": 1000000, "claims": 50, "batch": 100, "median_claim_ms": ..., "p95_claim_ms": ...,
     "max_claim_ms": ..., "insert_seconds": ..., "db_mib": ..., "peak_rss_mib": ...}
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench._support import bench_database, emit, peak_rss_mib, seed_targets
from scheduling.outbox import claim_due
from storage.db import Database

DEFAULT_REMINDERS = 1_000_000
DEFAULT_CLAIMS = 50
DEFAULT_BATCH = 100
TARGETS = 1_000
SPACING_SECONDS = 30
"""Due times step by this much from one row to the next: a million rows span a year."""

_FILL_SQL = """
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < :count - 1)
INSERT INTO reminders (assignment_id, contact_id, channel, chat_id, is_group, step,
                       occurrence, planned_at, due_at, state, attempts, created_at)
SELECT target + 1, target + 1, 'telegram', CAST(10000 + target AS TEXT), 0, 'due',
       printf('%06d', n % :per_target), due, due, 'pending', 0, :created
FROM (SELECT n, n / :per_target AS target,
             strftime('%Y-%m-%d %H:%M:%S', :start,
                      '+' || (((n * :stride) % :count) * :spacing) || ' seconds')
             || '.000000' AS due
      FROM seq)
"""
"""Fills the outbox in one statement, in the order of the unique key so that its index
only grows at the end; due times are a permutation of the rows (``stride`` is prime),
so the rows due first belong to every target. Datetimes are in SQLAlchemy's SQLite
text format."""

STRIDE = 7919


def fill_outbox(path: Path, count: int, *, due_now: int, now: datetime) -> float:
    """Insert ``count`` PENDING reminders, ``due_now`` of them already due; seconds taken.

    The secondary indexes are dropped first and built again after the insert, which
    sorts once instead of updating them row by row.
    """
    start = now - timedelta(seconds=due_now * SPACING_SECONDS)
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA cache_size=-262144")
        connection.execute("PRAGMA synchronous=OFF")
        indexes = [
            (name, sql)
            for name, sql in connection.execute(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = 'reminders' AND sql IS NOT NULL"
            )
        ]
        with connection:
            for name, _ in indexes:
                connection.execute(f'DROP INDEX "{name}"')
            connection.execute(
                _FILL_SQL,
                {
                    "count": count,
                    "per_target": -(-count // TARGETS),
                    "stride": STRIDE,
                    "start": start.strftime("%Y-%m-%d %H:%M:%S"),
                    "spacing": SPACING_SECONDS,
                    "created": now.strftime("%Y-%m-%d %H:%M:%S.%f"),
                },
            )
            for _, sql in indexes:
                connection.execute(sql)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return time.perf_counter() - started


def fill_in_child(path: Path, count: int, *, due_now: int, now: datetime) -> float:
    """:func:`fill_outbox` in a child process, so its page cache does not count in this
    process's peak memory."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(fill_outbox, path, count, due_now=due_now, now=now).result()


async def time_claims(database: Database, *, claims: int, batch: int, now: datetime) -> list[float]:
    """Seconds each of ``claims`` consecutive claims of ``batch`` rows took, commit included."""
    timings = []
    for _ in range(claims):
        started = time.perf_counter()
        async with database.transaction(write_lock=True) as session:
            claimed = await claim_due(
                session, now=now, limit=batch, lease_seconds=60.0, worker="bench"
            )
        timings.append(time.perf_counter() - started)
        if len(claimed) != batch:
            raise RuntimeError(f"claimed {len(claimed)} rows, expected {batch}")
    return timings


async def run(folder: Path, *, reminders: int, claims: int, batch: int) -> dict[str, float]:
    """Build the outbox in ``folder`` and time the claims; the result fields."""
    path = folder / "claim.db"
    for stale in (path, path.with_name("claim.db-wal"), path.with_name("claim.db-shm")):
        stale.unlink(missing_ok=True)
    now = datetime.now(UTC)
    async with bench_database(path) as database:
        await seed_targets(database, chats=TARGETS)
        print(f"filling the outbox with {reminders:,} reminders ...", flush=True)
        insert_seconds = fill_in_child(path, reminders, due_now=2 * claims * batch, now=now)
        print(f"  {insert_seconds:.1f} s, {path.stat().st_size / 2**20:.0f} MiB", flush=True)
        # The first claim pays for opening the connection and warming the page cache.
        await time_claims(database, claims=1, batch=batch, now=now)
        timings = await time_claims(database, claims=claims, batch=batch, now=now)
    ms = sorted(t * 1000 for t in timings)
    result = {
        "reminders": reminders,
        "claims": claims,
        "batch": batch,
        "median_claim_ms": round(statistics.median(ms), 3),
        "p95_claim_ms": round(ms[max(0, round(0.95 * len(ms)) - 1)], 3),
        "max_claim_ms": round(ms[-1], 3),
        "insert_seconds": round(insert_seconds, 2),
        "db_mib": round(path.stat().st_size / 2**20, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }
    return result


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reminders", type=int, default=DEFAULT_REMINDERS)
    parser.add_argument("--claims", type=int, default=DEFAULT_CLAIMS)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--dir", type=Path, help="keep the database in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        result = asyncio.run(
            run(folder, reminders=args.reminders, claims=args.claims, batch=args.batch)
        )
    print(
        f"claim {result['batch']} of {result['reminders']:,}: median"
        f" {result['median_claim_ms']:.2f} ms, p95 {result['p95_claim_ms']:.2f} ms,"
        f" max {result['max_claim_ms']:.2f} ms; peak RSS {result['peak_rss_mib']:.0f} MiB"
    )
    emit(result)


if __name__ == "__main__":
    main()
