"""A platform that records what the conversation sends, and helpers to talk to it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

from handlers.messages import Incoming, IncomingFile, OutgoingFile
from scheduling.channel import MessageRef, OutgoingMessage


@dataclass
class FakePlatform:
    """Implements :class:`handlers.platform.Platform` in memory."""

    name: str = "telegram"
    supports_buttons: bool = True
    max_text_length: int = 4096
    sent: list[tuple[str, OutgoingMessage]] = field(default_factory=list)
    files: list[tuple[str, OutgoingFile]] = field(default_factory=list)
    edits: list[tuple[MessageRef, OutgoingMessage]] = field(default_factory=list)
    acknowledged: list[tuple[str, str]] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    async def send(self, chat_id: str, message: OutgoingMessage) -> MessageRef:
        self.sent.append((chat_id, message))
        return MessageRef(chat_id, str(next(self._ids)))

    async def send_file(self, chat_id: str, file: OutgoingFile) -> MessageRef:
        self.files.append((chat_id, file))
        return MessageRef(chat_id, str(next(self._ids)))

    async def edit(self, ref: MessageRef, message: OutgoingMessage) -> None:
        self.edits.append((ref, message))

    async def acknowledge(self, incoming: Incoming, text: str = "") -> None:
        self.acknowledged.append((incoming.message_id, text))

    async def download(self, file: IncomingFile) -> bytes:
        return self.uploads[file.file_id]

    def texts(self, chat_id: str | None = None) -> list[str]:
        """Texts sent (to one chat, or to all)."""
        return [m.text for c, m in self.sent if chat_id is None or c == chat_id]


_message_ids = itertools.count(1)


def incoming(
    text: str = "",
    *,
    user: str = "501",
    chat: str | None = None,
    group: bool = False,
    button: str | None = None,
    reply_to: str | None = None,
    file: IncomingFile | None = None,
    message_id: str | None = None,
    at: datetime | None = None,
    name: str = "Nguyễn Văn A",
) -> Incoming:
    """An incoming message from ``user`` (in its private chat unless ``chat`` is given)."""
    return Incoming(
        channel="telegram",
        chat_id=chat or user,
        user_id=user,
        display_name=name,
        message_id=message_id or str(next(_message_ids)),
        received_at=at or datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
        chat_is_group=group,
        text=text,
        button=button,
        reply_to=reply_to,
        file=file,
    )
