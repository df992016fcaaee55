"""The engine, the database lifespan and the migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from storage.db import Database, alembic_config, create_engine, open_database
from storage.dialect import for_update_skip_locked, sqlite_file
from storage.models import Base, Unit
from tests.storage.factories import make_unit


def _diff(connection: Connection, metadata: MetaData) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "target_metadata": metadata}
    )
    return list(compare_metadata(context, metadata))


async def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(
    database: Database,
) -> None:
    async with database.engine.connect() as connection:
        journal = await connection.scalar(text("PRAGMA journal_mode"))
        foreign_keys = await connection.scalar(text("PRAGMA foreign_keys"))
        busy_timeout = await connection.scalar(text("PRAGMA busy_timeout"))
        synchronous = await connection.scalar(text("PRAGMA synchronous"))
    assert journal == "wal"
    assert foreign_keys == 1
    assert busy_timeout == 5000
    assert synchronous == 1  # NORMAL


async def test_open_database_creates_the_data_folder(settings: Settings) -> None:
    path = sqlite_file(settings.database_url)
    assert path is not None
    assert not path.parent.exists()
    async with open_database(settings):
        assert path.exists()


async def test_creating_an_engine_touches_nothing_until_it_connects(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'later' / 'x.db'}")
    assert not (tmp_path / "later").exists()
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    await engine.dispose()
    assert (tmp_path / "later" / "x.db").exists()


async def test_reopening_keeps_data_and_migrates_nothing_twice(settings: Settings) -> None:
    async with open_database(settings) as db, db.transaction() as session:
        await make_unit(session, "Văn phòng Đảng ủy")
    async with open_database(settings) as db, db.sessions() as session:
        names = (await session.scalars(select(Unit.name))).all()
        version = await session.scalar(text("SELECT version_num FROM alembic_version"))
    assert names == ["Văn phòng Đảng ủy"]
    assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_migrations_at_head_match_the_models(database: Database) -> None:
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_diff, Base.metadata) == []


async def test_model_comparison_notices_a_missing_table(database: Database) -> None:
    extended = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(extended)
    Table("not_migrated", extended, Column("id", Integer, primary_key=True))
    async with database.engine.connect() as connection:
        diff = await connection.run_sync(_diff, extended)
    assert [entry[0] for entry in diff] == ["add_table"]


async def test_transaction_commits_on_success_and_rolls_back_on_error(
    database: Database,
) -> None:
    async with database.transaction() as session:
        await make_unit(session, "Chi bộ Thôn 1")
    try:
        async with database.transaction() as session:
            await make_unit(session, "Chi bộ Thôn 2")
            raise RuntimeError("abort")
    except RuntimeError:
        pass
    async with database.sessions() as session:
        names = (await session.scalars(select(Unit.name))).all()
    assert names == ["Chi bộ Thôn 1"]


async def test_savepoint_rollback_keeps_the_outer_transaction(session: AsyncSession) -> None:
    await make_unit(session, "Chi bộ Thôn 1")
    savepoint = await session.begin_nested()
    await make_unit(session, "Chi bộ Thôn 2")
    await savepoint.rollback()
    names = (await session.scalars(select(Unit.name))).all()
    assert names == ["Chi bộ Thôn 1"]


def test_skip_locked_only_on_postgresql() -> None:
    stmt = select(Unit)
    assert for_update_skip_locked(stmt, "sqlite") is stmt
    locked = for_update_skip_locked(stmt, "postgresql")
    assert locked._for_update_arg is not None
    assert locked._for_update_arg.skip_locked


def test_sqlite_file_of_urls() -> None:
    assert sqlite_file("sqlite+aiosqlite:///./data/nhacviec.db") == Path("data/nhacviec.db")
    assert sqlite_file("sqlite+aiosqlite://") is None
    assert sqlite_file("sqlite+aiosqlite:///:memory:") is None
    assert sqlite_file("postgresql+asyncpg://u:p@localhost/db") is None


async def test_write_lock_transaction_holds_the_lock_from_its_start(
    database: Database, settings: Settings
) -> None:
    other = create_engine(settings.database_url)
    try:
        async with database.transaction(write_lock=True) as session:
            await session.scalar(select(Unit.id))
            async with other.connect() as connection:
                await connection.exec_driver_sql("PRAGMA busy_timeout=50")
                with pytest.raises(OperationalError, match="locked"):
                    await connection.execute(
                        text(
                            "INSERT INTO units (name, key, kind, "
                            "needs_review, created_at) VALUES "
                            "('x', 'x', 'unit', 0, '2025-01-01')"
                        )
                    )
            await make_unit(session, "Chi bộ Thôn 1")
    finally:
        await other.dispose()
    async with database.sessions() as session:
        assert (await session.scalars(select(Unit.name))).all() == ["Chi bộ Thôn 1"]


async def test_plain_transactions_do_not_lock_out_writers(database: Database) -> None:
    async with database.transaction() as session:
        await session.scalar(select(Unit.id))
        async with database.transaction() as writer:
            await make_unit(writer, "Chi bộ Thôn 2")
