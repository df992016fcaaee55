"""The periodic jobs: one scheduler, a few jobs, the reminders themselves in the outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from scheduling.calendar import WorkingCalendar
from scheduling.clock import FakeClock
from scheduling.compose import PlainComposer
from scheduling.dispatcher import Dispatcher
from scheduling.jobs import JobIntervals, ReminderJobs, build_scheduler
from scheduling.planner import ReminderPlanner
from storage.db import Database
from storage.models import Plan, PlanStatus, Reminder, ReminderState
from tests.scheduling.fakes import RecordingChannel, make_assignment, make_contact, translate

START = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # Tuesday 07:30 in Hà Nội


def _jobs(database: Database, clock: FakeClock, channel: RecordingChannel) -> ReminderJobs:
    dispatcher = Dispatcher(
        database, {"telegram": channel}, PlainComposer(translate), clock=clock, batch_size=10
    )
    planner = ReminderPlanner(WorkingCalendar(tz=ZoneInfo("Asia/Ho_Chi_Minh")))
    return ReminderJobs(database, dispatcher, planner, clock)


async def test_scheduler_holds_the_periodic_jobs_only(database: Database) -> None:
    clock = FakeClock(START)
    scheduler = build_scheduler(_jobs(database, clock, RecordingChannel(clock)), JobIntervals())
    assert sorted(job.id for job in scheduler.get_jobs()) == [
        "dispatch",
        "plan",
        "reap",
        "summaries",
    ]


async def test_the_summaries_job_runs_the_weekly_summaries_when_there_are_any(
    database: Database,
) -> None:
    clock = FakeClock(START)
    runs: list[str] = []

    async def weekly() -> None:
        runs.append("weekly")

    without = _jobs(database, clock, RecordingChannel(clock))
    await without.summaries()
    with_weekly = _jobs(database, clock, RecordingChannel(clock))
    with_weekly.weekly = weekly
    await with_weekly.summaries()

    assert runs == ["weekly"]


async def test_plan_then_dispatch_sends_what_is_due(database: Database) -> None:
    clock = FakeClock(START)
    channel = RecordingChannel(clock)
    async with database.transaction() as session:
        assignment = await make_assignment(session, due=date(2026, 12, 8))
        plan = await session.scalar(select(Plan))
        assert plan is not None
        plan.status = PlanStatus.ACTIVE
        await make_contact(session, assignment.unit_id, chat_id="42")
    jobs = _jobs(database, clock, channel)

    await jobs.plan()
    await jobs.dispatch()
    assert channel.sent == []

    clock.advance(timedelta(days=7, hours=1).total_seconds())
    await jobs.dispatch()
    await jobs.reap()

    assert [delivery.chat_id for delivery in channel.sent] == ["42", "42", "42"]
    async with database.sessions() as session:
        states = (await session.scalars(select(Reminder.state).order_by(Reminder.id))).all()
    assert states.count(ReminderState.SENT) == 3
