"""Everything that differs between SQLite and PostgreSQL, in one place.

SQLite (the default, through aiosqlite) needs per-connection pragmas and has to be
told to emit ``BEGIN`` itself so that transactions, savepoints and migrations are
real; PostgreSQL needs none of that but supports row locks that skip rows another
worker already holds. Each spells ``INSERT ... ON CONFLICT DO NOTHING`` through its
own SQLAlchemy construct. Code elsewhere asks this module instead of testing the URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Insert, Select, Table, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import ConnectionPoolEntry

SelectT = TypeVar("SelectT", bound=Select[Any])

SQLITE_PRAGMAS: tuple[str, ...] = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
)
"""Applied to every new SQLite connection: WAL lets readers run beside the writer,
foreign keys make the ON DELETE rules real, and the busy timeout makes a second
writer wait instead of failing at once."""


def is_sqlite(url: str | URL) -> bool:
    """Whether ``url`` names a SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str | URL) -> Path | None:
    """The database file of a SQLite URL, or ``None`` for memory databases and other backends."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def configure_engine(engine: Engine) -> None:
    """Install the dialect-specific connection hooks on the (sync side of the) engine."""
    if engine.dialect.name != "sqlite":
        return
    path = sqlite_file(engine.url)
    if path is not None:
        _create_folder_on_connect(engine, path)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)


def _create_folder_on_connect(engine: Engine, path: Path) -> None:
    def make_folder(*_args: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)

    event.listen(engine, "do_connect", make_folder)


def _on_sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # The driver's own implicit BEGIN skips DDL and SAVEPOINT; turning it off and
    # emitting BEGIN in _on_sqlite_begin makes transactions behave as documented.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


WRITE_LOCK_OPTION = "nhacviec_write_lock"
"""Execution option asking for a transaction that holds the write lock from its start."""


def write_lock_options() -> dict[str, Any]:
    """Execution options for a transaction that will write after reading.

    On SQLite it starts with ``BEGIN IMMEDIATE``: a deferred transaction that read
    first cannot wait for the write lock and fails with "database is locked" when
    another writer got there in between; an immediate one waits (``busy_timeout``)
    at its start instead. Other backends ignore the option.
    """
    return {WRITE_LOCK_OPTION: True}


def _on_sqlite_begin(connection: Connection) -> None:
    if connection.get_execution_options().get(WRITE_LOCK_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def for_update_skip_locked(stmt: SelectT, dialect_name: str) -> SelectT:
    """Lock the selected rows for this transaction, skipping rows locked by others.

    PostgreSQL gets ``FOR UPDATE SKIP LOCKED``. SQLite has no row locks: its single
    writer already serialises claims, so the statement is returned unchanged.
    """
    if dialect_name == "postgresql":
        return stmt.with_for_update(skip_locked=True)
    return stmt


def insert_ignoring_conflicts(table: Table, dialect_name: str) -> Insert:
    """``INSERT INTO table ... ON CONFLICT DO NOTHING``: rows that would break a unique
    constraint are skipped, not reported as errors.

    Both SQLite (3.24+) and PostgreSQL spell it the same way, but each through its
    own SQLAlchemy construct; other backends are refused.
    """
    if dialect_name == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing()
    if dialect_name == "postgresql":
        return postgresql_insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"no INSERT ... ON CONFLICT DO NOTHING for {dialect_name}")
