"""The console channel: a scripted session against the real conversation and reminders."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.console import (
    ConsolePlatform,
    DemoClock,
    run_console,
)
from bot.config import Settings
from bot.i18n import translator
from handlers.messages import Incoming, OutgoingFile
from handlers.platform import Platform
from plans.units import unit_key
from scheduling.channel import Button, Channel, MessageRef, OutgoingMessage
from scheduling.clock import FakeClock
from storage.db import open_database
from storage.models import Assignment, Contact, Plan, PlanStatus, Report, Unit
from tests.scheduling.fakes import make_assignment
from tests.shared import SEEDS

NOW = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # Tuesday 09:30 in Hà Nội
UNIT = "Chi bộ Thôn 1"


async def seed(settings: Settings, *, due: date, before_days: list[int]) -> int:
    """An active plan with one task of ``UNIT``; returns the assignment id."""
    async with open_database(settings) as database, database.transaction() as session:
        unit = Unit(name=UNIT, key=unit_key(UNIT))
        session.add(unit)
        session.add(Unit(name="Chi bộ Thôn 2", key=unit_key("Chi bộ Thôn 2")))
        await session.flush()
        assignment = await make_assignment(
            session, unit, content="Tổ chức hội nghị quán triệt Nghị quyết", due=due
        )
        plan = await session.scalar(select(Plan))
        assert plan is not None
        plan.status = PlanStatus.ACTIVE
        plan.activated_at = NOW
        plan.reminder_policy = {
            "before_days": before_days,
            "on_due_day": False,
            "checkin": "off",
            "send_time": "08:00",
        }
        return assignment.id


class Script:
    """Feeds lines to the console, waiting for its output between them."""

    def __init__(self) -> None:
        self.output = io.StringIO()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()

    def type(self, line: str) -> None:
        self._lines.put_nowait(line)

    def end(self) -> None:
        self._lines.put_nowait(None)

    async def lines(self) -> AsyncIterator[str]:
        while (line := await self._lines.get()) is not None:
            yield line

    @property
    def text(self) -> str:
        return self.output.getvalue()

    async def wait_for(self, condition: Callable[[str], bool], timeout: float = 15.0) -> str:
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition(self.text):
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"timed out; the console said:\n{self.text}")
            await asyncio.sleep(0.02)
        return self.text

    async def after(self, line: str, expected: str) -> str:
        """Type ``line`` and wait until ``expected`` appears after what was there."""
        start = len(self.text)
        self.type(line)
        await self.wait_for(lambda text: expected in text[start:])
        return self.text[start:]


def button(text: str, label: str) -> str:
    """The number of the last button shown with ``label``."""
    numbers = re.findall(rf"\[(\d+)\] {re.escape(label)}(?:\s|$)", text)
    assert numbers, f"no button {label!r} in:\n{text}"
    return str(numbers[-1])


def message_number(text: str, marker: str) -> str:
    """The ``#N`` of the last message whose text contains ``marker``."""
    blocks = re.findall(r"── [^\n]*· #(\d+) ·[^\n]*\n((?:(?!── ).*\n?)*)", text)
    found = [number for number, body in blocks if marker in body]
    assert found, f"no message with {marker!r} in:\n{text}"
    return str(found[-1])


async def percent(settings: Settings, assignment_id: int) -> int | None:
    async with open_database(settings) as database, database.sessions() as session:
        assignment = await session.get(Assignment, assignment_id)
        assert assignment is not None
        return assignment.percent


@pytest.fixture
def vi(settings: Settings) -> Callable[[str], str]:
    return translator("vi", settings.locales_dir).gettext


async def test_a_secretary_gets_a_reminder_answers_it_and_the_office_sees_it(
    settings: Settings, tmp_path: Path, vi: Callable[[str], str]
) -> None:
    today = NOW.astimezone(settings.tz).date()
    assignment_id = await seed(settings, due=today + timedelta(days=7), before_days=[7])
    script = Script()
    stop = asyncio.Event()
    console = asyncio.create_task(
        run_console(
            settings,
            stop=stop,
            input_lines=script.lines(),
            output=script.output,
            clock=FakeClock(NOW),
            outbox=tmp_path / "outbox",
        )
    )

    said = await script.after(":unit thon 1", vi("You are now: {who}").split("{")[0])
    assert UNIT in said
    # This morning's reminder (7 days before) was planned on binding and comes now.
    await script.wait_for(lambda text: "Tổ chức hội nghị quán triệt Nghị quyết" in text)
    reminder = message_number(script.text, "Tổ chức hội nghị quán triệt Nghị quyết")
    assert f"── {UNIT} · #{reminder} · 09:30 01/12/2026" in script.text

    await script.after(button(script.text, "50%"), vi("Recorded: {summary}").split(":")[0])
    assert await percent(settings, assignment_id) == 50

    await script.after(f":reply {reminder} đạt 80%", "80%")
    assert await percent(settings, assignment_id) == 80

    await script.after(":office", vi("the committee office"))
    status = await script.after("/tinhhinh", vi("All active plans"))
    await script.wait_for(lambda text: "tinhhinh-2026-12-01.png" in text)
    assert f"{vi('In progress (within the deadline)')}: 1" in status
    assert vi("Average progress: {percent}").format(percent="80%") in status

    await script.after(":who", vi("the committee office"))
    script.type(":quit")
    await asyncio.wait_for(console, 15)

    assert script.text.rstrip().endswith(vi("Goodbye."))
    async with open_database(settings) as database, database.sessions() as session:
        contacts = (await session.scalars(select(Contact).order_by(Contact.id))).all()
        raw = [r.raw_text for r in (await session.scalars(select(Report).order_by(Report.id)))]
        unit_id = await session.scalar(select(Unit.id).where(Unit.name == UNIT))
    assert [(c.channel.value, c.chat_id, c.unit_id, c.is_office) for c in contacts] == [
        ("console", f"unit-{unit_id}", unit_id, False),
        ("console", "office", None, True),
    ]
    assert raw[1:] == ["đạt 80%", "/tinhhinh"]
    assert raw[0].startswith("[button] r:")


async def test_demo_time_runs_an_hour_a_second_and_brings_later_reminders(
    settings: Settings, tmp_path: Path, vi: Callable[[str], str]
) -> None:
    today = NOW.astimezone(settings.tz).date()
    # Due in 8 days, reminded 7 days before: tomorrow at 08:00, 22.5 hours from now.
    await seed(settings, due=today + timedelta(days=8), before_days=[7])
    base = FakeClock(NOW)
    script = Script()
    stop = asyncio.Event()
    console = asyncio.create_task(
        run_console(
            settings,
            stop=stop,
            input_lines=script.lines(),
            output=script.output,
            clock=base,
            outbox=tmp_path / "outbox",
        )
    )
    await script.after(f":unit {UNIT}", UNIT)
    await asyncio.sleep(1.5)
    assert "Tổ chức hội nghị" not in script.text

    said = await script.after(
        ":demo", vi("Demo time: an hour passes every second. Now: {time}")[:8]
    )
    assert "09:30 01/12/2026" in said
    base.advance(23)  # 23 real seconds of demo time: 23 hours
    said = await script.after(":time", "02/12/2026")
    assert "08:30 02/12/2026" in said
    await script.wait_for(lambda text: "Tổ chức hội nghị quán triệt Nghị quyết" in text)

    await script.after(":demo", vi("Normal time again. Now: {time}").split("{")[0])
    base.advance(60)
    assert "08:31 02/12/2026" in await script.after(":time", "02/12/2026")
    stop.set()
    await asyncio.wait_for(console, 15)


async def test_guests_units_and_mistakes_get_clear_notes(
    settings: Settings, tmp_path: Path, vi: Callable[[str], str]
) -> None:
    await seed(settings, due=date(2027, 6, 30), before_days=[7])
    script = Script()
    for line in (
        ":who",
        "xin chào",
        ":unit",
        ":unit thon",
        ":unit không có",
        "42",
        ":reply 9 xong",
    ):
        script.type(line)
    script.type(":bogus")
    script.end()

    await asyncio.wait_for(
        run_console(
            settings,
            stop=asyncio.Event(),
            input_lines=script.lines(),
            output=script.output,
            clock=FakeClock(NOW),
            outbox=tmp_path / "outbox",
        ),
        30,
    )

    text = script.text
    assert vi("You are now: {who}").format(who=vi("a guest (not registered)")) in text
    assert "/start" in text  # a stranger learns how to register
    assert vi("Units (choose with :unit NAME or :unit NUMBER):") in text
    assert (
        vi('Several units match "{name}"; type more of the name or the number:').format(name="thon")
        in text
    )
    assert vi('No unit matches "{name}". Type :unit to list them.').format(name="không có") in text
    assert vi("There is no button {number}.").format(number=42) in text
    assert vi("There is no message #{number}.").format(number=9) in text
    assert vi("Unknown console command {command}. Type :help.").format(command=":bogus") in text
    assert text.rstrip().endswith(vi("Goodbye."))


async def test_the_office_imports_and_activates_a_plan_from_the_console(
    settings: Settings, tmp_path: Path, vi: Callable[[str], str]
) -> None:
    script = Script()
    stop = asyncio.Event()
    console = asyncio.create_task(
        run_console(
            settings,
            stop=stop,
            input_lines=script.lines(),
            output=script.output,
            clock=FakeClock(NOW),
            outbox=tmp_path / "outbox",
        )
    )
    await script.after(":office", vi("the committee office"))
    missing = tmp_path / "missing.txt"
    await script.after(f":file {missing}", vi("There is no file {path}.").format(path=missing))
    imported = await script.after(f":file {SEEDS[0]}", vi("Activate"))
    await script.after(button(imported, vi("Activate")), "✓")
    stop.set()
    await asyncio.wait_for(console, 30)

    async with open_database(settings) as database, database.sessions() as session:
        plans = (await session.scalars(select(Plan))).all()
        raw = [r.raw_text for r in await session.scalars(select(Report).order_by(Report.id))]
    assert [p.status for p in plans] == [PlanStatus.ACTIVE]
    assert raw == [f"[file] {SEEDS[0].name}", f"[button] act:{plans[0].id}"]


async def test_the_platform_prints_numbered_buttons_edits_and_saves_files(
    tmp_path: Path,
) -> None:
    output = io.StringIO()
    platform = ConsolePlatform(
        output, outbox=tmp_path / "outbox", clock=FakeClock(NOW), tz=UTC, translate=str
    )
    assert isinstance(platform, ConsolePlatform)
    as_platform: Platform = platform
    as_channel: Channel = platform
    platform.labels["unit-1"] = UNIT

    first = await as_channel.send(
        "unit-1",
        OutgoingMessage("Nhắc việc", ((Button("Xong", "r:1:done"), Button("50%", "r:1:p50")),)),
    )
    second = await as_platform.send("office", OutgoingMessage("Tình hình", ((Button("A", "a"),),)))
    await as_platform.edit(first, OutgoingMessage("Đã ghi nhận"))
    saved = [
        await as_platform.send_file("office", OutgoingFile("tinh-hinh.csv", b"a,b\n", "Quý I"))
        for _ in range(2)
    ]
    await as_platform.acknowledge(
        Incoming("console", "unit-1", "unit-1", "X", "m1", NOW, button="r:1:done"), "Đã bấm"
    )

    text = output.getvalue()
    assert f"── {UNIT} · #1 · 02:30 01/12/2026\nNhắc việc\n   [1] Xong   [2] 50%" in text
    assert "── office · #2 · 02:30 01/12/2026\nTình hình\n   [3] A" in text
    assert "(message #1 changed)\nĐã ghi nhận" in text
    assert "  ✓ Đã bấm" in text
    assert platform.buttons[2][1] == Button("50%", "r:1:p50")
    assert platform.buttons[2][0].message_id == first.message_id
    assert platform.messages[2].message_id == second.message_id
    assert first.message_id != second.message_id
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == [
        "tinh-hinh-2.csv",
        "tinh-hinh.csv",
    ]
    assert (tmp_path / "outbox" / "tinh-hinh.csv").read_bytes() == b"a,b\n"
    assert f"File saved: {tmp_path / 'outbox' / 'tinh-hinh-2.csv'}" in text
    assert all(isinstance(ref, MessageRef) for ref in saved)


def test_the_demo_clock_runs_fast_without_ever_going_back() -> None:
    base = FakeClock(NOW)
    clock = DemoClock(base, speed=3600)

    base.advance(10)
    assert clock.now() == NOW + timedelta(seconds=10)
    clock.set_fast(True)
    base.advance(2)
    assert clock.now() == NOW + timedelta(seconds=10, hours=2)
    assert clock.monotonic() == pytest.approx(10 + 7200)
    clock.set_fast(False)
    base.advance(5)
    assert clock.now() == NOW + timedelta(seconds=15, hours=2)
    assert not clock.fast


async def test_the_demo_clock_sleeps_the_real_time_it_stands_for() -> None:
    base = FakeClock(NOW)
    clock = DemoClock(base, speed=3600)
    clock.set_fast(True)

    await clock.sleep(7200)

    assert base.slept == [2.0]
