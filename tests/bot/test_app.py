"""Starting the bot on a weak line: the platform is asked again until it answers."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import reachable
from bot.channels import polling
from scheduling.channel import PermanentFailure, RetryAfter, TransientFailure


@pytest.fixture(autouse=True)
def short_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(polling, "POLL_BACKOFF", (0.01, 0.02))


async def test_the_platform_is_asked_again_until_it_answers() -> None:
    failures: list[Exception] = [TransientFailure("network down"), RetryAfter(1.0)]

    async def get_me() -> str:
        if failures:
            raise failures.pop(0)
        return "nhacviec_bot"

    assert await reachable(get_me, asyncio.Event()) == "nhacviec_bot"
    assert failures == []


async def test_stopping_while_the_platform_is_unreachable_gives_up() -> None:
    stop = asyncio.Event()
    calls = 0

    async def get_me() -> str:
        nonlocal calls
        calls += 1
        if calls == 3:
            stop.set()
        raise TransientFailure("network down")

    assert await reachable(get_me, stop) is None
    assert calls == 3


async def test_a_refused_token_is_not_asked_again() -> None:
    async def get_me() -> str:
        raise PermanentFailure("the bot token was refused")

    with pytest.raises(PermanentFailure):
        await reachable(get_me, asyncio.Event())
