"""What a summary reads, indexed: the problems reports raised, and the assignments in
the order they are rolled up.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLLUP_COLUMNS = [
    "unit_id",
    "period_key",
    "state",
    "task_id",
    "period_start",
    "due",
    "done_at",
    "last_report_at",
    "percent",
]
_HAS_PROBLEM = sa.text("problem IS NOT NULL AND undone_at IS NULL")


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite adds a nullable column without copying the table.
    op.add_column("reports", sa.Column("problem", sa.Text(), nullable=True))
    table = sa.table(
        "reports",
        sa.column("assignment_id", sa.Integer()),
        sa.column("parsed", sa.JSON()),
        sa.column("problem", sa.Text()),
    )
    # Reports applied before this column existed keep their problem in the reading.
    read = table.c.parsed["problem"].as_string()
    op.execute(
        table.update()
        .where(table.c.assignment_id.is_not(None), sa.func.length(read) > 0)
        .values(problem=read)
    )
    op.create_index(
        "ix_reports_problem_received_at",
        "reports",
        ["received_at", "assignment_id"],
        sqlite_where=_HAS_PROBLEM,
        postgresql_where=_HAS_PROBLEM,
    )
    op.create_index("ix_assignments_rollup", "assignments", _ROLLUP_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_assignments_rollup", table_name="assignments")
    op.drop_index("ix_reports_problem_received_at", table_name="reports")
    with op.batch_alter_table("reports") as reports:
        reports.drop_column("problem")
