"""How a command reaches the database: one transaction per command, run with asyncio."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import get_settings
from storage.db import open_database

T = TypeVar("T")


def in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Open the configured database, run ``work`` in one transaction and return its result.

    The transaction commits when ``work`` returns and rolls back when it raises, so a
    refused command leaves the database exactly as it was.
    """

    async def main() -> T:
        async with open_database(get_settings()) as database, database.transaction() as session:
            return await work(session)

    return asyncio.run(main())


def today() -> date:
    """Today's date in the configured time zone."""
    return datetime.now(get_settings().tz).date()


def database_label() -> str:
    """The configured database URL with any password hidden, for messages."""
    url = get_settings().database_url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
