"""Shared set-up of the reminder benchmarks: a migrated SQLite file, the rows reminders
point at (units, a plan, tasks, assignments, contacts), and the result line.

Rows get explicit ids and go in with one ``executemany`` per table, so building
tens of thousands of assignments takes well under a second.
"""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bot.config import Settings
from bot.wiring import reminder_composer
from plans.model import TimeKind
from scheduling.clock import SystemClock
from scheduling.compose import Composer
from scheduling.limits import FloodLimits
from scheduling.outbox import NewReminder, enqueue
from storage.db import Database, create_engine, migrate, session_factory
from storage.models import (
    Assignment,
    Channel,
    Contact,
    Plan,
    PlanStatus,
    Reminder,
    ReminderState,
    ReminderStep,
    Task,
    Unit,
    UnitRole,
)

PRIVATE_CHAT_BASE = 10_000
"""Private chats get ids from here up; groups the same numbers negated."""

BENCH_TOKEN = "123456:BENCH-token"
"""A token of the right shape for the fake Bot API."""

UNLIMITED = FloodLimits(
    per_second=1e9, per_chat_interval=0.0, per_group_per_minute=10**9, burst=1e9
)
"""Flood limits that never hold a message back."""


@dataclass(frozen=True)
class Target:
    """Where a reminder can go: an assignment and the contact of its unit."""

    assignment_id: int
    contact_id: int
    chat_id: str
    is_group: bool


def sqlite_url(path: Path) -> str:
    """The async SQLAlchemy URL of a SQLite file."""
    return f"sqlite+aiosqlite:///{path}"


@asynccontextmanager
async def bench_database(path: Path) -> AsyncIterator[Database]:
    """A database in the SQLite file ``path``, migrated to head, for the block."""
    engine = create_engine(sqlite_url(path))
    try:
        await migrate(engine)
        yield Database(engine=engine, sessions=session_factory(engine))
    finally:
        await engine.dispose()


def chat_id_of(index: int, *, group: bool) -> str:
    """The chat id of the ``index``-th chat: negative for groups, as on Telegram."""
    number = PRIVATE_CHAT_BASE + index
    return str(-number if group else number)


async def seed_targets(
    database: Database, *, chats: int, tasks: int = 1, group_every: int = 0
) -> list[Target]:
    """One unit and one contact per chat, one active plan with ``tasks`` tasks, and an
    assignment for every task × unit; every ``group_every``-th chat is a group
    (0: none). Returns the targets task by task, chats in order within a task."""
    is_group = [group_every > 0 and i % group_every == group_every - 1 for i in range(chats)]
    units = [
        {"id": i + 1, "name": f"Chi bộ {i + 1}", "key": f"chi bo {i + 1}"} for i in range(chats)
    ]
    contacts = [
        {
            "id": i + 1,
            "unit_id": i + 1,
            "channel": Channel.TELEGRAM,
            "chat_id": chat_id_of(i, group=is_group[i]),
            "user_id": None if is_group[i] else chat_id_of(i, group=False),
            "display_name": f"Bí thư {i + 1}",
        }
        for i in range(chats)
    ]
    plan = {
        "id": 1,
        "title": "Kế hoạch kiểm tra, giám sát",
        "source_name": "bench.txt",
        "source_sha256": "0" * 64,
        "status": PlanStatus.ACTIVE,
    }
    task_rows = [
        {
            "id": t + 1,
            "plan_id": 1,
            "position": t,
            "content": f"Nhiệm vụ {t + 1}",
            "kind": TimeKind.ONCE,
        }
        for t in range(tasks)
    ]
    assignments = [
        {
            "id": t * chats + i + 1,
            "task_id": t + 1,
            "unit_id": i + 1,
            "role": UnitRole.LEAD,
            "period_key": "once",
        }
        for t in range(tasks)
        for i in range(chats)
    ]
    async with database.transaction() as session:
        for model, rows in (
            (Unit, units),
            (Contact, contacts),
            (Plan, [plan]),
            (Task, task_rows),
            (Assignment, assignments),
        ):
            await session.execute(insert(model), rows)
    return [
        Target(t * chats + i + 1, i + 1, chat_id_of(i, group=is_group[i]), is_group[i])
        for t in range(tasks)
        for i in range(chats)
    ]


def new_reminders(
    targets: Sequence[Target],
    count: int,
    due_at: Callable[[int], datetime],
    *,
    step: ReminderStep = ReminderStep.DUE,
) -> list[NewReminder]:
    """``count`` distinct reminders spread round-robin over ``targets``; the ``i``-th is
    due at ``due_at(i)`` and repeats of a target differ by ``occurrence``."""
    reminders = []
    for i in range(count):
        target = targets[i % len(targets)]
        when = due_at(i)
        reminders.append(
            NewReminder(
                assignment_id=target.assignment_id,
                contact_id=target.contact_id,
                channel=Channel.TELEGRAM,
                chat_id=target.chat_id,
                is_group=target.is_group,
                step=step,
                occurrence=str(i // len(targets)),
                planned_at=when,
                due_at=when,
            )
        )
    return reminders


async def enqueue_all(database: Database, reminders: Sequence[NewReminder]) -> int:
    """Enqueue ``reminders`` in one transaction; the number inserted."""
    async with database.transaction() as session:
        return await enqueue(session, reminders)


async def sent_count(database: Database) -> int:
    """How many reminders are SENT."""
    async with database.sessions() as session:
        count = await session.scalar(
            select(func.count()).where(Reminder.state == ReminderState.SENT)
        )
    return count or 0


def production_composer() -> Composer:
    """The running bot's composer (texts with answer buttons, in Vietnamese by
    default), with the default settings."""
    return reminder_composer(Settings(), SystemClock())


def utc_now() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


def peak_rss_mib() -> float:
    """The peak resident memory of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kibibytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def emit(result: dict[str, Any]) -> None:
    """Print the benchmark's result as the one JSON object on the last line."""
    print(json.dumps(result, ensure_ascii=False), flush=True)
