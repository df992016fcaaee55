"""Migrations that move data: run from the revision before them, on a real file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import alembic_config, create_engine
from tests.scheduling.fakes import make_assignment


def _migrate(revision: str, *, down: bool = False) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)

    return run


_REPORT = text(
    "INSERT INTO reports (id, assignment_id, channel, chat_id, message_id, received_at,"
    " raw_text, parsed) VALUES (:id, :assignment, 'telegram', '1', :message, '2026-06-01',"
    " 'x', :parsed)"
)


async def test_reports_keep_the_problem_they_raised_across_0008(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate("0007"))
            assignment = await make_assignment(AsyncSession(bind=connection))
            for id_, on, parsed in (
                (1, assignment.id, '{"intent": "problem", "problem": "thiếu kinh phí"}'),
                (2, assignment.id, '{"intent": "progress", "percent": 50, "problem": null}'),
                (3, assignment.id, '{"intent": "problem", "problem": ""}'),
                (4, None, '{"intent": "problem", "problem": "chưa chọn việc"}'),
                (5, assignment.id, '{"awaiting": "pick", "text": "x"}'),
            ):
                values = {"id": id_, "assignment": on, "message": str(id_), "parsed": parsed}
                await connection.execute(_REPORT, values)
            await connection.run_sync(_migrate("head"))
            found = (await connection.execute(text("SELECT id, problem FROM reports"))).all()
            indexes = await connection.execute(text("PRAGMA index_list('reports')"))
            index_names = {row[1] for row in indexes}
            await connection.run_sync(_migrate("0007", down=True))
            columns = await connection.execute(text("PRAGMA table_info('reports')"))
            column_names = {row[1] for row in columns}
    finally:
        await engine.dispose()
    assert sorted(found) == [(1, "thiếu kinh phí"), (2, None), (3, None), (4, None), (5, None)]
    assert "ix_reports_problem_received_at" in index_names
    assert "problem" not in column_names


_PLAN = text(
    "INSERT INTO plans (id, title, source_name, source_sha256, status, created_at)"
    " VALUES (100, 'p', 'p.txt', '0', 'draft', '2026-06-01')"
)
_TASK = text(
    "INSERT INTO tasks (id, plan_id, position, ref, content, when_text, kind, every, dues,"
    " review_flags, created_at) VALUES (:id, 100, :id, '', 't', '', 'recurring', :every, '[]',"
    " '[]', '2026-06-01')"
)


async def test_daily_tasks_are_stored_from_0009_and_become_weekly_below_it(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_migrate("0008"))
            await make_assignment(AsyncSession(bind=connection))
            await connection.execute(_PLAN)
            await connection.execute(_TASK, {"id": 100, "every": "month"})
            refused = await connection.begin_nested()
            with pytest.raises(IntegrityError):
                await connection.execute(_TASK, {"id": 101, "every": "day"})
            await refused.rollback()
            await connection.run_sync(_migrate("0009"))
            await connection.execute(_TASK, {"id": 101, "every": "day"})
            stored = (await connection.execute(text("SELECT id, every FROM tasks"))).all()
            kept = await connection.scalar(text("SELECT count(*) FROM assignments"))
            check = await connection.scalar(text("PRAGMA integrity_check"))
            still_refused = await connection.begin_nested()
            with pytest.raises(IntegrityError):
                await connection.execute(_TASK, {"id": 102, "every": "fortnight"})
            await still_refused.rollback()
            await connection.run_sync(_migrate("0008", down=True))
            downgraded = (await connection.execute(text("SELECT id, every FROM tasks"))).all()
            kept_below = await connection.scalar(text("SELECT count(*) FROM assignments"))
            refused_again = await connection.begin_nested()
            with pytest.raises(IntegrityError):
                await connection.execute(_TASK, {"id": 102, "every": "day"})
            await refused_again.rollback()
    finally:
        await engine.dispose()
    assert sorted(stored) == [(1, None), (100, "month"), (101, "day")]
    assert sorted(downgraded) == [(1, None), (100, "month"), (101, "week")]
    # The constraint changes in place: the tasks' assignments are not cascaded away.
    assert (kept, kept_below, check) == (1, 1, "ok")
