"""The one small message type every channel translates to and from.

A channel adapter (Telegram, Zalo, the console) turns what its platform
delivers into an :class:`Incoming` and hands it to the conversation; what the
conversation answers goes out through the channel's :class:`handlers.platform.Platform`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class IncomingFile:
    """A file someone sent: the platform's reference to fetch it, its name and size."""

    file_id: str
    name: str
    size: int | None = None


@dataclass(frozen=True)
class OutgoingFile:
    """A file to send (an exported report, a chart); a ``picture`` is shown as an image
    where the platform can."""

    name: str
    data: bytes
    caption: str = ""
    picture: bool = False


@dataclass(frozen=True)
class Incoming:
    """One thing a person did in a chat: a message, a pressed button or a file.

    ``message_id`` is the platform's id of the message (for a pressed button, of
    the button press), unique per chat: it is the key that stores each incoming
    message once. ``reply_to`` is the id of the message this one answers.
    """

    channel: str
    chat_id: str
    user_id: str
    display_name: str
    message_id: str
    received_at: datetime
    chat_is_group: bool = False
    text: str = ""
    button: str | None = None
    reply_to: str | None = None
    file: IncomingFile | None = None
    language: str | None = None

    @property
    def command(self) -> str | None:
        """``"start"`` for "/start ABC" (also "/start@bot ABC"); None for plain text."""
        if not self.text.startswith("/"):
            return None
        head = self.text[1:].split(maxsplit=1)[0] if len(self.text) > 1 else ""
        return head.split("@", 1)[0].lower() or None

    @property
    def addressee(self) -> str | None:
        """The bot a command names ("/start@nhacviec_bot" → ``nhacviec_bot``), if any."""
        if self.command is None:
            return None
        head = self.text[1:].split(maxsplit=1)[0]
        return head.split("@", 1)[1] if "@" in head else None

    @property
    def arguments(self) -> str:
        """What follows the command word ("ABC" for "/start ABC")."""
        parts = self.text.split(maxsplit=1)
        return parts[1].strip() if self.command and len(parts) > 1 else ""


def incoming_to_json(incoming: Incoming) -> dict[str, Any]:
    """``incoming`` as plain JSON data, to store with its report."""
    data = asdict(incoming)
    data["received_at"] = incoming.received_at.isoformat()
    return data


def incoming_from_json(data: dict[str, Any]) -> Incoming:
    """The :class:`Incoming` stored by :func:`incoming_to_json`."""
    file = data.get("file")
    incoming = Incoming(**{**data, "file": None})
    return replace(
        incoming,
        received_at=datetime.fromisoformat(data["received_at"]),
        file=IncomingFile(**file) if file else None,
    )
