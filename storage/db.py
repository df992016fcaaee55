"""Engine, sessions and the database lifespan.

``open_database(settings)`` is the one way the application gets a database: it
creates the engine, brings the schema to the newest migration and disposes of the
engine on exit. Work happens in sessions from :attr:`Database.sessions`, or in
:meth:`Database.transaction`, which commits on success and rolls back on error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.config import Settings
from storage.dialect import configure_engine, write_lock_options

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_engine(url: str) -> AsyncEngine:
    """Create an async engine for ``url`` with the dialect's connection setup installed."""
    engine = create_async_engine(url)
    configure_engine(engine.sync_engine)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions bound to ``engine`` whose objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for this package's migrations (no ``alembic.ini`` needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # ConfigParser interpolation would read "%" in passwords as a placeholder.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(connection: Connection) -> None:
    """Apply every pending migration on ``connection`` (run through ``run_sync``)."""
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the database behind ``engine`` to the newest migration, in one transaction."""
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to_head)


@dataclass(frozen=True)
class Database:
    """An open database: its engine and the session factory bound to it."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @asynccontextmanager
    async def transaction(self, *, write_lock: bool = False) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error.

        ``write_lock=True`` takes the database's write lock at the start (SQLite's
        ``BEGIN IMMEDIATE``), for read-then-write work such as claiming due rows.
        """
        async with self.sessions() as session, session.begin():
            if write_lock:
                await session.connection(execution_options=write_lock_options())
            yield session


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    """Open the configured database, migrated to head, for the duration of the block."""
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
        yield Database(engine=engine, sessions=session_factory(engine))
    finally:
        await engine.dispose()
