"""Migrations that move data: run from the revision before them, on a real file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection
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
