"""Waiting helpers of the long-polling loops: a back-off that a stop interrupts, and
a call that a stop cancels."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from contextlib import suppress
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

POLL_BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)
"""Seconds to wait after the 1st, 2nd, ... failure in a row (the last repeats)."""


async def pause(stop: asyncio.Event, failures: int, channel: str) -> None:
    """Wait the back-off of ``failures`` failures in a row, or until ``stop`` is set."""
    delay = POLL_BACKOFF[min(max(failures, 1), len(POLL_BACKOFF)) - 1]
    log.info("polling %s again in %.0f s", channel, delay)
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), delay)


async def until_stopped(call: Awaitable[T], stop: asyncio.Event) -> T | None:
    """The call's result, or ``None`` when ``stop`` is set first (the call is cancelled)."""
    work = asyncio.ensure_future(call)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if not work.done():
        work.cancel()
        with suppress(asyncio.CancelledError):
            await work
        return None
    return work.result()
