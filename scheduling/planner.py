"""From assignments to outbox rows: who is reminded of what, and when.

The planner applies a plan's reminder policy to its live assignments and
enqueues the resulting reminders for every reachable contact of the unit (and,
for escalations, every office member). It only looks ``horizon`` ahead: the
periodic planning job keeps extending that window, so weekly overdue reminders
go on until the unit reports without the outbox growing without bound. Rows are
enqueued idempotently, in the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.calendar import WorkingCalendar
from scheduling.outbox import NewReminder, enqueue
from scheduling.policy import AssignmentFacts, PlannedReminder, ReminderPolicy, plan_reminders
from storage.models import (
    Assignment,
    AssignmentState,
    Contact,
    Plan,
    Reminder,
    ReminderState,
    Task,
)

LIVE = (AssignmentState.OPEN, AssignmentState.STANDING)
STALE_AFTER = timedelta(days=30)
_CHUNK = 500


@dataclass(frozen=True)
class Planned:
    """One assignment's reminders over the window, before recipients are known."""

    assignment: Assignment
    reminders: list[PlannedReminder]


class ReminderPlanner:
    """Materialises reminders for assignments into the outbox."""

    def __init__(
        self,
        calendar: WorkingCalendar,
        *,
        send_time: time | None = None,
        horizon: timedelta = timedelta(days=45),
        grace: timedelta = timedelta(hours=12),
    ) -> None:
        self.calendar = calendar
        self.send_time = send_time
        self.horizon = horizon
        self.grace = grace

    def policy_of(self, plan: Plan) -> ReminderPolicy:
        """The plan's reminder policy (its own settings over the defaults)."""
        return ReminderPolicy.from_stored(plan.reminder_policy, default_send_time=self.send_time)

    async def plan_plan(self, session: AsyncSession, plan_id: int, *, now: datetime) -> int:
        """Enqueue the reminders of every live assignment of one plan; return rows added."""
        query = _live().where(Task.plan_id == plan_id)
        return await self._plan_query(session, query, now)

    async def replan_plan(self, session: AsyncSession, plan_id: int, *, now: datetime) -> int:
        """Drop the plan's reminders still waiting and plan them again (its policy changed)."""
        of_plan = select(Assignment.id).join(Task, Task.id == Assignment.task_id)
        await session.execute(
            delete(Reminder).where(
                Reminder.state == ReminderState.PENDING,
                Reminder.assignment_id.in_(of_plan.where(Task.plan_id == plan_id)),
            )
        )
        return await self.plan_plan(session, plan_id, now=now)

    async def plan_assignments(
        self, session: AsyncSession, assignment_ids: Iterable[int], *, now: datetime
    ) -> int:
        """Enqueue the reminders of the given assignments (those still live)."""
        ids = list(assignment_ids)
        added = 0
        for start in range(0, len(ids), _CHUNK):
            query = _live().where(Assignment.id.in_(ids[start : start + _CHUNK]))
            added += await self._plan_query(session, query, now)
        return added

    async def plan_task(self, session: AsyncSession, task_id: int, *, now: datetime) -> int:
        """Enqueue the reminders of one task's live assignments (edited or triggered)."""
        return await self._plan_query(session, _live().where(Assignment.task_id == task_id), now)

    async def plan_unit(self, session: AsyncSession, unit_id: int, *, now: datetime) -> int:
        """Enqueue the reminders of one unit (a contact was just registered for it)."""
        return await self._plan_query(session, _live().where(Assignment.unit_id == unit_id), now)

    async def plan_all(self, session: AsyncSession, *, now: datetime) -> int:
        """Extend the window for every live assignment of every active plan."""
        return await self._plan_query(session, _live(), now)

    def preview(
        self, assignment: Assignment, policy: ReminderPolicy, *, now: datetime, days: int
    ) -> list[PlannedReminder]:
        """What the policy will send for one assignment in the next ``days`` days."""
        return self._reminders(assignment, policy, now, now + timedelta(days=days))

    def _reminders(
        self, assignment: Assignment, policy: ReminderPolicy, after: datetime, until: datetime
    ) -> list[PlannedReminder]:
        if _stale(assignment):
            return []
        return plan_reminders(_facts(assignment), policy, self.calendar, after=after, until=until)

    async def _plan_query(
        self, session: AsyncSession, query: Select[Assignment, Plan], now: datetime
    ) -> int:
        rows = (await session.execute(query)).all()
        planned = [self._planned(a, p, now) for a, p in rows]
        planned = [p for p in planned if p.reminders]
        if not planned:
            return 0
        recipients = await _Recipients.load(session, {p.assignment.unit_id for p in planned})
        return await enqueue(session, _rows(planned, recipients))

    def _planned(self, assignment: Assignment, plan: Plan, now: datetime) -> Planned:
        # A reminder whose moment passed a little while ago (a plan activated at 09:00 on
        # the deadline day) still goes out; the outbox's unique key stops repeats.
        after = now - self.grace
        reminders = self._reminders(assignment, self.policy_of(plan), after, now + self.horizon)
        return Planned(assignment, reminders)


def _live() -> Select[Assignment, Plan]:
    return (
        select(Assignment, Plan)
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Assignment.state.in_(LIVE), Plan.status == "active")
        .order_by(Assignment.id)
    )


def _stale(assignment: Assignment) -> bool:
    """A period that was long over when the plan was activated (a plan for 2022–2025
    activated in 2026): it stays on record for the summaries, but nobody is chased."""
    if assignment.due is None:
        return False
    return (assignment.created_at.date() - assignment.due) > STALE_AFTER


def _facts(assignment: Assignment) -> AssignmentFacts:
    return AssignmentFacts(
        state=assignment.state, due=assignment.due, start=assignment.period_start
    )


@dataclass(frozen=True)
class _Recipients:
    by_unit: dict[int, list[Contact]]
    office: list[Contact]

    @classmethod
    async def load(cls, session: AsyncSession, unit_ids: set[int]) -> _Recipients:
        reachable = select(Contact).where(Contact.unreachable_at.is_(None))
        members = (await session.scalars(reachable.where(Contact.unit_id.in_(unit_ids)))).all()
        office = (
            await session.scalars(
                reachable.where(Contact.is_office.is_(True), Contact.user_id.is_not(None))
            )
        ).all()
        by_unit: dict[int, list[Contact]] = defaultdict(list)
        for contact in members:
            if contact.unit_id is not None and contact.user_id is not None:
                by_unit[contact.unit_id].append(contact)
        return cls(dict(by_unit), list(office))

    def for_reminder(self, unit_id: int, reminder: PlannedReminder) -> Sequence[Contact]:
        return self.office if reminder.to_office else self.by_unit.get(unit_id, [])


def _rows(planned: Iterable[Planned], recipients: _Recipients) -> Iterable[NewReminder]:
    for item in planned:
        assignment = item.assignment
        for reminder in item.reminders:
            for contact in recipients.for_reminder(assignment.unit_id, reminder):
                yield NewReminder(
                    assignment_id=assignment.id,
                    contact_id=contact.id,
                    channel=str(contact.channel),
                    chat_id=contact.chat_id,
                    is_group=contact.user_id is None,
                    step=reminder.step,
                    occurrence=reminder.occurrence,
                    planned_at=reminder.planned_at,
                    due_at=reminder.at,
                )
