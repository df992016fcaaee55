"""Fixtures shared by the whole suite: settings on a temporary database, the opened
database, and a session on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import DEFAULT_LOCALES_DIR, Settings
from storage.db import Database, open_database


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings isolated from the environment and any ``.env`` file, on a fresh SQLite file."""
    return Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'data' / 'test.db'}",
        timezone="Asia/Ho_Chi_Minh",
        language="vi",
        locales_dir=DEFAULT_LOCALES_DIR,
    )


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    """The test database, migrated to head; disposed after the test."""
    async with open_database(settings) as db:
        yield db


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    """A session on the test database; whatever the test leaves uncommitted is rolled back."""
    async with database.sessions() as s:
        yield s
