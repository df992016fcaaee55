"""Applying a reading to an assignment, and undoing it, on a real database."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.replies import Intent, ReplyReading
from handlers.reporting import (
    Effect,
    apply_reading,
    current_assignments,
    latest_undoable,
    undo,
)
from scheduling.calendar import WorkingCalendar
from scheduling.planner import ReminderPlanner
from scheduling.policy import ReminderPolicy, snoozed_until
from storage.models import (
    Assignment,
    AssignmentState,
    Channel,
    Contact,
    Plan,
    PlanStatus,
    Reminder,
    ReminderState,
    Report,
    Task,
    Unit,
)
from tests.scheduling.fakes import make_assignment, make_contact, make_unit

NOW = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)
"""Monday 01/12/2025, 09:00 in Hà Nội."""
WINDOW = timedelta(hours=24)
CALENDAR = WorkingCalendar()
PLANNER = ReminderPlanner(CALENDAR)

DONE = ReplyReading(Intent.DONE, 100, None, None)
_message_ids = itertools.count(1)


def progress(percent: int | None, problem: str | None = None) -> ReplyReading:
    intent = Intent.PROGRESS if percent is not None else Intent.PROBLEM
    return ReplyReading(intent, percent, problem, None)


async def live_assignment(
    session: AsyncSession,
    unit: Unit | None = None,
    *,
    due: date | None = date(2025, 12, 31),
    state: AssignmentState = AssignmentState.OPEN,
) -> Assignment:
    """An assignment of an active plan, with its reminders planned."""
    assignment = await make_assignment(session, unit, due=due, state=state)
    task = await session.get(Task, assignment.task_id)
    assert task is not None
    plan = await session.get(Plan, task.plan_id)
    assert plan is not None
    plan.status = PlanStatus.ACTIVE
    # The planner leaves alone periods long over when they were created.
    assignment.created_at = NOW
    await session.flush()
    return assignment


async def contact_with_reminders(session: AsyncSession, assignment: Assignment) -> Contact:
    contact = await make_contact(session, assignment.unit_id)
    await PLANNER.plan_assignments(session, [assignment.id], now=NOW)
    return contact


async def new_report(
    session: AsyncSession, contact: Contact | None, *, at: datetime = NOW, text: str = "xong"
) -> Report:
    report = Report(
        channel=Channel.TELEGRAM,
        chat_id=contact.chat_id if contact else "1",
        message_id=str(next(_message_ids)),
        user_id=contact.user_id if contact else "1",
        received_at=at,
        raw_text=text,
        contact_id=contact.id if contact else None,
    )
    session.add(report)
    await session.flush()
    return report


async def states(session: AsyncSession, assignment_id: int) -> list[ReminderState]:
    found = await session.scalars(
        select(Reminder.state)
        .where(Reminder.assignment_id == assignment_id)
        .order_by(Reminder.due_at)
    )
    return list(found)


async def test_done_closes_the_assignment_and_cancels_its_pending_reminders(
    session: AsyncSession,
) -> None:
    assignment = await live_assignment(session)
    contact = await contact_with_reminders(session, assignment)
    assert set(await states(session, assignment.id)) == {ReminderState.PENDING}
    report = await new_report(session, contact)

    effect = await apply_reading(session, report, assignment, DONE, now=NOW, planner=PLANNER)

    assert (assignment.state, assignment.percent, assignment.done_at) == (
        AssignmentState.DONE,
        100,
        NOW,
    )
    assert assignment.last_report_at == NOW
    assert set(await states(session, assignment.id)) == {ReminderState.CANCELLED}
    assert report.assignment_id == assignment.id
    assert report.parsed == DONE.to_json()
    assert report.effect is not None
    assert report.effect["before"]["state"] == "open"
    assert report.effect["after"] == {
        "state": "done",
        "percent": 100,
        "problem": None,
        "done_at": NOW.isoformat(),
        "last_report_at": NOW.isoformat(),
    }
    assert Effect.from_json(report.effect) == effect
    assert effect.changed


async def test_undo_puts_back_the_values_and_the_waiting_reminders(
    session: AsyncSession,
) -> None:
    assignment = await live_assignment(session)
    contact = await contact_with_reminders(session, assignment)
    report = await new_report(session, contact)
    await apply_reading(session, report, assignment, DONE, now=NOW, planner=PLANNER)
    later = NOW + timedelta(hours=2)

    assert await undo(session, report, now=later, window=WINDOW, planner=PLANNER)

    assert (assignment.state, assignment.percent, assignment.done_at) == (
        AssignmentState.OPEN,
        None,
        None,
    )
    assert assignment.last_report_at is None
    assert set(await states(session, assignment.id)) == {ReminderState.PENDING}
    assert report.undone_at == later
    assert report.effect is not None
    assert report.effect["after"]["state"] == "done"


async def test_only_the_latest_report_is_undone_and_only_once(session: AsyncSession) -> None:
    assignment = await live_assignment(session)
    contact = await contact_with_reminders(session, assignment)
    first = await new_report(session, contact, text="50%")
    await apply_reading(session, first, assignment, progress(50), now=NOW, planner=PLANNER)
    second = await new_report(session, contact, text="80%")
    await apply_reading(session, second, assignment, progress(80), now=NOW, planner=PLANNER)

    assert not await undo(session, first, now=NOW, window=WINDOW, planner=PLANNER)
    assert await undo(session, second, now=NOW, window=WINDOW, planner=PLANNER)
    assert assignment.percent == 50
    assert not await undo(session, second, now=NOW, window=WINDOW, planner=PLANNER)
    assert await undo(session, first, now=NOW, window=WINDOW, planner=PLANNER)
    assert assignment.percent is None


async def test_undo_is_refused_after_the_window(session: AsyncSession) -> None:
    assignment = await live_assignment(session)
    contact = await contact_with_reminders(session, assignment)
    report = await new_report(session, contact)
    await apply_reading(session, report, assignment, DONE, now=NOW, planner=PLANNER)

    late = NOW + timedelta(hours=25)
    assert not await undo(session, report, now=late, window=WINDOW, planner=PLANNER)

    assert assignment.state == AssignmentState.DONE
    assert report.undone_at is None


async def test_progress_keeps_a_standing_task_standing(session: AsyncSession) -> None:
    assignment = await live_assignment(session, due=None, state=AssignmentState.STANDING)
    report = await new_report(session, None)

    await apply_reading(session, report, assignment, progress(40), now=NOW, planner=PLANNER)
    assert (assignment.state, assignment.percent) == (AssignmentState.STANDING, 40)

    again = await new_report(session, None)
    await apply_reading(session, again, assignment, DONE, now=NOW, planner=PLANNER)
    assert (assignment.state, assignment.percent) == (AssignmentState.STANDING, 100)
    assert assignment.done_at is None


async def test_a_problem_stays_until_a_report_without_one_says_done(
    session: AsyncSession,
) -> None:
    assignment = await live_assignment(session)
    reports = [await new_report(session, None) for _ in range(3)]

    await apply_reading(
        session, reports[0], assignment, progress(None, "thiếu kinh phí"), now=NOW, planner=PLANNER
    )
    assert (assignment.percent, assignment.problem) == (None, "thiếu kinh phí")
    await apply_reading(session, reports[1], assignment, progress(70), now=NOW, planner=PLANNER)
    assert (assignment.percent, assignment.problem) == (70, "thiếu kinh phí")
    await apply_reading(session, reports[2], assignment, DONE, now=NOW, planner=PLANNER)
    assert (assignment.percent, assignment.problem) == (100, None)


async def test_the_report_keeps_the_problem_it_raised(session: AsyncSession) -> None:
    assignment = await live_assignment(session)
    raised, plain = await new_report(session, None), await new_report(session, None)

    await apply_reading(
        session, raised, assignment, progress(40, "thiếu kinh phí"), now=NOW, planner=PLANNER
    )
    await apply_reading(session, plain, assignment, progress(60), now=NOW, planner=PLANNER)

    assert (raised.problem, plain.problem) == ("thiếu kinh phí", None)
    assert raised.parsed is not None and raised.parsed["problem"] == "thiếu kinh phí"


async def test_progress_below_100_reopens_a_done_assignment(session: AsyncSession) -> None:
    assignment = await live_assignment(session)
    await contact_with_reminders(session, assignment)
    done = await new_report(session, None)
    await apply_reading(session, done, assignment, DONE, now=NOW, planner=PLANNER)
    tomorrow = NOW + timedelta(days=1)
    correction = await new_report(session, None, at=tomorrow)

    await apply_reading(
        session, correction, assignment, progress(60), now=tomorrow, planner=PLANNER
    )

    assert (assignment.state, assignment.percent, assignment.done_at) == (
        AssignmentState.OPEN,
        60,
        None,
    )


async def test_snooze_moves_the_next_reminder_and_undo_moves_it_back(
    session: AsyncSession,
) -> None:
    assignment = await live_assignment(session)
    contact = await contact_with_reminders(session, assignment)
    first = await session.scalar(
        select(Reminder).where(Reminder.assignment_id == assignment.id).order_by(Reminder.due_at)
    )
    assert first is not None
    planned = first.due_at
    report = await new_report(session, contact, text="3 ngày nữa nhắc lại")
    reading = ReplyReading(Intent.SNOOZE, None, None, 3)

    effect = await apply_reading(session, report, assignment, reading, now=NOW, planner=PLANNER)

    until = snoozed_until(NOW, 3, ReminderPolicy(), CALENDAR)
    await session.refresh(first)
    assert first.due_at == until
    assert effect.snoozed is not None and effect.snoozed.until == until
    assert assignment.state == AssignmentState.OPEN
    assert assignment.last_report_at is None

    assert await undo(session, report, now=NOW, window=WINDOW, planner=PLANNER)
    await session.refresh(first)
    assert first.due_at == planned


async def test_an_unreadable_reading_is_not_applied(session: AsyncSession) -> None:
    assignment = await live_assignment(session)
    report = await new_report(session, None, text="alo")

    with pytest.raises(ValueError):
        await apply_reading(
            session,
            report,
            assignment,
            ReplyReading(Intent.OTHER, None, None, None),
            now=NOW,
            planner=PLANNER,
        )
    assert report.effect is None


async def test_current_assignments_are_the_units_live_ones_begun_soonest_due_first(
    session: AsyncSession,
) -> None:
    unit = await make_unit(session)
    later = await live_assignment(session, unit, due=date(2026, 6, 30))
    sooner = await live_assignment(session, unit, due=date(2025, 12, 31))
    standing = await live_assignment(session, unit, due=None, state=AssignmentState.STANDING)
    not_begun = await live_assignment(session, unit, due=date(2026, 12, 31))
    not_begun.period_start = date(2026, 1, 1)
    await live_assignment(session, unit, state=AssignmentState.DONE)
    await live_assignment(session, unit, state=AssignmentState.DORMANT)
    await make_assignment(session, unit)  # a draft plan's
    await live_assignment(session)  # another unit's
    await session.flush()

    found = await current_assignments(session, unit.id, today=date(2025, 12, 1))

    assert [a.id for a, _ in found] == [sooner.id, later.id, standing.id]


async def test_a_report_that_changed_nothing_does_not_block_undoing_the_one_before(
    session: AsyncSession,
) -> None:
    assignment = await live_assignment(session)
    contact = await contact_with_reminders(session, assignment)
    done = await new_report(session, contact)
    await apply_reading(session, done, assignment, DONE, now=NOW, planner=PLANNER)
    snooze = await new_report(session, contact, text="mai nhắc lại")
    reading = ReplyReading(Intent.SNOOZE, None, None, 1)

    effect = await apply_reading(session, snooze, assignment, reading, now=NOW, planner=PLANNER)

    assert effect.snoozed is None and not effect.changed
    assert await latest_undoable(session, contact.id) == done
    assert await undo(session, done, now=NOW, window=WINDOW, planner=PLANNER)
    assert assignment.state == AssignmentState.OPEN
