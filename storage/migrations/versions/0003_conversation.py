"""Invites; what a report changed (for undo); an assignment's problem and completion.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignments") as assignments:
        assignments.add_column(sa.Column("problem", sa.Text(), nullable=True))
        assignments.add_column(sa.Column("done_at", sa.DateTime(), nullable=True))
        assignments.add_column(sa.Column("last_report_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("reports") as reports:
        reports.add_column(sa.Column("user_id", sa.String(length=64), nullable=True))
        reports.add_column(sa.Column("effect", sa.JSON(), nullable=True))
        reports.add_column(sa.Column("undone_at", sa.DateTime(), nullable=True))
    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("is_office", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("used_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(unit_id IS NULL) = is_office", name=op.f("ck_invites_unit_or_office")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_invites_unit_id_units"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["used_by"],
            ["contacts.id"],
            name=op.f("fk_invites_used_by_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invites")),
        sa.UniqueConstraint("code", name=op.f("uq_invites_code")),
    )
    op.create_index(op.f("ix_invites_unit_id"), "invites", ["unit_id"])


def downgrade() -> None:
    op.drop_table("invites")
    with op.batch_alter_table("reports") as reports:
        reports.drop_column("undone_at")
        reports.drop_column("effect")
        reports.drop_column("user_id")
    with op.batch_alter_table("assignments") as assignments:
        assignments.drop_column("last_report_at")
        assignments.drop_column("done_at")
        assignments.drop_column("problem")
