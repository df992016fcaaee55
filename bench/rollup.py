"""How fast the summary of a large plan is computed:
``python -m bench.rollup [--assignments N] [--units N] [--runs N]``.

A SQLite file gets one active plan with ``--assignments`` assignments (100,000 by
default) spread over ``--units`` units, built with one ``executemany`` per table:
one-off tasks due before and after the day of the summary, quarterly tasks (two of
whose quarters have not begun), continuous (standing) and conditional (dormant)
ones; done on time, done late, open with and without reports, and reports with
problems, some of them undone. Then :func:`summaries.rollup.plan_summary` and the
summary text run ``--runs`` times, each in its own session, after one warm-up run.
The numbers are checked against what was built (every begun assignment counted
once). The last line is one JSON object::

    {"assignments": 100000, "units": 1000, "reports": ..., "runs": 7,
     "median_ms": ..., "p95_ms": ..., "max_ms": ..., "text_chars": ...,
     "insert_seconds": ..., "db_mib": ..., "goal_ms": 300, "checked": true}
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench._support import bench_database, emit, peak_rss_mib
from bot.config import DEFAULT_LOCALES_DIR
from bot.i18n import translator
from plans.model import Every, TimeKind
from scheduling.calendar import DEFAULT_TZ
from storage.db import Database
from storage.models import (
    Assignment,
    AssignmentState,
    Channel,
    Plan,
    PlanStatus,
    Report,
    Task,
    Unit,
    UnitRole,
)
from summaries.model import PlanSummary
from summaries.rollup import plan_summary
from summaries.text import summary_text

DEFAULT_ASSIGNMENTS = 100_000
DEFAULT_UNITS = 1_000
DEFAULT_RUNS = 7
GOAL_MS = 300
TODAY = date(2026, 6, 15)
SINCE = TODAY - timedelta(days=7)
PLAN_ID = 1
_STRIDE = 7919
"""Spreads states over assignments without a pattern that follows units or tasks."""


@dataclass(frozen=True)
class Built:
    """What was put in the database."""

    assignments: int
    units: int
    reports: int
    begun: int
    """Assignments whose period has begun: those a summary counts."""


def _noon(day: date) -> datetime:
    return datetime.combine(day, clock(12), tzinfo=DEFAULT_TZ).astimezone(UTC)


def _task_row(number: int) -> dict[str, Any]:
    """Task ``number``: its kind follows ``number % 10`` (6 one-off, 2 quarterly, 1
    continuous, 1 conditional)."""
    kind = number % 10
    row: dict[str, Any] = {
        "id": number + 1,
        "plan_id": PLAN_ID,
        "position": number,
        "ref": str(number + 1),
        "content": f"Nhiệm vụ {number + 1}: tổ chức quán triệt, triển khai thực hiện Nghị quyết",
    }
    if kind < 6:
        due = TODAY + timedelta(days=10 * (number % 9 - 4))
        return {**row, "kind": TimeKind.ONCE, "when_text": f"{due:%d/%m/%Y}", "due": due}
    if kind < 8:
        return {**row, "kind": TimeKind.RECURRING, "when_text": "Hằng quý", "every": Every.QUARTER}
    if kind == 8:
        return {**row, "kind": TimeKind.CONTINUOUS, "when_text": "Thường xuyên"}
    return {**row, "kind": TimeKind.CONDITIONAL, "when_text": "Khi có hướng dẫn"}


def _quarter(number: int) -> tuple[str, date, date]:
    quarter = number % 4 + 1
    start = date(2026, 3 * quarter - 2, 1)
    end = date(2026 + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return f"2026-Q{quarter}", start, end


def _assignment_row(index: int, task: dict[str, Any], unit_id: int) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": index + 1,
        "task_id": task["id"],
        "unit_id": unit_id,
        "role": UnitRole.LEAD,
    }
    kind = task["kind"]
    if kind == TimeKind.CONTINUOUS:
        return {**row, "period_key": "standing", "state": AssignmentState.STANDING}
    if kind == TimeKind.CONDITIONAL:
        return {**row, "period_key": "trigger", "state": AssignmentState.DORMANT}
    if kind == TimeKind.RECURRING:
        key, start, due = _quarter(task["position"])
        row.update(period_key=key, period_start=start, due=due)
    else:
        row.update(period_key="once", due=task["due"])
    due = row["due"]
    spread = index * _STRIDE % 10
    if spread < 3:
        # Done on time, or two days late; never after the day of the summary.
        done = min(due - timedelta(days=1) if spread < 2 else due + timedelta(days=2), TODAY)
        return {**row, "state": AssignmentState.DONE, "percent": 100, "done_at": _noon(done)}
    return {**row, "state": AssignmentState.OPEN}


def _report_rows(assignments: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A report on three in ten live assignments: progress, a third of them with a
    problem, one in fifty undone; the assignment gets its last report time."""
    reports: list[dict[str, Any]] = []
    for row in assignments:
        index = row["id"] - 1
        spread = index * _STRIDE % 10
        if row["state"] not in (AssignmentState.OPEN, AssignmentState.STANDING) or spread < 7:
            continue
        at = _noon(TODAY - timedelta(days=index % 14))
        problem = f"vướng kinh phí, thiếu người (ý kiến {index})" if spread == 9 else None
        percent = 10 * (index % 10)
        undone = index % 50 == 0
        reports.append(
            {
                "id": len(reports) + 1,
                "assignment_id": row["id"],
                "channel": Channel.TELEGRAM,
                "chat_id": str(10_000 + row["unit_id"]),
                "message_id": str(index),
                "user_id": str(10_000 + row["unit_id"]),
                "received_at": at,
                "raw_text": problem or f"đạt {percent}%",
                "parsed": {"intent": "progress", "percent": percent, "problem": problem},
                "problem": problem,
                "effect": {"before": {}, "after": {}},
                "undone_at": at + timedelta(minutes=5) if undone else None,
            }
        )
        if not undone:
            row.update(last_report_at=at, percent=percent, problem=problem)
    return reports


async def seed(database: Database, *, assignments: int, units: int) -> Built:
    """The plan, its units, tasks, assignments and reports, in one transaction."""
    unit_rows = [
        {"id": u + 1, "name": f"Chi bộ thôn {u + 1}", "key": f"chi bo thon {u + 1}"}
        for u in range(units)
    ]
    plan = {
        "id": PLAN_ID,
        "title": "Kế hoạch thực hiện Nghị quyết Đại hội Đảng bộ xã nhiệm kỳ 2025-2030",
        "number": "01-KH/ĐU",
        "source_name": "bench.txt",
        "source_sha256": "0" * 64,
        "status": PlanStatus.ACTIVE,
    }
    tasks = [_task_row(t) for t in range(-(-assignments // units))]
    rows = [_assignment_row(i, tasks[i // units], i % units + 1) for i in range(assignments)]
    reports = _report_rows(rows)
    async with database.engine.begin() as connection:
        # Core inserts: one executemany per table, without the ORM's per-row work.
        for model, values in (
            (Unit, unit_rows),
            (Plan, [plan]),
            (Task, _uniform(tasks)),
            (Assignment, _uniform(rows)),
            (Report, reports),
        ):
            await connection.execute(insert(model), values)
    # Fold the write-ahead log into the file, as a database at rest would be.
    async with database.engine.connect() as connection:
        await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    begun = sum(
        1 for row in rows if row.get("period_start") is None or row["period_start"] <= TODAY
    )
    return Built(assignments, units, len(reports), begun)


def _uniform(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with the same keys, as one ``executemany`` wants them."""
    keys = {key for row in rows for key in row}
    return [{key: row.get(key) for key in keys} for row in rows]


async def summarize(database: Database) -> tuple[PlanSummary, str]:
    """The plan's summary and its Vietnamese text, in a session of their own."""
    async with database.sessions() as session:
        summary = await plan_summary(session, PLAN_ID, today=TODAY, since=SINCE, tz=DEFAULT_TZ)
    return summary, summary_text(summary, translator("vi", DEFAULT_LOCALES_DIR), "vi")


def check(summary: PlanSummary, built: Built) -> bool:
    """Every begun assignment is counted once: in the statuses or as a check-in."""
    return summary.counts.total + summary.checkins.expected == built.begun


async def run(folder: Path, *, assignments: int, units: int, runs: int) -> dict[str, Any]:
    """Build the plan in ``folder`` and time its summary; the result fields."""
    path = folder / "rollup.db"
    for stale in (path, path.with_name("rollup.db-wal"), path.with_name("rollup.db-shm")):
        stale.unlink(missing_ok=True)
    async with bench_database(path) as database:
        started = time.perf_counter()
        built = await seed(database, assignments=assignments, units=units)
        insert_seconds = time.perf_counter() - started
        print(f"built {assignments:,} assignments in {insert_seconds:.1f} s", flush=True)
        summary, text = await summarize(database)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            summary, text = await summarize(database)
            timings.append(time.perf_counter() - started)
    ms = sorted(t * 1000 for t in timings)
    return {
        "assignments": assignments,
        "units": units,
        "reports": built.reports,
        "runs": runs,
        "median_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[max(0, round(0.95 * len(ms)) - 1)], 1),
        "max_ms": round(ms[-1], 1),
        "text_chars": len(text),
        "problems_listed": sum(len(unit.problems) for unit in summary.problems),
        "silent_units": len(summary.silent_units),
        "insert_seconds": round(insert_seconds, 2),
        "db_mib": round(path.stat().st_size / 2**20, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "goal_ms": GOAL_MS,
        "checked": check(summary, built),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--assignments", type=int, default=DEFAULT_ASSIGNMENTS)
    parser.add_argument("--units", type=int, default=DEFAULT_UNITS)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--dir", type=Path, help="keep the database in this folder")
    args = parser.parse_args(argv)
    if min(args.assignments, args.units, args.runs) < 1:
        parser.error("--assignments, --units and --runs must be positive")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        result = asyncio.run(
            run(folder, assignments=args.assignments, units=args.units, runs=args.runs)
        )
    print(
        f"summary of {result['assignments']:,} assignments: median {result['median_ms']:.0f} ms,"
        f" max {result['max_ms']:.0f} ms (goal {GOAL_MS} ms); peak RSS"
        f" {result['peak_rss_mib']:.0f} MiB"
    )
    emit(result)


if __name__ == "__main__":
    main()
