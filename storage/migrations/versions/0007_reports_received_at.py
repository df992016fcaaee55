"""Reports by the time they came, for the summaries of a period.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_reports_received_at"), "reports", ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reports_received_at"), table_name="reports")
