"""A reader's own weekly summary schedule.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as contacts:
        contacts.add_column(sa.Column("summary_schedule", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as contacts:
        contacts.drop_column("summary_schedule")
