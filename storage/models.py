"""The database schema as SQLAlchemy 2 declarative models.

A plan holds tasks; a task names its units (lead or support) in ``task_units``; an
active plan is expanded into ``assignments``, one per task × unit × period, which
reminders and replies refer to. Units may be groups whose members are listed in
``unit_members``. ``contacts`` binds chat identities to units and ``reports`` keeps
every incoming reply as received.

Relationships use the default lazy loading, which an ``AsyncSession`` cannot do
implicitly: load them with ``selectinload(...)`` in the query, or
``await obj.awaitable_attrs.name``. Deleting rows relies on the database's
``ON DELETE`` rules (``passive_deletes``), so children need not be loaded first.

Changing a model means writing a new migration in ``storage/migrations/versions``;
a test fails while the two disagree.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from plans.model import Every, TimeKind
from storage.types import ISODateList, UTCDateTime, utcnow

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UnitKind(StrEnum):
    """A single unit (chi bộ, ban, ...) or a named group that fans out to its members."""

    UNIT = "unit"
    GROUP = "group"


class PlanStatus(StrEnum):
    """Life cycle of an imported plan."""

    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class UnitRole(StrEnum):
    """How a unit takes part in a task."""

    LEAD = "lead"
    SUPPORT = "support"


class AssignmentState(StrEnum):
    """Where one unit stands on one period of one task."""

    OPEN = "open"
    DORMANT = "dormant"
    STANDING = "standing"
    DONE = "done"
    CANCELLED = "cancelled"


class Channel(StrEnum):
    """Chat channels a contact can write from."""

    TELEGRAM = "telegram"
    ZALO = "zalo"
    CONSOLE = "console"


class ReminderStep(StrEnum):
    """Why a reminder is sent; ``occurrence`` tells instances of one step apart."""

    BEFORE = "before"
    DUE = "due"
    OVERDUE = "overdue"
    CHECKIN = "checkin"
    ESCALATION = "escalation"


class ReminderState(StrEnum):
    """Where a reminder stands in the outbox."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    CANCELLED = "cancelled"
    DEAD = "dead"
    UNREACHABLE = "unreachable"


class ReviewFlag(StrEnum):
    """Codes stored in ``tasks.review_flags``; other modules may store further codes."""

    UNKNOWN_UNIT = "unknown_unit"
    NO_LEAD = "no_lead"
    UNSPECIFIED_TIME = "unspecified_time"
    CONDITIONAL_TIME = "conditional_time"


def _enum(enum_cls: type[StrEnum], length: int = 16) -> Enum:
    """A plain string column holding ``enum_cls`` values, read back as members."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def _one_of(column: str, enum_cls: type[StrEnum]) -> CheckConstraint:
    """CHECK that ``column`` holds a value of ``enum_cls`` (NULL passes, as in SQL)."""
    values = ", ".join(f"'{m.value}'" for m in enum_cls)
    return CheckConstraint(f"{column} IN ({values})", name=column)


class Base(AsyncAttrs, DeclarativeBase):
    """Declarative base; every aware datetime column is a :class:`UTCDateTime`."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, TypeEngine[Any]]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Unit(Base):
    """A responsible unit or a group of units, identified by its folded ``key``."""

    __tablename__ = "units"
    __table_args__ = (_one_of("kind", UnitKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind), default=UnitKind.UNIT)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", passive_deletes=True
    )


class UnitAlias(Base):
    """Another spelling of a unit's name (abbreviation, old name), unique by folded key."""

    __tablename__ = "unit_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(255), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class UnitMember(Base):
    """Membership of a unit in a group unit."""

    __tablename__ = "unit_members"
    __table_args__ = (CheckConstraint("group_id <> member_id", name="not_self"),)

    group_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Plan(Base):
    """One imported plan document."""

    __tablename__ = "plans"
    __table_args__ = (
        _one_of("status", PlanStatus),
        CheckConstraint(
            "period_start IS NULL OR period_end IS NULL OR period_start <= period_end",
            name="period_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    number: Mapped[str | None] = mapped_column(String(64))
    issuer: Mapped[str | None] = mapped_column(String(255))
    period_start: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[int | None] = mapped_column(Integer)
    source_name: Mapped[str] = mapped_column(String(255))
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[PlanStatus] = mapped_column(_enum(PlanStatus), default=PlanStatus.DRAFT)
    reminder_policy: Mapped[dict[str, Any] | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column()

    tasks: Mapped[list[Task]] = relationship(
        back_populates="plan",
        order_by="Task.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Task(Base):
    """One actionable line of a plan, with its timeframe as understood."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("plan_id", "position"),
        _one_of("kind", TimeKind),
        _one_of("every", Every),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    ref: Mapped[str] = mapped_column(String(64), default="")
    content: Mapped[str] = mapped_column(Text)
    when_text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[TimeKind] = mapped_column(_enum(TimeKind), default=TimeKind.UNSPECIFIED)
    due: Mapped[date | None] = mapped_column(Date)
    start: Mapped[date | None] = mapped_column(Date)
    every: Mapped[Every | None] = mapped_column(_enum(Every))
    dues: Mapped[list[date]] = mapped_column(ISODateList(), default=list)
    target: Mapped[str | None] = mapped_column(Text)
    triggered_at: Mapped[datetime | None] = mapped_column()
    trigger_due: Mapped[date | None] = mapped_column(Date)
    review_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    units: Mapped[list[TaskUnit]] = relationship(
        back_populates="task",
        order_by=lambda: [TaskUnit.role, TaskUnit.position],
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="task", cascade="all, delete-orphan", passive_deletes=True
    )


class TaskUnit(Base):
    """A unit named by a task, as lead or support, in the order the plan gives."""

    __tablename__ = "task_units"
    __table_args__ = (_one_of("role", UnitRole),)

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)
    role: Mapped[UnitRole] = mapped_column(_enum(UnitRole), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    task: Mapped[Task] = relationship(back_populates="units")
    unit: Mapped[Unit] = relationship()


class Assignment(Base):
    """One unit's share of one task for one period (``period_key``: ``2025``, ``2025-Q1``,
    ``once``, ``standing``, ...)."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("task_id", "unit_id", "period_key"),
        _one_of("role", UnitRole),
        _one_of("state", AssignmentState),
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="percent"),
        Index(None, "state", "due"),
        # Everything a summary counts, in the order it groups by: SQLite rolls a plan's
        # assignments up by unit, period and state from this index alone, unsorted.
        Index(
            "ix_assignments_rollup",
            "unit_id",
            "period_key",
            "state",
            "task_id",
            "period_start",
            "due",
            "done_at",
            "last_report_at",
            "percent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[UnitRole] = mapped_column(_enum(UnitRole))
    period_key: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[date | None] = mapped_column(Date)
    due: Mapped[date | None] = mapped_column(Date)
    state: Mapped[AssignmentState] = mapped_column(
        _enum(AssignmentState), default=AssignmentState.OPEN
    )
    percent: Mapped[int | None] = mapped_column(Integer)
    problem: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column()
    last_report_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    task: Mapped[Task] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()


class Contact(Base):
    """A chat identity (a person in a chat, or a group chat when ``user_id`` is NULL),
    bound to a unit once registered."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id", "user_id"),
        _one_of("channel", Channel),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), index=True
    )
    is_office: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(255), default="")
    language: Mapped[str | None] = mapped_column(String(8))
    unreachable_at: Mapped[datetime | None] = mapped_column()
    summary_schedule: Mapped[str | None] = mapped_column(String(16))
    """When a reader wants the weekly summary (``0@08:00``, ``off``); NULL: the default."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship()


class Report(Base):
    """An incoming reply exactly as received, and what was read from it. Append-only:
    deleting the assignment or contact it refers to leaves the report in place."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id", "message_id"),
        _one_of("channel", Channel),
        # Few reports raise a problem and stand: a summary finds a period's problems
        # among them only, and ranks them by unit without reading the reports.
        Index(
            "ix_reports_problem_received_at",
            "received_at",
            "assignment_id",
            sqlite_where=text("problem IS NOT NULL AND undone_at IS NULL"),
            postgresql_where=text("problem IS NOT NULL AND undone_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    raw_text: Mapped[str] = mapped_column(Text)
    parsed: Mapped[dict[str, Any] | None] = mapped_column()
    effect: Mapped[dict[str, Any] | None] = mapped_column()
    """What applying the report changed (the assignment's values before and after),
    so an undo can put them back; the report itself is never deleted."""
    problem: Mapped[str | None] = mapped_column(Text)
    """The problem the report raised, once applied to an assignment (the reading's, as
    in ``parsed``); NULL when it raised none."""
    undone_at: Mapped[datetime | None] = mapped_column()
    incoming: Mapped[dict[str, Any] | None] = mapped_column()
    """The message as the channel delivered it, to interpret it again after a crash."""
    handled_at: Mapped[datetime | None] = mapped_column(index=True)
    """When it was interpreted; NULL while it waits (stored, acknowledged, not yet read)."""


class Reminder(Base):
    """One message owed to one contact: a row of the durable outbox.

    Rows are enqueued idempotently — (assignment, contact, step, occurrence) is
    unique — in the transaction that causes them. A dispatcher claims due rows
    under a lease, sends them and records the sent message id at once; a reaper
    returns rows whose lease ran out. ``due_at`` is when the row may go next (a
    retry moves it); ``planned_at`` is when the policy wanted it.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("assignment_id", "contact_id", "step", "occurrence"),
        _one_of("step", ReminderStep),
        _one_of("state", ReminderState),
        _one_of("channel", Channel),
        Index(None, "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    chat_id: Mapped[str] = mapped_column(String(64))
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    step: Mapped[ReminderStep] = mapped_column(_enum(ReminderStep))
    occurrence: Mapped[str] = mapped_column(String(32), default="")
    planned_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime] = mapped_column()
    state: Mapped[ReminderState] = mapped_column(
        _enum(ReminderState), default=ReminderState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column()
    message_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SummaryState(StrEnum):
    """Where a summary owed to a reader stands."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"


class Summary(Base):
    """A summary given to a reader, with the numbers it showed (``numbers``), so the next
    one can tell what changed. A weekly summary is owed once per reader and ``week``
    (``2026-W48``): the unique key makes enqueueing it idempotent across restarts and
    processes, and the state and lease make sending it an outbox like reminders'."""

    __tablename__ = "summaries"
    __table_args__ = (
        UniqueConstraint("contact_id", "week"),
        _one_of("state", SummaryState),
        Index(None, "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"), index=True
    )
    week: Mapped[str | None] = mapped_column(String(10))
    state: Mapped[SummaryState] = mapped_column(_enum(SummaryState), default=SummaryState.PENDING)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column()
    numbers: Mapped[dict[str, Any] | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Invite(Base):
    """A code that binds the person who redeems it to a unit, or to the office."""

    __tablename__ = "invites"
    __table_args__ = (CheckConstraint("(unit_id IS NULL) = is_office", name="unit_or_office"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), index=True
    )
    is_office: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    used_by: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
