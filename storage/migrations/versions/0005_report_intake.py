"""Reports keep the message as delivered and when it was interpreted, so a message
acknowledged before it was read is read after a crash.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as reports:
        reports.add_column(sa.Column("incoming", sa.JSON(), nullable=True))
        reports.add_column(sa.Column("handled_at", sa.DateTime(), nullable=True))
        reports.create_index(op.f("ix_reports_handled_at"), ["handled_at"])
    # Reports stored before this revision were read when they arrived.
    op.execute("UPDATE reports SET handled_at = received_at")


def downgrade() -> None:
    with op.batch_alter_table("reports") as reports:
        reports.drop_index(op.f("ix_reports_handled_at"))
        reports.drop_column("handled_at")
        reports.drop_column("incoming")
