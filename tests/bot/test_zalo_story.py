"""The whole story on Zalo over real HTTP, and Zalo beside Telegram: registering with
an invite code, reminders with numbered answers, answers changing the status the office
asks for, the quota, and reminders too long for one Zalo message."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.app import run_bot
from bot.channels.zalo import ZaloChannel
from bot.config import Settings
from bot.i18n import translator
from bot.wiring import BUTTON_CHANNELS, channel_limits, reminder_composer
from handlers.invites import create_invite
from handlers.reminder_text import NUMBERED_HINT, ReminderComposer
from plans.units import unit_key
from scheduling import outbox
from scheduling.clock import FakeClock
from scheduling.dispatcher import Dispatcher
from scheduling.jobs import JobIntervals
from storage.db import Database, open_database
from storage.models import (
    Assignment,
    Channel,
    Plan,
    PlanStatus,
    Reminder,
    ReminderState,
    Unit,
)
from tests.bot.test_zalo_receiving import eventually
from tests.fakes.telegram_server import FakeTelegram, running_fake
from tests.fakes.zalo_server import FakeZalo, running_fake_zalo, zalo_id
from tests.scheduling.fakes import make_assignment, make_contact, new_reminder, translate

ZALO_TOKEN = "1459232241454765289:zalo-TEST-token"
TELEGRAM_TOKEN = "123456:TEST-token"
NOW = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # Tuesday 09:30 in Hà Nội
FAST = JobIntervals(dispatch=0.2, reap=30.0, plan=3600.0)
SECRETARY = zalo_id(0x5001)
OFFICE = zalo_id(0x9000)
TELEGRAM_SECRETARY = 7001
UNIT = "Chi bộ Thôn 1"
WAITING = frozenset({ReminderState.PENDING, ReminderState.CLAIMED})
TASK = "Tổ chức hội nghị quán triệt Nghị quyết"


@pytest.fixture
async def zalo_fake() -> AsyncIterator[FakeZalo]:
    async with running_fake_zalo(token=ZALO_TOKEN, poll_wait_cap=0.2) as server:
        yield server


@pytest.fixture
async def telegram_fake() -> AsyncIterator[FakeTelegram]:
    async with running_fake(token=TELEGRAM_TOKEN) as server:
        yield server


@asynccontextmanager
async def running_bot(settings: Settings, **channels: Any) -> AsyncIterator[asyncio.Task[None]]:
    """``run_bot`` with the channels given as settings (tokens and API bases)."""
    configured = settings.model_copy(update=channels)
    stop = asyncio.Event()
    bot = asyncio.create_task(run_bot(configured, stop=stop, clock=FakeClock(NOW), intervals=FAST))
    try:
        yield bot
    finally:
        stop.set()
        await asyncio.wait_for(bot, 30)


def zalo_settings(fake: FakeZalo) -> dict[str, Any]:
    return {"zalo_bot_token": SecretStr(ZALO_TOKEN), "zalo_api_base": fake.base_url}


async def seed_story(settings: Settings) -> tuple[int, str, str]:
    """A unit with one task of an active plan due in 60 days (one reminder planned 50
    days before), an invite for the unit and one for the office; returns the
    assignment id and the two codes."""
    today = NOW.astimezone(settings.tz).date()
    async with open_database(settings) as database, database.transaction() as session:
        unit = Unit(name=UNIT, key=unit_key(UNIT))
        session.add(unit)
        await session.flush()
        assignment = await make_assignment(
            session, unit, content=TASK, due=today + timedelta(days=60)
        )
        plan = await session.scalar(select(Plan))
        assert plan is not None
        plan.status = PlanStatus.ACTIVE
        plan.activated_at = NOW
        plan.reminder_policy = {"before_days": [50], "checkin": "off", "send_time": "08:00"}
        unit_invite = await create_invite(session, unit_id=unit.id, office=False, now=NOW)
        office_invite = await create_invite(session, unit_id=None, office=True, now=NOW)
        return assignment.id, unit_invite.code, office_invite.code


async def assignment_state(settings: Settings, assignment_id: int) -> tuple[Any, ...]:
    async with open_database(settings) as database, database.sessions() as session:
        assignment = await session.get(Assignment, assignment_id)
        assert assignment is not None
        return assignment.state.value, assignment.percent, assignment.problem


async def reminders(settings: Settings) -> list[Reminder]:
    async with open_database(settings) as database, database.sessions() as session:
        return list((await session.scalars(select(Reminder).order_by(Reminder.id))).all())


async def test_register_remind_answer_and_ask_for_status_on_zalo(
    settings: Settings, zalo_fake: FakeZalo
) -> None:
    assignment_id, unit_code, office_code = await seed_story(settings)
    vi = translator("vi", settings.locales_dir).gettext
    fake = zalo_fake

    def said(chat: str) -> int:
        return len(fake.texts(chat))

    async with running_bot(settings, **zalo_settings(fake)) as bot:
        # The office member and the unit's secretary register with their codes.
        fake.push_text(OFFICE, f"/start {office_code}", display_name="Văn phòng Đảng ủy")
        fake.push_text(SECRETARY, f"/start {unit_code}", display_name="Lò Văn Sáng")
        await eventually(lambda: said(OFFICE) == 1 and said(SECRETARY) == 1, bot)
        assert UNIT in fake.texts(SECRETARY)[0]

        # The status before anyone reported.
        fake.push_text(OFFICE, "/tinhhinh")
        await eventually(lambda: said(OFFICE) == 2, bot)
        before = fake.texts(OFFICE)[-1]

        # The office brings the unit's reminder forward; the dispatcher sends it.
        fake.push_text(OFFICE, f"/nhacngay {UNIT}")
        await eventually(lambda: said(SECRETARY) == 2, bot)
        reminder = fake.texts(SECRETARY)[1]
        assert TASK in reminder
        assert reminder.splitlines()[-1] == vi(NUMBERED_HINT)

        # "2" with the problem, then the progress.
        fake.push_text(SECRETARY, "2 vướng kinh phí")
        await eventually(lambda: said(SECRETARY) == 3, bot)
        assert await assignment_state(settings, assignment_id) == ("open", None, "vướng kinh phí")
        fake.push_text(SECRETARY, "80%")
        await eventually(lambda: said(SECRETARY) == 4, bot)
        assert await assignment_state(settings, assignment_id) == ("open", 80, "vướng kinh phí")

        # The office asks again and sees the numbers changed.
        office_said = said(OFFICE)
        fake.push_text(OFFICE, "/tinhhinh")
        await eventually(lambda: said(OFFICE) == office_said + 1, bot)

    after = fake.texts(OFFICE)[-1]
    # The wording of the status is the office's; what matters is that the answers show.
    assert after != before
    assert "80%" in after and "80%" not in before
    assert fake.photos == [] and all(len(m.text) <= 2000 for m in fake.messages)
    [sent] = [r for r in await reminders(settings) if r.state == ReminderState.SENT]
    assert (sent.channel, sent.chat_id) == (Channel.ZALO, SECRETARY)
    assert sent.message_id == next(m.message_id for m in fake.messages if m.text == reminder)


async def test_a_unit_on_telegram_and_on_zalo_is_reminded_on_both(
    settings: Settings, zalo_fake: FakeZalo, telegram_fake: FakeTelegram
) -> None:
    assignment_id, unit_code, office_code = await seed_story(settings)
    vi = translator("vi", settings.locales_dir).gettext
    channels = {
        **zalo_settings(zalo_fake),
        "telegram_bot_token": SecretStr(TELEGRAM_TOKEN),
        "telegram_api_base": telegram_fake.base_url,
    }
    async with open_database(settings) as database, database.transaction() as session:
        unit_id = await session.scalar(select(Unit.id).where(Unit.name == UNIT))
        second = (await create_invite(session, unit_id=unit_id, office=False, now=NOW)).code

    async with running_bot(settings, **channels) as bot:
        zalo_fake.push_text(SECRETARY, f"/start {unit_code}")
        telegram_fake.push_message(TELEGRAM_SECRETARY, TELEGRAM_SECRETARY, f"/start {second}")
        zalo_fake.push_text(OFFICE, f"/start {office_code}")
        await eventually(
            lambda: (
                bool(zalo_fake.texts(SECRETARY))
                and bool(telegram_fake.texts(TELEGRAM_SECRETARY))
                and bool(zalo_fake.texts(OFFICE))
            ),
            bot,
        )
        zalo_fake.push_text(OFFICE, f"/nhacngay {UNIT}")
        await eventually(
            lambda: (
                len(zalo_fake.texts(SECRETARY)) == 2
                and len(telegram_fake.texts(TELEGRAM_SECRETARY)) == 2
            ),
            bot,
        )
        # The Zalo secretary answers "1": done, for the unit, seen on both channels.
        zalo_fake.push_text(SECRETARY, "1")
        await eventually(lambda: len(zalo_fake.texts(SECRETARY)) == 3, bot)

    on_zalo = zalo_fake.texts(SECRETARY)[1]
    on_telegram = telegram_fake.messages[-1]
    assert TASK in on_zalo and TASK in on_telegram.text
    assert on_zalo.splitlines()[-1] == vi(NUMBERED_HINT)
    assert on_telegram.reply_markup is not None
    buttons = [
        b["callback_data"] for row in on_telegram.reply_markup["inline_keyboard"] for b in row
    ]
    assert f"r:{assignment_id}:done" in buttons
    sent = [r for r in await reminders(settings) if r.state == ReminderState.SENT]
    assert sorted(r.channel.value for r in sent) == ["telegram", "zalo"]
    assert (await assignment_state(settings, assignment_id))[0] == "done"


async def seed_reminders(
    database: Database, chats: Sequence[str], *, problem: str | None = None
) -> list[int]:
    """One Zalo contact per chat, each with one reminder due now; the reminder ids."""
    async with database.transaction() as session:
        assignment = await make_assignment(session)
        if problem is not None:
            assignment.problem = problem
            assignment.last_report_at = NOW - timedelta(days=3)
        contacts = [
            await make_contact(session, assignment.unit_id, chat_id=chat, channel=Channel.ZALO)
            for chat in chats
        ]
        await outbox.enqueue(session, [new_reminder(assignment, c, due_at=NOW) for c in contacts])
        ids = await session.scalars(select(Reminder.id).order_by(Reminder.id))
        return list(ids)


async def dispatch_until_settled(
    dispatcher: Dispatcher, database: Database, count: int, timeout: float = 30.0
) -> list[Reminder]:
    """Run the dispatcher until ``count`` reminders are settled (neither pending nor
    claimed)."""
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run(stop, idle_seconds=1.0))

    async def settled() -> list[Reminder]:
        async with database.sessions() as session:
            rows = (await session.scalars(select(Reminder).order_by(Reminder.id))).all()
            return [r for r in rows if r.state not in WAITING]

    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(done := await settled()) < count:
            assert asyncio.get_running_loop().time() < deadline, "timed out"
            await asyncio.sleep(0.05)
        return done
    finally:
        stop.set()
        await running


async def test_over_quota_the_dispatcher_pauses_and_loses_nothing(
    database: Database, settings: Settings
) -> None:
    chats = [zalo_id(0x100 + n) for n in range(12)]
    await seed_reminders(database, chats)
    clock = FakeClock(NOW)
    async with (
        running_fake_zalo(token=ZALO_TOKEN, per_second=4) as fake,
        ZaloChannel(ZALO_TOKEN, api_base=fake.base_url, timeout=5.0, clock=clock) as zalo,
    ):
        fake.throttle(chats[0], times=1, retry_after=30)
        dispatcher = Dispatcher(
            database,
            {"zalo": zalo},
            reminder_composer(settings, clock),
            clock=clock,
            channel_limits=channel_limits(settings),
        )
        assert dispatcher.flood_control("zalo").limits.per_second == 5.0
        rows = await dispatch_until_settled(dispatcher, database, len(chats))

    assert fake.count_429 >= 2  # the one told to wait 30 s, and the quota
    assert {r.state for r in rows} == {ReminderState.SENT}
    assert sorted(m.chat_id for m in fake.messages) == sorted(chats)
    assert {r.attempts for r in rows} == {0}
    first = next(r for r in rows if r.chat_id == chats[0])
    assert first.sent_at is not None and first.sent_at >= NOW + timedelta(seconds=30)


async def test_a_reminder_too_long_for_one_zalo_message_goes_in_parts(
    database: Database, settings: Settings
) -> None:
    problem = "thiếu kinh phí tổ chức hội nghị, " * 70
    [reminder_id] = await seed_reminders(database, [SECRETARY], problem=problem.strip())
    clock = FakeClock(NOW)
    async with (
        running_fake_zalo(token=ZALO_TOKEN) as fake,
        ZaloChannel(ZALO_TOKEN, api_base=fake.base_url, timeout=5.0, clock=clock) as zalo,
    ):
        composer = reminder_composer(settings, clock)
        dispatcher = Dispatcher(database, {"zalo": zalo}, composer, clock=clock)
        [row] = await dispatch_until_settled(dispatcher, database, 1)

    parts = fake.texts(SECRETARY)
    assert len(parts) == 2
    assert all(len(part) <= 2000 for part in parts)
    assert sum(len(part) for part in parts) > 2000
    vi = translator("vi", settings.locales_dir).gettext
    assert parts[-1].splitlines()[-1] == vi(NUMBERED_HINT)
    assert (row.id, row.state) == (reminder_id, ReminderState.SENT)
    assert row.message_id == fake.messages[0].message_id


async def test_the_composer_gives_buttons_only_to_channels_that_have_them(
    database: Database,
) -> None:
    async with database.transaction() as session:
        assignment = await make_assignment(session)
        on_telegram = await make_contact(session, assignment.unit_id, chat_id="71")
        on_zalo = await make_contact(
            session, assignment.unit_id, chat_id=zalo_id(71), channel=Channel.ZALO
        )
        await outbox.enqueue(
            session, [new_reminder(assignment, c, due_at=NOW) for c in (on_telegram, on_zalo)]
        )
    composer = ReminderComposer(translate, buttons=BUTTON_CHANNELS, clock=FakeClock(NOW))
    async with database.sessions() as session:
        rows = list((await session.scalars(select(Reminder).order_by(Reminder.id))).all())
        messages = await composer(session, rows)
        everywhere = await ReminderComposer(translate)(session, rows)

    by_channel = {row.channel: messages[row.id] for row in rows}
    assert by_channel[Channel.TELEGRAM].buttons
    assert not by_channel[Channel.ZALO].buttons
    assert by_channel[Channel.ZALO].text.endswith("ví dụ 80%")
    assert all(message.buttons for message in everywhere.values())
