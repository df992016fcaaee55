"""Answers that wait out a platform's flood limit.

Reminders wait in the outbox when a platform says "too many" (429); the
conversation's answers are sent at once instead, so :class:`PatientPlatform` waits
as the platform asks and tries again, up to :data:`MAX_ANSWER_WAIT` seconds in all.
Acknowledging a button is not retried: Telegram only takes it for a few seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from handlers.messages import Incoming, IncomingFile, OutgoingFile
from handlers.platform import Platform
from scheduling.channel import MessageRef, OutgoingMessage, RetryAfter
from scheduling.clock import Clock, SystemClock

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_ANSWER_WAIT = 30.0
"""Longest an answer waits out flood limits, in seconds, before it is given up."""


class PatientPlatform:
    """``platform`` as the conversation answers through it (see the module)."""

    def __init__(self, platform: Platform, clock: Clock | None = None) -> None:
        self._platform = platform
        self._clock = clock or SystemClock()

    @property
    def name(self) -> str:
        """The wrapped platform's name."""
        return self._platform.name

    @property
    def supports_buttons(self) -> bool:
        """Whether the wrapped platform shows buttons."""
        return self._platform.supports_buttons

    @property
    def max_text_length(self) -> int:
        """The wrapped platform's longest message."""
        return self._platform.max_text_length

    async def send(self, chat_id: str, message: OutgoingMessage) -> MessageRef:
        """Send an answer, waiting out flood limits."""
        return await self._patiently(lambda: self._platform.send(chat_id, message))

    async def send_file(self, chat_id: str, file: OutgoingFile) -> MessageRef:
        """Send a file, waiting out flood limits."""
        return await self._patiently(lambda: self._platform.send_file(chat_id, file))

    async def edit(self, ref: MessageRef, message: OutgoingMessage) -> None:
        """Edit a message, waiting out flood limits."""
        await self._patiently(lambda: self._platform.edit(ref, message))

    async def acknowledge(self, incoming: Incoming, text: str = "") -> None:
        """Answer a button press (once)."""
        await self._platform.acknowledge(incoming, text)

    async def download(self, file: IncomingFile) -> bytes:
        """The content of a file someone sent."""
        return await self._platform.download(file)

    async def _patiently(self, call: Callable[[], Awaitable[T]]) -> T:
        waited = 0.0
        while True:
            try:
                return await call()
            except RetryAfter as pause:
                if waited + pause.seconds > MAX_ANSWER_WAIT:
                    raise
                log.info("%s answer throttled; retrying in %.0f s", self.name, pause.seconds)
                await self._clock.sleep(pause.seconds)
                waited += pause.seconds
