"""Flood control on a fake clock: global rate, per-chat spacing, group windows, pauses."""

from __future__ import annotations

import pytest

from scheduling.clock import FakeClock
from scheduling.limits import GROUP_WINDOW, FloodControl, FloodLimits
from tests.scheduling.fakes import START

TOLERANCE = 1e-6


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def flood(clock: FakeClock) -> FloodControl:
    return FloodControl(FloodLimits(), clock)


async def send_all(
    flood: FloodControl, clock: FakeClock, chats: list[str], *, is_group: bool = False
) -> list[float]:
    """Acquire for each chat in turn; the fake-clock moment of each send."""
    times = []
    for chat in chats:
        await flood.acquire(chat, is_group=is_group)
        times.append(clock.monotonic())
    return times


def gaps(times: list[float], apart: int = 1) -> list[float]:
    return [later - earlier for earlier, later in zip(times, times[apart:], strict=False)]


async def test_one_chat_gets_at_most_one_message_a_second(
    flood: FloodControl, clock: FakeClock
) -> None:
    times = await send_all(flood, clock, ["42"] * 100)
    assert min(gaps(times)) >= 1.0 - TOLERANCE
    assert times[-1] - times[0] == pytest.approx(99.0)


async def test_many_chats_share_the_bot_rate(flood: FloodControl, clock: FakeClock) -> None:
    times = await send_all(flood, clock, [str(chat) for chat in range(100)])
    # No second of fake time holds more than 25 messages ...
    assert min(gaps(times, apart=25)) >= 1.0 - TOLERANCE
    # ... so the 100th goes 99/25 s after the first, and the bot's share of these
    # 100 messages ends 4 s after the first one: nothing else may go before.
    assert times[-1] - times[0] >= 99 / 25 - TOLERANCE
    assert times[-1] + flood.delay_for("another", is_group=False) >= 4.0 - TOLERANCE
    assert sum(clock.slept) == pytest.approx(times[-1] - times[0])


async def test_a_group_gets_twenty_messages_a_minute(flood: FloodControl, clock: FakeClock) -> None:
    times = await send_all(flood, clock, ["-100"] * 45, is_group=True)
    assert min(gaps(times)) >= 1.0 - TOLERANCE
    assert min(gaps(times, apart=20)) >= GROUP_WINDOW - TOLERANCE
    assert times[20] - times[0] == pytest.approx(GROUP_WINDOW)
    assert times[19] - times[0] == pytest.approx(19.0)


async def test_private_chats_have_no_minute_window(flood: FloodControl, clock: FakeClock) -> None:
    times = await send_all(flood, clock, ["7"] * 30)
    assert times[-1] - times[0] == pytest.approx(29.0)


async def test_pause_holds_every_chat(flood: FloodControl, clock: FakeClock) -> None:
    await flood.acquire("1", is_group=False)
    flood.pause(30)
    assert flood.delay_for("2", is_group=False) == pytest.approx(30)
    assert flood.paused_for() == pytest.approx(30)
    flood.pause(5)
    assert flood.paused_for() == pytest.approx(30), "a shorter pause must not cut a longer one"

    started = clock.monotonic()
    await flood.acquire("2", is_group=False)
    assert clock.monotonic() - started == pytest.approx(30)
    assert clock.slept[-1] == pytest.approx(30)
    assert flood.paused_for() == 0


async def test_try_acquire_gives_up_without_counting(flood: FloodControl, clock: FakeClock) -> None:
    assert await flood.try_acquire("1", is_group=False, max_wait=0)
    assert not await flood.try_acquire("1", is_group=False, max_wait=0.5)
    assert clock.monotonic() == 0, "giving up must not sleep"
    assert await flood.try_acquire("1", is_group=False, max_wait=1.0)
    assert clock.monotonic() == pytest.approx(1.0)

    flood.pause(2)
    assert not await flood.try_acquire("2", is_group=False, max_wait=10)
    clock.advance(2)
    assert await flood.try_acquire("2", is_group=False, max_wait=0)


async def test_delay_is_zero_when_nothing_holds(flood: FloodControl, clock: FakeClock) -> None:
    assert flood.delay_for("1", is_group=True) == 0
    flood.record("1", is_group=True)
    assert flood.delay_for("1", is_group=True) == pytest.approx(1.0)
    assert flood.delay_for("2", is_group=True) == pytest.approx(1 / 25)
    clock.advance(1.0)
    assert flood.delay_for("1", is_group=True) == 0


async def test_old_chats_are_forgotten_but_limits_still_hold(clock: FakeClock) -> None:
    flood = FloodControl(FloodLimits(per_chat_interval=1.0), clock)
    for chat in range(50):
        await flood.acquire(str(chat), is_group=True)
    clock.advance(GROUP_WINDOW * 2)
    await flood.acquire("fresh", is_group=False)
    assert flood.tracked_chats() == 1
    assert flood.delay_for("fresh", is_group=False) == pytest.approx(1.0)
    assert flood.delay_for("0", is_group=True) == pytest.approx(1 / 25), "only the bot rate"
