"""Flood control: how fast one bot may send, kept in memory and driven by a :class:`Clock`.

Telegram allows about 30 messages a second per bot, one a second per chat and 20 a
minute per group, and answers 429 with a ``retry_after`` when pushed further. The
defaults stay below those numbers. Four gates decide when a chat may get its next
message:

* a token bucket for the bot as a whole (``per_second``, bursts of ``burst``),
* spacing between two messages to the same chat (``per_chat_interval``),
* a sliding one-minute window per group (``per_group_per_minute``),
* a pause for everything after a 429 (:meth:`FloodControl.pause`).

The state lives in one process; several processes sending for the same bot each
need their share of the limits.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from scheduling.clock import Clock

GROUP_WINDOW = 60.0
"""Seconds of the sliding window behind ``per_group_per_minute``."""

EPSILON = 1e-9
"""Waits shorter than this count as none: float rounding must not cause extra sleeps."""


@dataclass(frozen=True)
class FloodLimits:
    """Sending limits of one bot (defaults: a margin below Telegram's published ones)."""

    per_second: float = 25.0
    per_chat_interval: float = 1.0
    per_group_per_minute: int = 20
    burst: float = 1.0


class FloodControl:
    """Decides when each chat may get its next message; not thread-safe, one event loop."""

    def __init__(self, limits: FloodLimits, clock: Clock) -> None:
        self._limits = limits
        self._clock = clock
        self._tokens = limits.burst
        self._refilled_at = clock.monotonic()
        self._paused_until = float("-inf")
        self._last_sent: dict[str, float] = {}
        self._group_sends: dict[str, deque[float]] = {}
        self._forget_at = clock.monotonic() + GROUP_WINDOW

    @property
    def limits(self) -> FloodLimits:
        """The limits this controller enforces."""
        return self._limits

    def delay_for(self, chat_id: str, *, is_group: bool) -> float:
        """Seconds until ``chat_id`` may get a message (0 means now)."""
        now = self._clock.monotonic()
        delay = max(
            self._paused_until - now,
            self._bucket_delay(now),
            self._chat_delay(chat_id, now),
            self._group_delay(chat_id, now) if is_group else 0.0,
        )
        return delay if delay > EPSILON else 0.0

    def record(self, chat_id: str, *, is_group: bool) -> None:
        """Count a message just sent to ``chat_id``."""
        now = self._clock.monotonic()
        self._refill(now)
        self._tokens -= 1.0
        self._last_sent[chat_id] = now
        if is_group:
            self._group_sends.setdefault(chat_id, deque()).append(now)
        self._forget_old(now)

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` from now (a 429); a longer pause already set stays."""
        self._paused_until = max(self._paused_until, self._clock.monotonic() + seconds)

    def paused_for(self) -> float:
        """Seconds left of the current pause (0 when not paused)."""
        return max(self._paused_until - self._clock.monotonic(), 0.0)

    def tracked_chats(self) -> int:
        """How many chats the controller currently remembers (memory follows recent traffic)."""
        return len(self._last_sent.keys() | self._group_sends.keys())

    async def acquire(self, chat_id: str, *, is_group: bool) -> None:
        """Wait (on the clock) until ``chat_id`` may get a message, then count it as sent."""
        while (delay := self.delay_for(chat_id, is_group=is_group)) > 0:
            await self._clock.sleep(delay)
        self.record(chat_id, is_group=is_group)

    async def try_acquire(self, chat_id: str, *, is_group: bool, max_wait: float) -> bool:
        """Like :meth:`acquire`, but give up — returning ``False``, counting nothing — as
        soon as the wait would exceed ``max_wait`` seconds or a pause is in force."""
        deadline = self._clock.monotonic() + max_wait
        while (delay := self.delay_for(chat_id, is_group=is_group)) > 0:
            if self.paused_for() > 0 or self._clock.monotonic() + delay > deadline + EPSILON:
                return False
            await self._clock.sleep(delay)
        self.record(chat_id, is_group=is_group)
        return True

    def _refill(self, now: float) -> None:
        elapsed = max(now - self._refilled_at, 0.0)
        self._tokens = min(self._limits.burst, self._tokens + elapsed * self._limits.per_second)
        self._refilled_at = now

    def _bucket_delay(self, now: float) -> float:
        self._refill(now)
        return (1.0 - self._tokens) / self._limits.per_second if self._tokens < 1.0 else 0.0

    def _chat_delay(self, chat_id: str, now: float) -> float:
        last = self._last_sent.get(chat_id)
        return 0.0 if last is None else last + self._limits.per_chat_interval - now

    def _group_delay(self, chat_id: str, now: float) -> float:
        sends = self._group_sends.get(chat_id)
        if not sends:
            return 0.0
        while sends and sends[0] <= now - GROUP_WINDOW:
            sends.popleft()
        if len(sends) < self._limits.per_group_per_minute:
            return 0.0
        return sends[-self._limits.per_group_per_minute] + GROUP_WINDOW - now

    def _forget_old(self, now: float) -> None:
        """Drop chats not written to for a while, so memory follows recent traffic only."""
        if now < self._forget_at:
            return
        self._forget_at = now + GROUP_WINDOW
        horizon = now - max(GROUP_WINDOW, self._limits.per_chat_interval)
        self._last_sent = {c: t for c, t in self._last_sent.items() if t > horizon}
        self._group_sends = {c: d for c, d in self._group_sends.items() if d and d[-1] > horizon}
