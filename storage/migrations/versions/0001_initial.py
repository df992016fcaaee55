"""Initial schema: units and groups, plans, tasks, assignments, contacts, reports.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Enum-like columns are plain strings guarded by CHECK constraints; the values are
# spelled out here so this migration never changes when the Python enums do.
UNIT_KINDS = ("unit", "group")
PLAN_STATUSES = ("draft", "active", "archived")
TIME_KINDS = ("once", "recurring", "continuous", "conditional", "unspecified")
EVERY = ("week", "month", "quarter", "half-year", "year")
ROLES = ("lead", "support")
ASSIGNMENT_STATES = ("open", "dormant", "standing", "done", "cancelled")
CHANNELS = ("telegram", "zalo", "console")


def _one_of(table: str, column: str, values: Sequence[str]) -> sa.CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=op.f(f"ck_{table}_{column}"))


def _code(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=16), nullable=nullable)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    # Naive UTC: storage.types.UTCDateTime converts on the way in and out.
    return sa.Column(name, sa.DateTime(), nullable=nullable)


def upgrade() -> None:
    _create_units()
    _create_plans_and_tasks()
    _create_assignments()
    _create_contacts_and_reports()


def _create_units() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        _code("kind"),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _one_of("units", "kind", UNIT_KINDS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("key", name=op.f("uq_units_key")),
    )
    op.create_table(
        "unit_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_unit_aliases_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_aliases")),
        sa.UniqueConstraint("key", name=op.f("uq_unit_aliases_key")),
    )
    op.create_index(op.f("ix_unit_aliases_unit_id"), "unit_aliases", ["unit_id"])
    op.create_table(
        "unit_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("group_id <> member_id", name=op.f("ck_unit_members_not_self")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["units.id"],
            name=op.f("fk_unit_members_group_id_units"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["units.id"],
            name=op.f("fk_unit_members_member_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "member_id", name=op.f("pk_unit_members")),
    )
    op.create_index(op.f("ix_unit_members_member_id"), "unit_members", ["member_id"])


def _create_plans_and_tasks() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=True),
        sa.Column("issuer", sa.String(length=255), nullable=True),
        sa.Column("period_start", sa.Integer(), nullable=True),
        sa.Column("period_end", sa.Integer(), nullable=True),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        _code("status"),
        _timestamp("created_at"),
        _timestamp("activated_at", nullable=True),
        _one_of("plans", "status", PLAN_STATUSES),
        sa.CheckConstraint(
            "period_start IS NULL OR period_end IS NULL OR period_start <= period_end",
            name=op.f("ck_plans_period_order"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_index(op.f("ix_plans_source_sha256"), "plans", ["source_sha256"])
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("when_text", sa.Text(), nullable=False),
        _code("kind"),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("start", sa.Date(), nullable=True),
        _code("every", nullable=True),
        sa.Column("dues", sa.JSON(), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        _timestamp("triggered_at", nullable=True),
        sa.Column("trigger_due", sa.Date(), nullable=True),
        sa.Column("review_flags", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        _one_of("tasks", "kind", TIME_KINDS),
        _one_of("tasks", "every", EVERY),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_tasks_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("plan_id", "position", name=op.f("uq_tasks_plan_id_position")),
    )
    op.create_table(
        "task_units",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        _code("role"),
        sa.Column("position", sa.Integer(), nullable=False),
        _one_of("task_units", "role", ROLES),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_units_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_task_units_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("task_id", "unit_id", "role", name=op.f("pk_task_units")),
    )
    op.create_index(op.f("ix_task_units_unit_id"), "task_units", ["unit_id"])


def _create_assignments() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        _code("role"),
        sa.Column("period_key", sa.String(length=32), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        _code("state"),
        sa.Column("percent", sa.Integer(), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _one_of("assignments", "role", ROLES),
        _one_of("assignments", "state", ASSIGNMENT_STATES),
        sa.CheckConstraint(
            "percent IS NULL OR (percent >= 0 AND percent <= 100)",
            name=op.f("ck_assignments_percent"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_assignments_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_assignments_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint(
            "task_id",
            "unit_id",
            "period_key",
            name=op.f("uq_assignments_task_id_unit_id_period_key"),
        ),
    )
    op.create_index(op.f("ix_assignments_unit_id"), "assignments", ["unit_id"])
    op.create_index(op.f("ix_assignments_state_due"), "assignments", ["state", "due"])


def _create_contacts_and_reports() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("is_office", sa.Boolean(), nullable=False),
        _code("channel"),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        _timestamp("created_at"),
        _one_of("contacts", "channel", CHANNELS),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_contacts_unit_id_units"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint(
            "channel", "chat_id", "user_id", name=op.f("uq_contacts_channel_chat_id_user_id")
        ),
    )
    op.create_index(op.f("ix_contacts_unit_id"), "contacts", ["unit_id"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        _code("channel"),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        _timestamp("received_at"),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("parsed", sa.JSON(), nullable=True),
        _one_of("reports", "channel", CHANNELS),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_reports_assignment_id_assignments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_reports_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint(
            "channel", "chat_id", "message_id", name=op.f("uq_reports_channel_chat_id_message_id")
        ),
    )
    op.create_index(op.f("ix_reports_assignment_id"), "reports", ["assignment_id"])
    op.create_index(op.f("ix_reports_contact_id"), "reports", ["contact_id"])


def downgrade() -> None:
    for table in (
        "reports",
        "contacts",
        "assignments",
        "task_units",
        "tasks",
        "plans",
        "unit_members",
        "unit_aliases",
        "units",
    ):
        # Dropping a table drops its indexes with it on both SQLite and PostgreSQL.
        op.drop_table(table)
