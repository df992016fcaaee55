"""Reminders outbox; contacts that cannot be reached; per-plan reminder policy.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STEPS = ("before", "due", "overdue", "checkin", "escalation")
STATES = ("pending", "claimed", "sent", "cancelled", "dead", "unreachable")
CHANNELS = ("telegram", "zalo", "console")


def _one_of(column: str, values: Sequence[str]) -> sa.CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(f"ck_reminders_{column}"))


def upgrade() -> None:
    with op.batch_alter_table("plans") as plans:
        plans.add_column(sa.Column("reminder_policy", sa.JSON(), nullable=True))
    with op.batch_alter_table("contacts") as contacts:
        contacts.add_column(sa.Column("unreachable_at", sa.DateTime(), nullable=True))
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("is_group", sa.Boolean(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("occurrence", sa.String(length=32), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _one_of("step", STEPS),
        _one_of("state", STATES),
        _one_of("channel", CHANNELS),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_reminders_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_reminders_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint(
            "assignment_id",
            "contact_id",
            "step",
            "occurrence",
            name=op.f("uq_reminders_assignment_id_contact_id_step_occurrence"),
        ),
    )
    op.create_index(op.f("ix_reminders_state_due_at"), "reminders", ["state", "due_at"])
    op.create_index(op.f("ix_reminders_assignment_id"), "reminders", ["assignment_id"])
    op.create_index(op.f("ix_reminders_contact_id"), "reminders", ["contact_id"])


def downgrade() -> None:
    op.drop_table("reminders")
    with op.batch_alter_table("contacts") as contacts:
        contacts.drop_column("unreachable_at")
    with op.batch_alter_table("plans") as plans:
        plans.drop_column("reminder_policy")
