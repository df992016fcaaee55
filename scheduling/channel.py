"""What the scheduler needs from a chat platform, and how sending can fail.

A channel adapter (Telegram, Zalo, the console) implements :class:`Channel`;
the dispatcher knows nothing else about the platform. Failures are mapped by the
adapter to the four errors below, which decide what happens to the reminder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Button:
    """A reply button: what it shows and the data it sends back (≤ 64 bytes on Telegram)."""

    text: str
    data: str


@dataclass(frozen=True)
class OutgoingMessage:
    """A message to send: text, optional rows of buttons, optional reply-to reference."""

    text: str
    buttons: Sequence[Sequence[Button]] = field(default_factory=tuple)
    reply_to: str | None = None


@dataclass(frozen=True)
class MessageRef:
    """Where a sent message landed, to record and to recognise replies to it."""

    chat_id: str
    message_id: str


class Channel(Protocol):
    """A chat platform as seen by the scheduler."""

    @property
    def name(self) -> str:
        """The channel's name as stored on contacts (``telegram``, ``zalo``, ``console``)."""
        ...

    async def send(self, chat_id: str, message: OutgoingMessage) -> MessageRef:
        """Send ``message`` to ``chat_id``; raise one of the errors below on failure."""
        ...


class DeliveryError(Exception):
    """Base of the ways a send can fail."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class RetryAfter(DeliveryError):
    """The platform asks us to stop sending for ``seconds`` (Telegram's 429)."""

    def __init__(self, seconds: float, detail: str = "") -> None:
        super().__init__(detail or f"retry after {seconds}s")
        self.seconds = seconds


class Unreachable(DeliveryError):
    """The person blocked the bot or left: stop writing to this contact."""


class PermanentFailure(DeliveryError):
    """The message can never be delivered as is (chat not found, bad request)."""


class TransientFailure(DeliveryError):
    """A network error or a server error: try again later."""
