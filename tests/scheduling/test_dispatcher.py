"""The dispatcher on a real database, a fake clock and a recording channel."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling import outbox
from scheduling.channel import (
    OutgoingMessage,
    PermanentFailure,
    RetryAfter,
    TransientFailure,
    Unreachable,
)
from scheduling.clock import FakeClock
from scheduling.compose import PlainComposer
from scheduling.dispatcher import MAX_ATTEMPTS, Dispatcher, default_backoff
from storage.db import Database
from storage.models import (
    Assignment,
    AssignmentState,
    Channel,
    Contact,
    Reminder,
    ReminderState,
    ReminderStep,
)
from tests.scheduling.fakes import (
    START,
    RecordingChannel,
    make_assignment,
    make_contact,
    new_reminder,
    translate,
)

TOLERANCE = 1e-6
DAY = timedelta(days=1)


def backoff(attempt: int) -> float:
    """Deterministic retries for the tests: 10 s, 20 s, 30 s, ..."""
    return 10.0 * attempt


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def channel(clock: FakeClock) -> RecordingChannel:
    return RecordingChannel(clock)


@pytest.fixture
def dispatcher(database: Database, channel: RecordingChannel, clock: FakeClock) -> Dispatcher:
    return Dispatcher(
        database,
        {"telegram": channel},
        PlainComposer(translate),
        clock=clock,
        worker="test-worker",
        backoff=backoff,
    )


async def seed(
    database: Database,
    chats: Sequence[str],
    *,
    due_at: datetime = START,
    channel: Channel = Channel.TELEGRAM,
    state: AssignmentState = AssignmentState.OPEN,
    language: str | None = None,
    step: ReminderStep = ReminderStep.DUE,
) -> tuple[Assignment, list[Contact]]:
    """One assignment; one contact per chat id, each with one reminder due at ``due_at``."""
    async with database.transaction() as session:
        assignment = await make_assignment(session, state=state)
        contacts = [
            await make_contact(
                session, assignment.unit_id, chat_id=chat, channel=channel, language=language
            )
            for chat in chats
        ]
        await outbox.enqueue(
            session, [new_reminder(assignment, c, due_at=due_at, step=step) for c in contacts]
        )
    return assignment, contacts


async def enqueue_many(database: Database, chat: str, count: int, *, is_group: bool) -> None:
    """``count`` reminders due now to the one chat ``chat``."""
    async with database.transaction() as session:
        assignment = await make_assignment(session)
        contact = await make_contact(session, assignment.unit_id, chat_id=chat)
        await outbox.enqueue(
            session,
            [
                new_reminder(assignment, contact, occurrence=str(i), is_group=is_group)
                for i in range(count)
            ],
        )


async def rows(database: Database) -> list[Reminder]:
    async with database.sessions() as session:
        return list((await session.scalars(select(Reminder).order_by(Reminder.id))).all())


async def only_row(database: Database) -> Reminder:
    [row] = await rows(database)
    return row


async def run_until(
    dispatcher: Dispatcher, channel: RecordingChannel, delivered: int, *, idle: float = 1.0
) -> None:
    """Run the dispatcher loop until ``delivered`` messages went out (fake time flies)."""
    stop = asyncio.Event()

    def check(_delivery: object) -> None:
        if len(channel.sent) >= delivered:
            stop.set()

    channel.on_delivery = check
    await asyncio.wait_for(dispatcher.run(stop, idle_seconds=idle), timeout=60)


async def test_tick_sends_due_rows_and_records_them(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    await seed(database, ["11", "12"])
    await seed(database, ["13"], due_at=START + timedelta(minutes=5))

    assert await dispatcher.tick() == 2
    assert sorted(d.chat_id for d in channel.sent) == ["11", "12"]
    by_chat = {r.chat_id: r for r in await rows(database)}
    for delivery in channel.sent:
        row = by_chat[delivery.chat_id]
        assert (row.state, row.message_id) == (ReminderState.SENT, delivery.message_id)
        assert row.sent_at is not None and row.sent_at >= delivery.at
    assert by_chat["13"].state is ReminderState.PENDING
    assert await dispatcher.tick() == 0


async def test_message_is_vietnamese_with_the_due_date(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    await seed(database, ["21"], step=ReminderStep.BEFORE)
    await dispatcher.tick()
    [text] = channel.texts_to("21")
    assert text.splitlines() == [
        "Nhắc việc: nhiệm vụ sắp đến hạn",
        "Nhiệm vụ: Tổ chức hội nghị quán triệt Nghị quyết",
        "Kế hoạch: Kế hoạch thực hiện Nghị quyết Đại hội",
        "Hạn 31/12/2025",
        'Trả lời tin nhắn này: "xong", tỉ lệ như "đạt 80%", hoặc khó khăn, vướng mắc.',
    ]


async def test_message_follows_the_contact_language(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    await seed(database, ["22"], language="en", step=ReminderStep.OVERDUE)
    await dispatcher.tick()
    [text] = channel.texts_to("22")
    assert text.splitlines()[0] == "Reminder: a task is overdue"
    assert "Due 31/12/2025" in text.splitlines()


async def test_escalation_names_the_overdue_unit(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    await seed(database, ["23"], step=ReminderStep.ESCALATION)
    await dispatcher.tick()
    [text] = channel.texts_to("23")
    assert text.startswith("Quá hạn: Chi bộ Thôn 1 chưa hoàn thành nhiệm vụ\n")
    assert "Trả lời" not in text


async def test_composer_leaves_out_the_due_line_without_a_due_date(
    database: Database, channel: RecordingChannel, clock: FakeClock
) -> None:
    async with database.transaction() as session:
        assignment = await make_assignment(session, due=None)
        contact = await make_contact(session, assignment.unit_id, chat_id="24")
        await outbox.enqueue(
            session, [new_reminder(assignment, contact, step=ReminderStep.CHECKIN)]
        )
        [row] = await outbox.claim_due(session, now=START, limit=1, lease_seconds=60, worker="w")
        messages = await PlainComposer(translate)(session, [row])
    assert messages[row.id].text.splitlines()[0] == (
        "Nhắc việc: đề nghị báo cáo tiến độ thực hiện nhiệm vụ"
    )
    assert not any(line.startswith("Hạn") for line in messages[row.id].text.splitlines())


async def test_retry_after_pauses_the_rest_of_the_batch(
    database: Database, channel: RecordingChannel, clock: FakeClock
) -> None:
    dispatcher = Dispatcher(
        database, {"telegram": channel}, PlainComposer(translate), clock=clock, concurrency=1
    )
    await seed(database, ["31", "32", "33"])
    channel.fail_next(RetryAfter(30))

    assert await dispatcher.tick() == 0
    assert channel.attempts == ["31"], "nothing else may start during the pause"
    for row in await rows(database):
        assert (row.state, row.attempts) == (ReminderState.PENDING, 0)
        assert row.due_at >= START + timedelta(seconds=30) - timedelta(milliseconds=1)
    assert await dispatcher.tick() == 0

    await run_until(dispatcher, channel, 3)
    assert sorted(d.chat_id for d in channel.sent) == ["31", "32", "33"]
    assert min(d.at for d in channel.sent) >= START + timedelta(seconds=30)
    assert sum(clock.slept) >= 30 - TOLERANCE
    assert all(r.state is ReminderState.SENT and r.attempts == 0 for r in await rows(database))


async def test_retry_after_with_sends_in_flight_loses_nothing(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    await seed(database, [str(300 + n) for n in range(40)])
    channel.fail_next(RetryAfter(30), chat_id="310")

    await run_until(dispatcher, channel, 40)
    assert sorted(d.chat_id for d in channel.sent) == sorted(str(300 + n) for n in range(40))
    [retried] = [d for d in channel.sent if d.chat_id == "310"]
    assert retried.at >= START + timedelta(seconds=30)
    assert all(r.state is ReminderState.SENT and r.attempts == 0 for r in await rows(database))


async def test_forbidden_marks_the_contact_and_its_pending_rows(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    assignment, [blocked] = await seed(database, ["41"])
    async with database.transaction() as session:
        later = [
            new_reminder(assignment, blocked, step=ReminderStep.DUE, occurrence="same batch"),
            new_reminder(assignment, blocked, step=ReminderStep.OVERDUE, due_at=START + DAY),
        ]
        await outbox.enqueue(session, later)
    await seed(database, ["42"])
    channel.fail_next(Unreachable("Forbidden: bot was blocked by the user"), chat_id="41")

    assert await dispatcher.tick() == 1
    assert channel.attempts.count("41") == 1
    states = {(r.chat_id, r.step, r.occurrence): r.state for r in await rows(database)}
    assert states == {
        ("41", ReminderStep.DUE, ""): ReminderState.UNREACHABLE,
        ("41", ReminderStep.DUE, "same batch"): ReminderState.UNREACHABLE,
        ("41", ReminderStep.OVERDUE, ""): ReminderState.UNREACHABLE,
        ("42", ReminderStep.DUE, ""): ReminderState.SENT,
    }
    async with database.sessions() as session:
        contact = await session.get(Contact, blocked.id)
        assert contact is not None and contact.unreachable_at is not None
        assert START <= contact.unreachable_at < START + timedelta(seconds=5)
        stats = await outbox.stats(session)
    assert [c.contact_id for c in stats.unreachable_contacts] == [blocked.id]


async def test_unreachable_contact_is_never_sent_to(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    _, [contact] = await seed(database, ["43"])
    async with database.transaction() as session:
        stored = await session.get(Contact, contact.id)
        assert stored is not None
        stored.unreachable_at = START - DAY

    assert await dispatcher.tick() == 0
    assert channel.attempts == []
    assert (await only_row(database)).state is ReminderState.UNREACHABLE


async def test_chat_not_found_is_a_dead_letter(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    await seed(database, ["51"])
    channel.fail_next(PermanentFailure("Bad Request: chat not found"))

    assert await dispatcher.tick() == 0
    async with database.sessions() as session:
        stats = await outbox.stats(session)
    assert stats.by_state["dead"] == 1
    [dead] = stats.dead
    assert dead.chat_id == "51"
    assert dead.last_error == "PermanentFailure: Bad Request: chat not found"
    assert await dispatcher.tick() == 0


async def test_transient_failure_backs_off_then_succeeds(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel, clock: FakeClock
) -> None:
    await seed(database, ["61"])
    channel.fail_next(TransientFailure("502 Bad Gateway"), TransientFailure("timeout"))

    assert await dispatcher.tick() == 0
    row = await only_row(database)
    assert (row.state, row.attempts) == (ReminderState.PENDING, 1)
    assert row.due_at == START + timedelta(seconds=backoff(1))
    assert row.last_error == "TransientFailure: 502 Bad Gateway"

    clock.advance(backoff(1) - 1)
    assert await dispatcher.tick() == 0
    assert channel.attempts == ["61"], "not before the backoff"

    clock.advance(1)
    assert await dispatcher.tick() == 0
    row = await only_row(database)
    assert (row.attempts, row.due_at) == (2, clock.now() + timedelta(seconds=backoff(2)))

    clock.advance(backoff(2))
    assert await dispatcher.tick() == 1
    row = await only_row(database)
    assert (row.state, row.attempts, row.last_error) == (ReminderState.SENT, 2, None)


async def test_dead_after_the_last_attempt(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel, clock: FakeClock
) -> None:
    await seed(database, ["62"])
    channel.fail_next(*(TransientFailure(f"try {n}") for n in range(MAX_ATTEMPTS + 1)))

    for _ in range(MAX_ATTEMPTS):
        assert await dispatcher.tick() == 0
        clock.advance(backoff(MAX_ATTEMPTS))
    row = await only_row(database)
    assert (row.state, row.attempts) == (ReminderState.DEAD, MAX_ATTEMPTS)
    assert row.last_error == f"TransientFailure: try {MAX_ATTEMPTS - 1}"
    assert len(channel.attempts) == MAX_ATTEMPTS


async def test_unexpected_error_counts_as_transient(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    await seed(database, ["63"])
    channel.fail_next(RuntimeError("adapter bug"))
    assert await dispatcher.tick() == 0
    row = await only_row(database)
    assert (row.state, row.attempts) == (ReminderState.PENDING, 1)


async def test_channel_not_running_here_is_released(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    await seed(database, ["71"], channel=Channel.ZALO)
    assert await dispatcher.tick() == 0
    row = await only_row(database)
    assert (row.state, row.attempts) == (ReminderState.PENDING, 0)
    assert row.due_at == START + timedelta(minutes=5)
    assert channel.attempts == []


async def test_rows_of_a_closed_assignment_are_cancelled(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    await seed(database, ["81"], state=AssignmentState.DONE)
    await seed(database, ["82"], state=AssignmentState.CANCELLED)
    assert await dispatcher.tick() == 0
    assert channel.attempts == []
    assert {r.state for r in await rows(database)} == {ReminderState.CANCELLED}


async def test_expired_claim_of_a_dead_worker_is_sent_again(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel, clock: FakeClock
) -> None:
    await seed(database, ["91"])
    async with database.transaction(write_lock=True) as session:
        await outbox.claim_due(session, now=START, limit=10, lease_seconds=60, worker="crashed")
    assert await dispatcher.tick() == 0

    clock.advance(61)
    await run_until(dispatcher, channel, 1)
    row = await only_row(database)
    assert (row.state, row.claimed_by) == (ReminderState.SENT, "test-worker")


async def test_composer_failure_retries_later(
    database: Database, channel: RecordingChannel, clock: FakeClock
) -> None:
    async def broken(
        session: AsyncSession, reminders: Sequence[Reminder]
    ) -> Mapping[int, OutgoingMessage]:
        raise LookupError("template missing")

    dispatcher = Dispatcher(database, {"telegram": channel}, broken, clock=clock, backoff=backoff)
    await seed(database, ["95"])
    assert await dispatcher.tick() == 0
    row = await only_row(database)
    assert (row.state, row.attempts) == (ReminderState.PENDING, 1)
    assert row.last_error == "compose: LookupError: template missing"


async def test_no_message_for_a_row_makes_it_dead(
    database: Database, channel: RecordingChannel, clock: FakeClock
) -> None:
    async def silent(
        session: AsyncSession, reminders: Sequence[Reminder]
    ) -> Mapping[int, OutgoingMessage]:
        return {}

    dispatcher = Dispatcher(database, {"telegram": channel}, silent, clock=clock)
    await seed(database, ["96"])
    assert await dispatcher.tick() == 0
    assert (await only_row(database)).state is ReminderState.DEAD


async def test_one_chat_gets_a_message_a_second_at_most(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel
) -> None:
    await enqueue_many(database, "100", 20, is_group=False)
    await run_until(dispatcher, channel, 20)
    times = [d.monotonic for d in channel.sent]
    assert all(b - a >= 1.0 - TOLERANCE for a, b in itertools.pairwise(times))
    assert {r.state for r in await rows(database)} == {ReminderState.SENT}
    assert {r.attempts for r in await rows(database)} == {0}


async def test_many_chats_go_out_at_the_bot_rate(
    database: Database, channel: RecordingChannel, clock: FakeClock
) -> None:
    dispatcher = Dispatcher(
        database, {"telegram": channel}, PlainComposer(translate), clock=clock, concurrency=1
    )
    await seed(database, [str(2000 + n) for n in range(100)])
    await run_until(dispatcher, channel, 100)
    times = [d.monotonic for d in channel.sent]
    assert times[-1] - times[0] >= 99 / 25 - TOLERANCE
    assert all(b - a >= 1.0 - TOLERANCE for a, b in zip(times, times[25:], strict=False))


async def test_a_busy_group_waits_for_its_minute_window(
    database: Database, dispatcher: Dispatcher, channel: RecordingChannel, clock: FakeClock
) -> None:
    await enqueue_many(database, "-500", 25, is_group=True)
    await run_until(dispatcher, channel, 25)
    times = [d.monotonic for d in channel.sent]
    assert all(b - a >= 60.0 - TOLERANCE for a, b in zip(times, times[20:], strict=False))
    assert {r.attempts for r in await rows(database)} == {0}


async def test_run_stops_when_asked(database: Database, dispatcher: Dispatcher) -> None:
    stop = asyncio.Event()
    stop.set()
    await asyncio.wait_for(dispatcher.run(stop), timeout=5)


async def test_default_backoff_grows_to_an_hour() -> None:
    bases = [5, 30, 120, 600, 3600, 3600, 3600]
    for attempt, base in enumerate(bases, start=1):
        assert base <= default_backoff(attempt) <= base * 1.1
