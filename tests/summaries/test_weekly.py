"""The weekly summary: once per reader and week, through restarts and several processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.i18n import translator
from handlers.messages import OutgoingFile
from scheduling.channel import MessageRef, PermanentFailure, RetryAfter, Unreachable
from scheduling.clock import FakeClock
from storage.db import Database
from storage.models import Channel, Contact, Summary, SummaryState
from summaries.schedule import (
    WeeklySchedule,
    parse_schedule,
    parse_setting,
    this_weeks_moment,
    week_key,
)
from summaries.weekly import SummaryWriter, WeeklySummaries
from tests.scheduling.fakes import RecordingChannel, make_contact
from tests.summaries import scenario

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 2026-06-15 08:00 in Hà Nội is 01:00 UTC.
MONDAY_8 = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)


class PictureChannel(RecordingChannel):
    """A recording channel that also takes files, or refuses them."""

    def __init__(self, clock: FakeClock, name: str = "telegram", *, pictures: bool = True) -> None:
        super().__init__(clock, name)
        self.max_text_length = 4096 if name == "telegram" else 2000
        self.pictures = pictures
        self.files: list[tuple[str, OutgoingFile]] = []

    async def send_file(self, chat_id: str, file: OutgoingFile) -> MessageRef:
        if not self.pictures:
            raise PermanentFailure("no public address for pictures")
        self.files.append((chat_id, file))
        return MessageRef(chat_id, f"f{len(self.files)}")


@pytest.mark.parametrize(
    ("text", "weekday", "at"),
    [
        ("thứ 2 08:00", 0, time(8, 0)),
        ("Thứ Hai 8h", 0, time(8, 0)),
        ("T6 16h30", 4, time(16, 30)),
        ("thu 6 16:30", 4, time(16, 30)),
        ("CN 7h", 6, time(7, 0)),
        ("chủ nhật 19:15", 6, time(19, 15)),
        ("mon 8:00", 0, time(8, 0)),
        ("fri 17", 4, time(17, 0)),
        ("t7 9g", 5, time(9, 0)),
    ],
)
def test_schedules_are_read_as_people_type_them(text: str, weekday: int, at: time) -> None:
    assert parse_schedule(text) == WeeklySchedule(weekday, at)


@pytest.mark.parametrize("text", ["thứ 9 08:00", "T2 25:00", "T2 8:75", "hàng tuần", ""])
def test_what_is_not_a_schedule_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_schedule(text)


def test_the_setting_may_turn_the_summary_off() -> None:
    assert parse_setting("tắt") is None
    assert parse_setting("thứ 2 08:00") == WeeklySchedule()


def test_a_schedule_survives_its_stored_form() -> None:
    schedule = WeeklySchedule(4, time(16, 30))
    assert WeeklySchedule.from_text(str(schedule)) == schedule
    assert WeeklySchedule.from_text("rubbish") is None


def test_weeks_and_moments() -> None:
    assert week_key(date(2026, 11, 23)) == "2026-W48"
    assert week_key(date(2027, 1, 1)) == "2026-W53"
    sunday_night = datetime(2026, 6, 21, 16, 0, tzinfo=UTC)  # 23:00 Sunday in Hà Nội
    moment = this_weeks_moment(sunday_night, WeeklySchedule(), HANOI)
    assert moment == MONDAY_8


async def readers(database: Database) -> dict[str, Contact]:
    """A summary group, an office member on Zalo, an office member and a secretary on
    Telegram, with the scenario's plan; only the first two read weekly summaries."""
    async with database.transaction() as session:
        built = await scenario.build(session)
        group = Contact(channel=Channel.TELEGRAM, chat_id="-100", user_id=None)
        zalo_office = await make_contact(session, None, chat_id="z-1", channel=Channel.ZALO)
        zalo_office.is_office = True
        telegram_office = await make_contact(session, None, chat_id="77")
        telegram_office.is_office = True
        secretary = await make_contact(session, built.units["A"].id, chat_id="88")
        session.add(group)
        await session.flush()
        session.expunge_all()
        return {
            "group": group,
            "zalo": zalo_office,
            "office": telegram_office,
            "secretary": secretary,
        }


def weekly(database: Database, clock: FakeClock, *channels: PictureChannel) -> WeeklySummaries:
    writer = SummaryWriter(translator, "vi", tz=HANOI)
    return WeeklySummaries(
        database, {channel.name: channel for channel in channels}, writer, clock, tz=HANOI
    )


async def test_each_reader_gets_the_summary_once_a_week_through_restarts(
    database: Database,
) -> None:
    await readers(database)
    clock = FakeClock(MONDAY_8.replace(hour=0, minute=59))
    telegram, zalo = PictureChannel(clock), PictureChannel(clock, "zalo", pictures=False)

    assert await weekly(database, clock, telegram, zalo).run_once() == 0  # 07:59
    clock.set(MONDAY_8)
    assert await weekly(database, clock, telegram, zalo).run_once() == 2
    clock.set(MONDAY_8.replace(hour=3))
    assert await weekly(database, clock, telegram, zalo).run_once() == 0  # restarted
    clock.set(datetime(2026, 6, 21, 16, 0, tzinfo=UTC))  # Sunday night, same week
    assert await weekly(database, clock, telegram, zalo).run_once() == 0

    group_texts = telegram.texts_to("-100")
    assert len(group_texts) == 1 and "Tất cả kế hoạch đang thực hiện" in group_texts[0]
    assert [chat for chat, _ in telegram.files] == ["-100"]
    assert telegram.files[0][1].picture
    assert telegram.files[0][1].data.startswith(b"\x89PNG")
    assert zalo.texts_to("z-1") and all(len(t) <= 2000 for t in zalo.texts_to("z-1"))
    assert not telegram.texts_to("77") and not telegram.texts_to("88")

    clock.set(datetime(2026, 6, 22, 1, 30, tzinfo=UTC))  # the next Monday
    assert await weekly(database, clock, telegram, zalo).run_once() == 2
    assert len(telegram.texts_to("-100")) == 2
    async with database.sessions() as session:
        weeks = (await session.scalars(select(Summary.week).order_by(Summary.id))).all()
        numbers = (await session.scalars(select(Summary.numbers))).all()
    assert sorted(str(week) for week in weeks) == ["2026-W25", "2026-W25", "2026-W26", "2026-W26"]
    assert all(numbers)


async def test_several_processes_send_each_summary_once(database: Database) -> None:
    await readers(database)
    clock = FakeClock(MONDAY_8)
    telegram, zalo = PictureChannel(clock), PictureChannel(clock, "zalo")
    processes = [weekly(database, clock, telegram, zalo) for _ in range(4)]

    sent = await asyncio.gather(*(process.run_once() for process in processes))

    assert sum(sent) == 2
    assert len(telegram.texts_to("-100")) == 1
    assert len(zalo.texts_to("z-1")) == 1


async def test_a_group_chooses_its_own_moment_or_none(database: Database) -> None:
    contacts = await readers(database)
    async with database.transaction() as session:
        group = await session.get(Contact, contacts["group"].id)
        zalo = await session.get(Contact, contacts["zalo"].id)
        assert group is not None and zalo is not None
        group.summary_schedule = str(WeeklySchedule(4, time(16, 30)))
        zalo.summary_schedule = "off"
    clock = FakeClock(MONDAY_8)
    telegram, zalo_channel = PictureChannel(clock), PictureChannel(clock, "zalo")

    assert await weekly(database, clock, telegram, zalo_channel).run_once() == 0
    clock.set(datetime(2026, 6, 19, 9, 30, tzinfo=UTC))  # Friday 16:30 in Hà Nội
    assert await weekly(database, clock, telegram, zalo_channel).run_once() == 1
    assert len(telegram.texts_to("-100")) == 1
    assert not zalo_channel.sent


async def test_a_throttled_summary_is_sent_later_and_a_blocked_reader_is_marked(
    database: Database,
) -> None:
    contacts = await readers(database)
    clock = FakeClock(MONDAY_8)
    telegram, zalo = PictureChannel(clock), PictureChannel(clock, "zalo")
    telegram.fail_next(RetryAfter(30), chat_id="-100")
    zalo.fail_next(Unreachable("blocked"), chat_id="z-1")

    assert await weekly(database, clock, telegram, zalo).run_once() == 0
    clock.set(MONDAY_8.replace(minute=1))
    assert await weekly(database, clock, telegram, zalo).run_once() == 1

    assert len(telegram.texts_to("-100")) == 1
    async with database.sessions() as session:
        blocked = await session.get(Contact, contacts["zalo"].id)
        rows = await session.execute(select(Summary.contact_id, Summary.state))
        states = {contact_id: state for contact_id, state in rows}
    assert blocked is not None and blocked.unreachable_at is not None
    assert states[contacts["zalo"].id] == SummaryState.FAILED
    assert states[contacts["group"].id] == SummaryState.SENT


async def test_a_reader_on_a_channel_not_running_waits_for_it(database: Database) -> None:
    contacts = await readers(database)
    clock = FakeClock(MONDAY_8)
    telegram = PictureChannel(clock)

    assert await weekly(database, clock, telegram).run_once() == 1
    clock.advance(3600)
    zalo = PictureChannel(clock, "zalo")
    assert await weekly(database, clock, telegram, zalo).run_once() == 1

    assert len(zalo.texts_to("z-1")) == 1 and len(telegram.texts_to("-100")) == 1
    async with database.sessions() as session:
        rows = await session.execute(select(Summary.contact_id, Summary.state))
        states = {contact_id: state for contact_id, state in rows}
    assert states[contacts["zalo"].id] == SummaryState.SENT
