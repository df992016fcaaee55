"""What the conversation needs from a chat platform (the zulip_bots idea: one
conversation, written against this small protocol, serves every channel)."""

from __future__ import annotations

from typing import Protocol

from handlers.messages import Incoming, IncomingFile, OutgoingFile
from scheduling.channel import MessageRef, OutgoingMessage


class Platform(Protocol):
    """A chat platform as the conversation uses it."""

    @property
    def name(self) -> str:
        """The channel's name as stored on contacts (``telegram``, ``zalo``, ``console``)."""
        ...

    @property
    def supports_buttons(self) -> bool:
        """Whether messages can carry reply buttons (Zalo's cannot: numbered answers instead)."""
        ...

    @property
    def max_text_length(self) -> int:
        """The longest text one message may hold (4,096 on Telegram, 2,000 on Zalo)."""
        ...

    async def send(self, chat_id: str, message: OutgoingMessage) -> MessageRef:
        """Send a message; raises the errors of :mod:`scheduling.channel` on failure."""
        ...

    async def send_file(self, chat_id: str, file: OutgoingFile) -> MessageRef:
        """Send a document (an exported report)."""
        ...

    async def edit(self, ref: MessageRef, message: OutgoingMessage) -> None:
        """Replace the text and buttons of a message sent earlier."""
        ...

    async def acknowledge(self, incoming: Incoming, text: str = "") -> None:
        """Confirm a pressed button (Telegram's answerCallbackQuery); a no-op elsewhere."""
        ...

    async def download(self, file: IncomingFile) -> bytes:
        """The content of a file someone sent."""
        ...
