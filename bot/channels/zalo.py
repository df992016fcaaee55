"""The Zalo channel: sends through the Zalo Bot Platform API.

:class:`ZaloChannel` is both the scheduler's :class:`scheduling.channel.Channel` and
the conversation's :class:`handlers.platform.Platform`: no buttons (reminders end
with numbered answers, which the conversation reads), 2,000 characters a message,
no documents. Wrapped in :class:`bot.channels.patient.PatientPlatform`, it is the
platform the conversation answers through. Receiving (long polling or a webhook) is
:mod:`bot.channels.zalo_receiving`; the HTTP client is :mod:`bot.channels.zalo_api`.

Every failure of a call is translated into one of the scheduler's delivery errors:

==========================================================  =====================
what Zalo or the network did                                raised
==========================================================  =====================
429 over quota (``retry_after`` if given, else 10 s)        :class:`RetryAfter`
403 Forbidden (the person blocked the bot)                  :class:`Unreachable`
400 Bad Request, 404, 413                                   :class:`PermanentFailure`
5xx, 408, time-out, connection error, unreadable answer     :class:`TransientFailure`
401 and any other error                                     :class:`TransientFailure`
==========================================================  =====================

401 (a revoked or mistyped token) is transient on purpose, as on Telegram: it is
wrong for every message at once, and the reminders must wait for the fix rather
than die.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar

from aiohttp import ClientError

from bot.channels.zalo_api import DEFAULT_API_BASE, OVER_QUOTA, ZaloApi, ZaloApiError
from handlers.messages import Incoming, IncomingFile, OutgoingFile
from handlers.turn import split_text
from scheduling.channel import (
    DeliveryError,
    MessageRef,
    OutgoingMessage,
    PermanentFailure,
    RetryAfter,
    TransientFailure,
    Unreachable,
)
from scheduling.clock import Clock, SystemClock

log = logging.getLogger(__name__)

T = TypeVar("T")

CHANNEL_NAME = "zalo"
MAX_TEXT_LENGTH = 2000
"""Zalo's limit on one message's text, in characters."""

DEFAULT_RETRY_AFTER = 10.0
"""Seconds to pause after a 429 that does not say how long: Zalo publishes no limits."""

MAX_PIECE_WAIT = 30.0
"""Seconds the later parts of a long message may wait in all for the quota."""

PIECE_RETRY = 2.0
"""Seconds before sending a later part of a long message again after a network error."""

_CALL_ERRORS = (ZaloApiError, ClientError, TimeoutError)
"""What a Zalo API call can raise besides programming errors."""

_PERMANENT = frozenset({400, 404, 413})


def delivery_error(error: BaseException) -> DeliveryError:
    """The scheduler's view of an exception raised while calling Zalo."""
    if isinstance(error, ZaloApiError):
        detail = f"{error.code} {error.description}"
        if error.code == OVER_QUOTA:
            return RetryAfter(error.retry_after or DEFAULT_RETRY_AFTER, f"over quota: {detail}")
        if error.code == 403:
            return Unreachable(detail)
        if error.code in _PERMANENT:
            return PermanentFailure(detail)
        return TransientFailure(detail)
    if isinstance(error, TimeoutError):
        return TransientFailure("request timed out")
    return TransientFailure(f"{type(error).__name__}: {error}")


async def translated(call: Awaitable[T]) -> T:
    """Await ``call``, raising its failure as a :class:`DeliveryError`."""
    try:
        return await call
    except _CALL_ERRORS as exc:
        raise delivery_error(exc) from exc


@dataclass(frozen=True)
class PicturePublisher:
    """Puts pictures where a web server serves them: ``folder`` is served at ``base_url``.

    Zalo takes photos only by address, so a chart is written under a name nobody can
    guess and sent as ``base_url/NAME``.
    """

    folder: Path
    base_url: str

    def publish(self, file: OutgoingFile) -> str:
        """Write ``file`` into the folder; its public address."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{secrets.token_urlsafe(16)}{Path(file.name).suffix or '.png'}"
        (self.folder / name).write_bytes(file.data)
        return f"{self.base_url.rstrip('/')}/{name}"


class ZaloChannel:
    """The scheduler's channel and the conversation's platform for one Zalo bot.

    ``api_base`` points the bot at another server (a fake in tests); ``timeout``
    bounds each request in seconds; ``clock`` paces the later parts of a long
    message. Close it with :meth:`close` or use it as an async context manager.
    """

    def __init__(
        self,
        token: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        timeout: float = 30.0,
        clock: Clock | None = None,
        pictures: PicturePublisher | None = None,
    ) -> None:
        self._api = ZaloApi(token, api_base=api_base, timeout=timeout)
        self._clock = clock or SystemClock()
        self._pictures = pictures

    @property
    def name(self) -> str:
        """Always ``"zalo"``, the value stored on contacts and reminders."""
        return CHANNEL_NAME

    @property
    def supports_buttons(self) -> bool:
        """Zalo shows no buttons: the conversation offers numbered answers instead."""
        return False

    @property
    def max_text_length(self) -> int:
        """2,000 characters."""
        return MAX_TEXT_LENGTH

    @property
    def api(self) -> ZaloApi:
        """The underlying client, for receiving over the same connection pool."""
        return self._api

    async def send(self, chat_id: str, message: OutgoingMessage) -> MessageRef:
        """Send ``message``'s text; a text over 2,000 characters goes as several messages,
        cut at line ends (else at spaces).

        The reference is the FIRST part's: once it is out the message counts as sent,
        so a later part that cannot go (after waiting up to :data:`MAX_PIECE_WAIT`
        seconds for the quota) is logged instead of raised, since raising would have the
        dispatcher send the whole reminder again. Buttons are not shown (Zalo has none;
        the conversation does not offer them here) and ``reply_to`` is not supported.
        """
        if message.buttons:
            log.debug("Zalo shows no buttons: %d rows not sent", len(message.buttons))
        pieces = split_text(message.text, MAX_TEXT_LENGTH)
        first = await translated(self._api.send_message(chat_id, pieces[0]))
        for index, piece in enumerate(pieces[1:], start=2):
            await self._send_later_piece(chat_id, piece, index, len(pieces))
        return MessageRef(chat_id=chat_id, message_id=first.message_id)

    async def _send_later_piece(self, chat_id: str, piece: str, index: int, count: int) -> None:
        waited = 0.0
        while True:
            try:
                await translated(self._api.send_message(chat_id, piece))
                return
            except (RetryAfter, TransientFailure) as error:
                pause = error.seconds if isinstance(error, RetryAfter) else PIECE_RETRY
                if waited + pause > MAX_PIECE_WAIT:
                    log.error("part %d of %d to %s not delivered: %s", index, count, chat_id, error)
                    return
                await self._clock.sleep(pause)
                waited += pause
            except DeliveryError as error:
                log.error("part %d of %d to %s not delivered: %s", index, count, chat_id, error)
                return

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> MessageRef:
        """Send the image at ``photo_url`` (Zalo fetches it) with a caption of at most
        2,000 characters."""
        if len(caption) > MAX_TEXT_LENGTH:
            raise ValueError(f"a Zalo caption holds {MAX_TEXT_LENGTH} characters at most")
        sent = await translated(self._api.send_photo(chat_id, photo_url, caption))
        return MessageRef(chat_id=chat_id, message_id=sent.message_id)

    async def send_file(self, chat_id: str, file: OutgoingFile) -> MessageRef:
        """Send a picture (a chart) as a photo Zalo fetches from its public address, when
        pictures are published; anything else raises :class:`PermanentFailure`, since
        Zalo bots cannot upload files."""
        if not file.picture or self._pictures is None:
            raise PermanentFailure(f"Zalo cannot send the file {file.name!r}")
        url = self._pictures.publish(file)
        return await self.send_photo(chat_id, url, file.caption[:MAX_TEXT_LENGTH])

    async def edit(self, ref: MessageRef, message: OutgoingMessage) -> None:
        """Zalo cannot edit a sent message: the new text is sent as a new message."""
        await self.send(ref.chat_id, message)

    async def acknowledge(self, incoming: Incoming, text: str = "") -> None:
        """Nothing: there are no buttons to acknowledge on Zalo."""

    async def download(self, file: IncomingFile) -> bytes:
        """Zalo delivers no files to the conversation: always :class:`PermanentFailure`."""
        raise PermanentFailure(f"Zalo files cannot be downloaded: {file.file_id}")

    async def typing(self, chat_id: str) -> None:
        """Show "typing…" in the chat for a few seconds."""
        await translated(self._api.send_chat_action(chat_id, "typing"))

    async def account(self) -> str:
        """The bot's account name as Zalo reports it (``getMe``); checks the token."""
        me = await translated(self._api.get_me())
        return str(me.get("account_name") or me.get("display_name") or me.get("id") or "")

    async def close(self) -> None:
        """Close the HTTP session and its connections."""
        await self._api.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
