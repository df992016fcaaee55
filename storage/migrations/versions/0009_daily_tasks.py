"""A recurring task may be daily ("báo cáo trước 15 giờ hằng ngày"): the tasks'
``every`` CHECK admits 'day'.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alembic import op
from sqlalchemy.engine import Connection

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = ("week", "month", "quarter", "half-year", "year")
_AFTER = ("day", *_BEFORE)
_NAME = "ck_tasks_every"
_SQLITE_CHECK = re.compile(rf"CONSTRAINT \"?{_NAME}\"? CHECK \(every IN \([^()]*\)\)")


def _every_in(values: Sequence[str]) -> str:
    return "every IN ({})".format(", ".join(f"'{v}'" for v in values))


def _replace_check(values: Sequence[str]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _rewrite_sqlite_check(bind, values)
        return
    op.drop_constraint(op.f(_NAME), "tasks", type_="check")
    op.create_check_constraint(op.f(_NAME), "tasks", _every_in(values))


def _rewrite_sqlite_check(bind: Connection, values: Sequence[str]) -> None:
    """Change the CHECK in the table's stored definition, without copying the table.

    Batch mode would copy ``tasks`` and drop the original, and with foreign keys on
    (they are, on every connection, and cannot be turned off inside the migration's
    transaction) dropping it deletes every task's units and assignments through ON
    DELETE CASCADE. The CHECK only widens (or, going down, narrows to values the rows
    were first brought back to), so nothing stored changes: SQLite's procedure for
    schema changes that do not touch the table's content applies (rewrite the
    definition in the schema table, bump ``schema_version`` so it is read again).
    """
    stored = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'tasks'"
    ).scalar_one()
    wanted = f"CONSTRAINT {_NAME} CHECK ({_every_in(values)})"
    rewritten, found = _SQLITE_CHECK.subn(wanted, stored)
    if found != 1:
        raise RuntimeError(f"tasks has {found} CHECK constraints named {_NAME}, not one")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'tasks'",
            (rewritten,),
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    _replace_check(_AFTER)


def downgrade() -> None:
    op.execute("UPDATE tasks SET every = 'week' WHERE every = 'day'")
    _replace_check(_BEFORE)
