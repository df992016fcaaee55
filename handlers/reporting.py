"""Applying a secretary's report to an assignment, and taking it back.

A report is read into a :class:`handlers.replies.ReplyReading` (or comes from a
button); :func:`apply_reading` changes the assignment accordingly and keeps on the
report what it read and what it changed — the assignment's values before and
after, the reminders it cancelled or moved — so that :func:`undo` can put them
back. Nothing is deleted: an undone report stays on record with ``undone_at``.

Functions work in the caller's session and flush at most; the caller commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.replies import Intent, ReplyReading
from scheduling import outbox
from scheduling.planner import ReminderPlanner
from scheduling.policy import PolicyError, ReminderPolicy, snoozed_until
from storage.models import (
    Assignment,
    AssignmentState,
    Plan,
    PlanStatus,
    Reminder,
    ReminderState,
    ReminderStep,
    Report,
    Task,
)

log = logging.getLogger(__name__)

REPORTABLE = frozenset({AssignmentState.OPEN, AssignmentState.STANDING, AssignmentState.DONE})
"""States an assignment takes reports in (dormant and cancelled ones are not being worked)."""
_LOOKBACK = 50


@dataclass(frozen=True)
class Snapshot:
    """The values of an assignment a report may change."""

    state: AssignmentState
    percent: int | None
    problem: str | None
    done_at: datetime | None
    last_report_at: datetime | None

    @classmethod
    def of(cls, assignment: Assignment) -> Snapshot:
        """The assignment's current values."""
        return cls(
            state=assignment.state,
            percent=assignment.percent,
            problem=assignment.problem,
            done_at=assignment.done_at,
            last_report_at=assignment.last_report_at,
        )

    def put(self, assignment: Assignment) -> None:
        """Give the assignment these values."""
        assignment.state = self.state
        assignment.percent = self.percent
        assignment.problem = self.problem
        assignment.done_at = self.done_at
        assignment.last_report_at = self.last_report_at

    def to_json(self) -> dict[str, Any]:
        """JSON-ready values (times in ISO 8601)."""
        return {
            "state": self.state.value,
            "percent": self.percent,
            "problem": self.problem,
            "done_at": _iso(self.done_at),
            "last_report_at": _iso(self.last_report_at),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        """The inverse of :meth:`to_json`."""
        return cls(
            state=AssignmentState(data["state"]),
            percent=data.get("percent"),
            problem=data.get("problem"),
            done_at=_time(data.get("done_at")),
            last_report_at=_time(data.get("last_report_at")),
        )


@dataclass(frozen=True)
class Snoozed:
    """The reminder a snooze moved, from when to when."""

    reminder_id: int
    moved_from: datetime
    until: datetime

    def to_json(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "reminder_id": self.reminder_id,
            "from": self.moved_from.isoformat(),
            "until": self.until.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snoozed:
        """The inverse of :meth:`to_json`."""
        return cls(int(data["reminder_id"]), _required(data["from"]), _required(data["until"]))


@dataclass(frozen=True)
class Effect:
    """What applying a report changed: the assignment before and after, the reminders
    it cancelled (a task done) and the reminder it postponed (a snooze)."""

    before: Snapshot
    after: Snapshot
    cancelled_reminders: tuple[int, ...] = ()
    snoozed: Snoozed | None = None
    snooze_until: datetime | None = None
    """When the reader asked to be reminded, even if no reminder was waiting to move."""

    @property
    def changed(self) -> bool:
        """Whether anything changed (the assignment, or a reminder)."""
        return self.before != self.after or bool(self.cancelled_reminders) or bool(self.snoozed)

    def to_json(self) -> dict[str, Any]:
        """The effect as stored on the report."""
        data: dict[str, Any] = {"before": self.before.to_json(), "after": self.after.to_json()}
        if self.cancelled_reminders:
            data["cancelled_reminders"] = list(self.cancelled_reminders)
        if self.snoozed is not None:
            data["snoozed"] = self.snoozed.to_json()
        if self.snooze_until is not None:
            data["snooze_until"] = self.snooze_until.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Effect:
        """The inverse of :meth:`to_json`."""
        snoozed = data.get("snoozed")
        return cls(
            before=Snapshot.from_json(data["before"]),
            after=Snapshot.from_json(data["after"]),
            cancelled_reminders=tuple(int(i) for i in data.get("cancelled_reminders", ())),
            snoozed=Snoozed.from_json(snoozed) if isinstance(snoozed, dict) else None,
            snooze_until=_time(data.get("snooze_until")),
        )


def reportable(assignment: Assignment) -> bool:
    """Whether the assignment takes reports (open, standing, or done and reopened by one)."""
    return assignment.state in REPORTABLE


async def apply_reading(
    session: AsyncSession,
    report: Report,
    assignment: Assignment,
    reading: ReplyReading,
    *,
    now: datetime,
    planner: ReminderPlanner,
) -> Effect:
    """Apply ``reading`` to ``assignment`` and record it on ``report``.

    done: the assignment is DONE at 100 % (a standing task stays standing, its
    check-ins go on) and its pending reminders are cancelled; progress: the percent
    (a done assignment reported below 100 % opens again); problem: the problem as
    written; snooze: the contact's next reminder moves to ``reading.snooze_days``
    working days ahead (``scheduling.policy.snoozed_until`` with the plan's policy).
    ``report`` gets ``assignment_id``, ``parsed`` (the reading), ``problem`` and ``effect``.
    Raises ``ValueError`` for an ``other`` reading, which says nothing to apply.
    """
    before = Snapshot.of(assignment)
    cancelled: tuple[int, ...] = ()
    snoozed: Snoozed | None = None
    until: datetime | None = None
    if reading.intent is Intent.DONE:
        cancelled = await _done(session, assignment, reading, now)
    elif reading.intent in (Intent.PROGRESS, Intent.PROBLEM):
        _progress(assignment, reading, now)
    elif reading.intent is Intent.SNOOZE:
        until = await _snooze_moment(session, assignment, reading.snooze_days or 1, now, planner)
        snoozed = await _snooze(session, assignment.id, until, report.contact_id)
    else:
        raise ValueError(f"nothing to apply for a reading of intent {reading.intent}")
    after = Snapshot.of(assignment)
    await session.flush()
    if before.state == AssignmentState.DONE and after.state != AssignmentState.DONE:
        await planner.plan_assignments(session, [assignment.id], now=now)
    effect = Effect(before, after, cancelled, snoozed, until)
    report.assignment_id = assignment.id
    report.parsed = reading.to_json()
    report.problem = reading.problem or None
    report.effect = effect.to_json()
    await session.flush()
    return effect


async def _done(
    session: AsyncSession, assignment: Assignment, reading: ReplyReading, now: datetime
) -> tuple[int, ...]:
    assignment.percent = 100
    assignment.problem = reading.problem
    assignment.last_report_at = now
    if assignment.state == AssignmentState.STANDING:
        # A continuous task is never finished: this period's work is, and the
        # check-ins of the next ones must still come.
        return ()
    if assignment.state != AssignmentState.DONE:
        assignment.done_at = now
    assignment.state = AssignmentState.DONE
    pending = await session.scalars(
        select(Reminder.id).where(
            Reminder.assignment_id == assignment.id, Reminder.state == ReminderState.PENDING
        )
    )
    ids = tuple(sorted(pending))
    await outbox.cancel_pending(session, assignment.id)
    return ids


def _progress(assignment: Assignment, reading: ReplyReading, now: datetime) -> None:
    if reading.percent is not None:
        assignment.percent = reading.percent
    if reading.problem is not None:
        assignment.problem = reading.problem
    assignment.last_report_at = now
    if assignment.state == AssignmentState.DONE and (assignment.percent or 0) < 100:
        assignment.state = AssignmentState.OPEN
        assignment.done_at = None


async def _snooze_moment(
    session: AsyncSession,
    assignment: Assignment,
    days: int,
    now: datetime,
    planner: ReminderPlanner,
) -> datetime:
    plan = await session.scalar(
        select(Plan).join(Task, Task.plan_id == Plan.id).where(Task.id == assignment.task_id)
    )
    policy = ReminderPolicy()
    if plan is not None:
        try:
            policy = planner.policy_of(plan)
        except PolicyError as error:
            log.warning("plan %s has an unreadable reminder policy: %s", plan.id, error)
    return snoozed_until(now, max(days, 1), policy, planner.calendar)


async def _snooze(
    session: AsyncSession, assignment_id: int, until: datetime, contact_id: int | None
) -> Snoozed | None:
    # The same choice as outbox.snooze makes, read first so that an undo can move it back.
    query = (
        select(Reminder.id, Reminder.due_at)
        .where(
            Reminder.assignment_id == assignment_id,
            Reminder.state == ReminderState.PENDING,
            Reminder.step != ReminderStep.ESCALATION,
        )
        .order_by(Reminder.due_at, Reminder.id)
        .limit(1)
    )
    if contact_id is not None:
        query = query.where(Reminder.contact_id == contact_id)
    found = (await session.execute(query)).first()
    if found is None:
        return None
    moved = await outbox.snooze(session, assignment_id, until, contact_id=contact_id)
    return Snoozed(found.id, found.due_at, until) if moved else None


async def latest_applied(session: AsyncSession, assignment_id: int) -> Report | None:
    """The assignment's latest report that changed something and was not undone."""
    return await _first_changing(
        session, select(Report).where(Report.assignment_id == assignment_id)
    )


async def latest_undoable(session: AsyncSession, contact_id: int) -> Report | None:
    """The contact's latest report that changed something and was not undone."""
    return await _first_changing(session, select(Report).where(Report.contact_id == contact_id))


async def _first_changing(session: AsyncSession, query: Select[Report]) -> Report | None:
    # A report that changed nothing (a snooze with no reminder waiting) is on record
    # but does not stand in the way of undoing the one before it.
    found = await session.scalars(
        query.where(Report.effect.is_not(None), Report.undone_at.is_(None))
        .order_by(Report.id.desc())
        .limit(_LOOKBACK)
    )
    for report in found:
        if report.effect is not None and Effect.from_json(report.effect).changed:
            return report
    return None


async def undo(
    session: AsyncSession,
    report: Report,
    *,
    now: datetime,
    window: timedelta,
    planner: ReminderPlanner,
) -> bool:
    """Take back what ``report`` changed; ``False`` when it may not be undone.

    Only the assignment's latest applied report, received less than ``window`` ago
    and not undone yet, may be. The assignment gets its values from before the
    report, the reminders the report cancelled or postponed and still waiting come
    back (those whose moment passed stay cancelled), further reminders are planned
    again, and the report keeps its record with ``undone_at`` set.
    """
    if report.effect is None or report.assignment_id is None or report.undone_at is not None:
        return False
    if now - report.received_at > window:
        return False
    latest = await latest_applied(session, report.assignment_id)
    if latest is None or latest.id != report.id:
        return False
    assignment = await session.get(Assignment, report.assignment_id)
    if assignment is None:
        return False
    effect = Effect.from_json(report.effect)
    effect.before.put(assignment)
    await _restore_reminders(session, effect, now)
    report.undone_at = now
    await session.flush()
    if effect.before.state != effect.after.state:
        await planner.plan_assignments(session, [assignment.id], now=now)
    return True


async def _restore_reminders(session: AsyncSession, effect: Effect, now: datetime) -> None:
    if effect.cancelled_reminders:
        await session.execute(
            update(Reminder)
            .where(
                Reminder.id.in_(effect.cancelled_reminders),
                Reminder.state == ReminderState.CANCELLED,
                Reminder.due_at > now,
            )
            .values(state=ReminderState.PENDING)
        )
    snoozed = effect.snoozed
    if snoozed is not None:
        await session.execute(
            update(Reminder)
            .where(
                Reminder.id == snoozed.reminder_id,
                Reminder.state == ReminderState.PENDING,
                Reminder.due_at == snoozed.until,
            )
            .values(due_at=max(snoozed.moved_from, now))
        )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _time(text: object) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) else None


def _required(text: object) -> datetime:
    moment = _time(text)
    if moment is None:
        raise ValueError(f"a stored time is missing: {text!r}")
    return moment


async def current_assignments(
    session: AsyncSession, unit_id: int, *, today: date
) -> list[tuple[Assignment, Task]]:
    """The unit's assignments being worked now, soonest due first: open or standing, in
    an active plan, their period begun (a yearly task's later years are not yet)."""
    rows = await session.execute(
        select(Assignment, Task)
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Assignment.unit_id == unit_id,
            Assignment.state.in_((AssignmentState.OPEN, AssignmentState.STANDING)),
            Plan.status == PlanStatus.ACTIVE,
            or_(Assignment.period_start.is_(None), Assignment.period_start <= today),
        )
        .order_by(Assignment.due.is_(None), Assignment.due, Assignment.id)
    )
    return [(assignment, task) for assignment, task in rows]
