"""The Telegram channel: sends :class:`OutgoingMessage` through the Bot API with aiogram.

Every failure of a send is translated into one of the scheduler's delivery errors,
so the dispatcher never sees an aiogram or aiohttp exception:

=====================================================  =====================
what Telegram or the network did                       raised
=====================================================  =====================
429 Too Many Requests (``retry_after``)                :class:`RetryAfter`
403 Forbidden (blocked, kicked, deactivated)           :class:`Unreachable`
400 Bad Request, 404, 413, group migrated              :class:`PermanentFailure`
5xx, time-out, connection error, unreadable answer     :class:`TransientFailure`
401, 409 and any other API error                       :class:`TransientFailure`
=====================================================  =====================

401 (a revoked or mistyped token) is treated as transient on purpose: it is wrong
for every message at once, and marking each reminder dead would lose them all
while the office fixes the configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Self

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from aiohttp import ClientError

from scheduling.channel import (
    Button,
    DeliveryError,
    MessageRef,
    OutgoingMessage,
    PermanentFailure,
    RetryAfter,
    TransientFailure,
    Unreachable,
)

MAX_CALLBACK_DATA_BYTES = 64
"""Telegram's limit on a button's callback data."""

_SEND_ERRORS = (TimeoutError, TelegramAPIError, ClientDecodeError, ClientError)
"""What a Bot API call can raise besides programming errors."""


def build_keyboard(buttons: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard with one row per row of ``buttons``, or ``None`` when there are none.

    Raises ``ValueError`` when a button's data is empty or longer than 64 bytes in
    UTF-8, which Telegram would refuse for the whole message.
    """
    rows = [[_inline_button(button) for button in row] for row in buttons if row]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def _inline_button(button: Button) -> InlineKeyboardButton:
    size = len(button.data.encode("utf-8"))
    if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
        raise ValueError(
            f"button {button.text!r}: callback data must be 1-{MAX_CALLBACK_DATA_BYTES} bytes,"
            f" got {size}"
        )
    return InlineKeyboardButton(text=button.text, callback_data=button.data)


def _chat(chat_id: str) -> int | str:
    """Numeric ids as integers; ``@username`` stays a string."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


def _reply_parameters(reply_to: str | None) -> ReplyParameters | None:
    if reply_to is None:
        return None
    try:
        message_id = int(reply_to)
    except ValueError as exc:
        raise ValueError(f"reply_to must be a Telegram message id, got {reply_to!r}") from exc
    # A reminder still makes sense when the message it answers was deleted.
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


def delivery_error(error: BaseException) -> DeliveryError:
    """The scheduler's view of an exception raised while sending through aiogram."""
    if isinstance(error, TelegramRetryAfter):
        return RetryAfter(float(error.retry_after), error.message)
    if isinstance(error, TelegramForbiddenError):
        return Unreachable(error.message)
    if isinstance(error, TelegramMigrateToChat):
        return PermanentFailure(
            f"group moved to supergroup {error.migrate_to_chat_id}: {error.message}"
        )
    if isinstance(error, TelegramBadRequest | TelegramNotFound | TelegramEntityTooLarge):
        return PermanentFailure(error.message)
    if isinstance(error, TelegramNetworkError | TelegramServerError):
        return TransientFailure(error.message)
    if isinstance(error, TelegramAPIError):
        return TransientFailure(f"{type(error).__name__}: {error.message}")
    if isinstance(error, ClientDecodeError):
        return TransientFailure(f"unreadable answer: {error.message}")
    if isinstance(error, TimeoutError):
        return TransientFailure("request timed out")
    return TransientFailure(f"{type(error).__name__}: {error}")


class TelegramChannel:
    """A :class:`scheduling.channel.Channel` sending through one Telegram bot.

    ``api_base`` points the bot at another Bot API server (a local ``telegram-bot-api``
    or a fake in tests); ``timeout`` bounds each request in seconds. Close it with
    :meth:`close` or use it as an async context manager.
    """

    def __init__(self, token: str, *, api_base: str | None = None, timeout: float = 30.0) -> None:
        if api_base is None:
            session = AiohttpSession(timeout=timeout)
        else:
            session = AiohttpSession(api=TelegramAPIServer.from_base(api_base), timeout=timeout)
        self._bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode=None))

    @property
    def name(self) -> str:
        """Always ``"telegram"``, the value stored on contacts and reminders."""
        return "telegram"

    @property
    def bot(self) -> Bot:
        """The underlying aiogram bot, for receiving updates over the same connection pool."""
        return self._bot

    async def send(self, chat_id: str, message: OutgoingMessage) -> MessageRef:
        """Send ``message`` as plain text with its buttons as an inline keyboard.

        Raises ``ValueError`` for a message Telegram could never accept as built
        (button data over 64 bytes, a non-numeric ``reply_to``) before any request,
        and a :class:`DeliveryError` subclass when sending fails.
        """
        markup = build_keyboard(message.buttons)
        reply = _reply_parameters(message.reply_to)
        try:
            sent = await self._bot.send_message(
                chat_id=_chat(chat_id),
                text=message.text,
                reply_markup=markup,
                reply_parameters=reply,
            )
        except _SEND_ERRORS as exc:
            raise delivery_error(exc) from exc
        return MessageRef(chat_id=str(sent.chat.id), message_id=str(sent.message_id))

    async def username(self) -> str:
        """The bot's ``@username`` as Telegram reports it (``getMe``); checks the token."""
        try:
            me = await self._bot.get_me()
        except _SEND_ERRORS as exc:
            raise delivery_error(exc) from exc
        return me.username or ""

    async def close(self) -> None:
        """Close the HTTP session and its connections."""
        await self._bot.session.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
