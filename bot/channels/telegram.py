"""The Telegram channel: sends and receives through the Bot API with aiogram.

:class:`TelegramChannel` is both the scheduler's :class:`scheduling.channel.Channel`
and the conversation's :class:`handlers.platform.Platform`. Updates come in by long
polling (:func:`poll_updates`) or through a webhook (:func:`serving_webhook`); either
way an aiogram dispatcher (:func:`build_dispatcher`) turns each message or button press
into a :class:`handlers.messages.Incoming` and hands it to the conversation.

Every failure of a call is translated into one of the scheduler's delivery errors,
so neither the dispatcher nor the conversation sees an aiogram or aiohttp exception:

=====================================================  =====================
what Telegram or the network did                       raised
=====================================================  =====================
429 Too Many Requests (``retry_after``)                :class:`RetryAfter`
403 Forbidden (blocked, kicked, deactivated)           :class:`Unreachable`
400 Bad Request, 404, 413, group migrated              :class:`PermanentFailure`
a file download answered 4xx                           :class:`PermanentFailure`
5xx, time-out, connection error, unreadable answer     :class:`TransientFailure`
401, 409 and any other API error                       :class:`TransientFailure`
=====================================================  =====================

401 (a revoked or mistyped token) is treated as transient on purpose: it is wrong
for every message at once, and marking each reminder dead would lose them all
while the office fixes the configuration.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram import Dispatcher as UpdateDispatcher
from aiogram import Router as UpdateRouter
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType, ContentType
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
    TelegramUnauthorizedError,
)
from aiogram.methods.base import TelegramMethod
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import ClientError, ClientResponseError, web
from pydantic import BaseModel

from bot.channels.patient import PatientPlatform
from bot.channels.polling import pause, until_stopped
from bot.channels.telegram_session import JsonBodySession
from handlers.conversation import Conversation
from handlers.messages import Incoming, IncomingFile, OutgoingFile
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
from scheduling.clock import Clock, SystemClock

log = logging.getLogger(__name__)

T = TypeVar("T")

CHANNEL_NAME = "telegram"
MAX_TEXT_LENGTH = 4096
"""Telegram's limit on one message's text, in characters."""

MAX_CALLBACK_DATA_BYTES = 64
"""Telegram's limit on a button's callback data."""

MAX_TOAST_LENGTH = 200
"""Telegram's limit on the note shown where a button was pressed."""

CALLBACK_ID_PREFIX = "cb:"
"""An :class:`Incoming` for a pressed button carries ``cb:<callback query id>`` as its
``message_id``: unique per chat like a message id, and what answering the press needs."""

ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
"""The update types the bot asks Telegram for."""

POLL_TIMEOUT = 25
"""Seconds a ``getUpdates`` long poll may wait for updates."""


MAX_UPDATE_ATTEMPTS = 5
"""Times handling one update is tried before it is given up."""


_PERSON_CONTENT = frozenset(
    {
        ContentType.TEXT,
        ContentType.DOCUMENT,
        ContentType.PHOTO,
        ContentType.VOICE,
        ContentType.AUDIO,
        ContentType.VIDEO,
        ContentType.VIDEO_NOTE,
        ContentType.STICKER,
        ContentType.ANIMATION,
        ContentType.LOCATION,
        ContentType.VENUE,
        ContentType.CONTACT,
    }
)
"""What a person can send; anything else (members joining, pinned messages, ...) is a
service message, not addressed to the bot."""

_GROUP_CHATS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})

_SEND_ERRORS = (TimeoutError, TelegramAPIError, ClientDecodeError, ClientError)
"""What a Bot API call can raise besides programming errors."""


def build_keyboard(buttons: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard with one row per row of ``buttons``, or ``None`` when there are none.

    Raises ``ValueError`` when a button's data is empty or longer than 64 bytes in
    UTF-8, which Telegram would refuse for the whole message.
    """
    rows = keyboard_rows(buttons)
    return InlineKeyboardMarkup.model_validate({"inline_keyboard": rows}) if rows else None


def keyboard_rows(buttons: Sequence[Sequence[Button]]) -> list[list[dict[str, str]]]:
    """The rows of an inline keyboard as the Bot API reads them, empty rows left out.

    Raises ``ValueError`` as :func:`build_keyboard` does."""
    return [[_inline_button(button) for button in row] for row in buttons if row]


def _inline_button(button: Button) -> dict[str, str]:
    size = len(button.data.encode("utf-8"))
    if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
        raise ValueError(
            f"button {button.text!r}: callback data must be 1-{MAX_CALLBACK_DATA_BYTES} bytes,"
            f" got {size}"
        )
    return {"text": button.text, "callback_data": button.data}


class SentChat(BaseModel):
    """The chat of a sent message: its id is all the bot keeps."""

    id: int


class SentMessage(BaseModel):
    """What the bot keeps of a message it sent: its id and chat."""

    message_id: int
    chat: SentChat


class SendText(TelegramMethod[SentMessage]):
    """``sendMessage`` with what the bot's own messages use: plain text, an inline
    keyboard and the message answered, as the Bot API reads them; the answer is read
    as a :class:`SentMessage`.

    aiogram's full ``SendMessage`` builds a model for every button and reads every
    field of the message sent back, buttons included: most of the work of sending a
    reminder. This method goes through the same session, middleware and error
    handling (a Bot API method of one's own, as aiogram provides for)."""

    __returning__ = SentMessage
    __api_method__ = "sendMessage"

    chat_id: int | str
    text: str
    reply_markup: dict[str, Any] | None = None
    reply_parameters: dict[str, Any] | None = None

    @classmethod
    def of(cls, chat_id: str, message: OutgoingMessage) -> SendText:
        """The request for ``message``; raises ``ValueError`` as :func:`build_keyboard`
        and for a non-numeric ``reply_to``."""
        rows = keyboard_rows(message.buttons)
        markup = {"inline_keyboard": rows} if rows else None
        return cls(
            chat_id=_chat(chat_id),
            text=message.text,
            reply_markup=markup,
            reply_parameters=_reply_parameters(message.reply_to),
        )


def _chat(chat_id: str) -> int | str:
    """Numeric ids as integers; ``@username`` stays a string."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


def _message_id(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{what} must be a Telegram message id, got {value!r}") from exc


def _reply_parameters(reply_to: str | None) -> dict[str, Any] | None:
    """The ``reply_parameters`` field answering message ``reply_to``."""
    if reply_to is None:
        return None
    # A reminder still makes sense when the message it answers was deleted.
    return {
        "message_id": _message_id(reply_to, "reply_to"),
        "allow_sending_without_reply": True,
    }


def delivery_error(error: BaseException) -> DeliveryError:
    """The scheduler's view of an exception raised while calling Telegram through aiogram."""
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
    if isinstance(error, ClientResponseError) and 400 <= error.status < 500:
        return PermanentFailure(f"HTTP {error.status}: {error.message}")
    if isinstance(error, TimeoutError):
        return TransientFailure("request timed out")
    return TransientFailure(f"{type(error).__name__}: {error}")


async def _translated(call: Awaitable[T]) -> T:
    try:
        return await call
    except _SEND_ERRORS as exc:
        raise delivery_error(exc) from exc


def callback_query_id(incoming: Incoming) -> str | None:
    """The callback query behind a pressed button, ``None`` for anything else."""
    if incoming.channel != CHANNEL_NAME or not incoming.message_id.startswith(CALLBACK_ID_PREFIX):
        return None
    return incoming.message_id.removeprefix(CALLBACK_ID_PREFIX) or None


def incoming_message(message: Message, received_at: datetime) -> Incoming | None:
    """What a person wrote or sent, or ``None`` for what is not from a person (channel
    posts, service messages such as members joining).

    An edited message comes as a new message of its own (its id marked with the time
    of the edit, so each version is stored once): a secretary who corrects "đạt 50%"
    into "đạt 80%" reports 80%."""
    user = message.from_user
    if user is None or user.is_bot or message.content_type not in _PERSON_CONTENT:
        return None
    replied = message.reply_to_message
    message_id = str(message.message_id)
    if message.edit_date is not None:
        message_id = f"{message_id}.{message.edit_date}"
    return Incoming(
        channel=CHANNEL_NAME,
        chat_id=str(message.chat.id),
        user_id=str(user.id),
        display_name=user.full_name,
        message_id=message_id,
        received_at=received_at,
        chat_is_group=message.chat.type in _GROUP_CHATS,
        text=message.text or message.caption or "",
        reply_to=str(replied.message_id) if replied is not None else None,
        file=_incoming_file(message),
        language=user.language_code,
    )


def _incoming_file(message: Message) -> IncomingFile | None:
    if message.document is not None:
        document = message.document
        return IncomingFile(document.file_id, document.file_name or "document", document.file_size)
    if message.photo:
        largest = message.photo[-1]
        return IncomingFile(largest.file_id, "photo.jpg", largest.file_size)
    return None


def incoming_press(query: CallbackQuery, received_at: datetime) -> Incoming | None:
    """A pressed button, or ``None`` when there is no data or no chat to answer in.

    ``reply_to`` is the id of the message the button sits on; ``message_id`` carries the
    callback query id (see :data:`CALLBACK_ID_PREFIX`).
    """
    if not query.data or query.message is None:
        return None
    chat = query.message.chat
    return Incoming(
        channel=CHANNEL_NAME,
        chat_id=str(chat.id),
        user_id=str(query.from_user.id),
        display_name=query.from_user.full_name,
        message_id=f"{CALLBACK_ID_PREFIX}{query.id}",
        received_at=received_at,
        chat_is_group=chat.type in _GROUP_CHATS,
        button=query.data,
        reply_to=str(query.message.message_id),
        language=query.from_user.language_code,
    )


class TelegramChannel:
    """The scheduler's channel and the conversation's platform for one Telegram bot.

    ``api_base`` points the bot at another Bot API server (a local ``telegram-bot-api``
    or a fake in tests); ``timeout`` bounds each request in seconds. Close it with
    :meth:`close` or use it as an async context manager.
    """

    def __init__(self, token: str, *, api_base: str | None = None, timeout: float = 30.0) -> None:
        if api_base is None:
            session = JsonBodySession(timeout=timeout)
        else:
            session = JsonBodySession(api=TelegramAPIServer.from_base(api_base), timeout=timeout)
        self._bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode=None))
        self._timeout = timeout

    @property
    def name(self) -> str:
        """Always ``"telegram"``, the value stored on contacts and reminders."""
        return CHANNEL_NAME

    @property
    def supports_buttons(self) -> bool:
        """Telegram shows inline keyboards."""
        return True

    @property
    def max_text_length(self) -> int:
        """4,096 characters."""
        return MAX_TEXT_LENGTH

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
        sent = await _translated(self._bot(SendText.of(chat_id, message)))
        return MessageRef(chat_id=str(sent.chat.id), message_id=str(sent.message_id))

    async def send_file(self, chat_id: str, file: OutgoingFile) -> MessageRef:
        """Send ``file`` as a document (``sendDocument``), or a picture as a photo
        (``sendPhoto``), with its caption if any."""
        upload = BufferedInputFile(file.data, filename=file.name)
        caption = file.caption or None
        chat = _chat(chat_id)
        sent = await _translated(
            self._bot.send_photo(chat_id=chat, photo=upload, caption=caption)
            if file.picture
            else self._bot.send_document(chat_id=chat, document=upload, caption=caption)
        )
        return MessageRef(chat_id=str(sent.chat.id), message_id=str(sent.message_id))

    async def edit(self, ref: MessageRef, message: OutgoingMessage) -> None:
        """Replace the text and buttons of a message the bot sent (``editMessageText``).

        Editing a message into what it already says is not an error.
        """
        try:
            await _translated(
                self._bot.edit_message_text(
                    chat_id=_chat(ref.chat_id),
                    message_id=_message_id(ref.message_id, "the edited message"),
                    text=message.text,
                    reply_markup=build_keyboard(message.buttons),
                )
            )
        except PermanentFailure as failure:
            if "message is not modified" not in failure.detail:
                raise

    async def acknowledge(self, incoming: Incoming, text: str = "") -> None:
        """Answer the callback query of a pressed button, showing ``text`` as a short note;
        nothing for other messages."""
        query_id = callback_query_id(incoming)
        if query_id is None:
            return
        note = text[: MAX_TOAST_LENGTH - 1] + "…" if len(text) > MAX_TOAST_LENGTH else text
        await _translated(
            self._bot.answer_callback_query(callback_query_id=query_id, text=note or None)
        )

    async def download(self, file: IncomingFile) -> bytes:
        """The content of a file someone sent (``getFile``, then the file URL)."""
        found = await _translated(self._bot.get_file(file.file_id))
        if found.file_path is None:
            raise PermanentFailure(f"file {file.file_id} cannot be downloaded")
        buffer = io.BytesIO()
        await _translated(
            self._bot.download_file(
                found.file_path, destination=buffer, timeout=max(int(self._timeout), 1)
            )
        )
        return buffer.getvalue()

    async def username(self) -> str:
        """The bot's ``@username`` as Telegram reports it (``getMe``); checks the token:
        a refused one raises :class:`PermanentFailure` (when sending, it stays a
        transient failure, so that a token fixed later loses no reminder)."""
        try:
            me = await _translated(self._bot.get_me())
        except TransientFailure as failure:
            if isinstance(failure.__cause__, TelegramUnauthorizedError):
                raise PermanentFailure(f"the bot token was refused: {failure.detail}") from failure
            raise
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


def build_dispatcher(
    conversation: Conversation,
    channel: TelegramChannel,
    clock: Clock | None = None,
    *,
    platform: PatientPlatform | None = None,
) -> UpdateDispatcher:
    """An aiogram dispatcher handing each message and button press to ``conversation``'s
    intake (answering through ``platform``, by default a :class:`PatientPlatform`),
    stamped with ``clock``'s time of reception. An update counts as handled once
    stored; it is read and answered in the background."""
    time_source = clock or SystemClock()
    platform = platform or PatientPlatform(channel, time_source)
    router = UpdateRouter(name=CHANNEL_NAME)

    async def on_message(message: Message) -> None:
        incoming = incoming_message(message, time_source.now())
        if incoming is not None:
            await conversation.intake.receive(incoming, platform)

    async def on_press(query: CallbackQuery) -> None:
        incoming = incoming_press(query, time_source.now())
        if incoming is not None:
            await conversation.intake.receive(incoming, platform)
        else:
            # Still stop the button's spinner, though there is nothing to do.
            with suppress(DeliveryError):
                await _translated(query.answer())

    router.message.register(on_message)
    router.edited_message.register(on_message)
    router.callback_query.register(on_press)
    dispatcher = UpdateDispatcher(name=CHANNEL_NAME)
    dispatcher.include_router(router)
    return dispatcher


async def poll_updates(
    dispatcher: UpdateDispatcher,
    bot: Bot,
    stop: asyncio.Event,
    *,
    timeout: int = POLL_TIMEOUT,
) -> None:
    """Receive updates by long polling until ``stop`` is set.

    Each batch is handled (stored) before the next ``getUpdates`` confirms it, so an
    update is acknowledged to Telegram only once stored: after a crash, or when storing
    one fails (the database is down), Telegram delivers it again and the conversation
    ignores what it already stored. An update failing :data:`MAX_UPDATE_ATTEMPTS`
    times is given up, logged, so that it cannot hold back the others. Within a batch
    the chats are served concurrently, each chat's updates in order. A webhook left by
    an earlier run is removed first; failures are logged and retried with back-off.
    """
    offset: int | None = None
    confirmed: int | None = None
    failures = 0
    attempts: dict[int, int] = {}
    webhook_removed = False
    while not stop.is_set():
        try:
            if not webhook_removed:
                # Telegram refuses getUpdates while a webhook (of an earlier run) is set.
                await until_stopped(
                    _translated(bot.delete_webhook(drop_pending_updates=False)), stop
                )
                webhook_removed = True
                continue
            fetched = await until_stopped(
                _translated(
                    bot.get_updates(
                        offset=offset,
                        timeout=timeout,
                        allowed_updates=list(ALLOWED_UPDATES),
                        request_timeout=timeout + 10,
                    )
                ),
                stop,
            )
        except DeliveryError as error:
            log.warning("polling Telegram failed: %s", error)
            failures += 1
            await pause(stop, failures, "Telegram")
            continue
        except Exception:
            # Whatever went wrong, the bot must not stop listening.
            log.exception("polling Telegram failed")
            failures += 1
            await pause(stop, failures, "Telegram")
            continue
        if fetched is None:
            break
        confirmed = offset
        failures = 0
        if not fetched:
            continue
        failed = await feed_batch(dispatcher, bot, fetched)
        offset = _next_offset(fetched, failed, attempts)
        if failed:
            await pause(stop, max(attempts.values(), default=1), "Telegram")
    if offset != confirmed:
        with suppress(DeliveryError):
            await _translated(bot.get_updates(offset=offset, timeout=0, limit=1))


def _next_offset(fetched: Sequence[Update], failed: Sequence[int], attempts: dict[int, int]) -> int:
    """Where the next ``getUpdates`` starts: at the first failed update worth retrying,
    else after the batch."""
    retry: list[int] = []
    for update_id in failed:
        attempts[update_id] = attempts.get(update_id, 0) + 1
        if attempts[update_id] < MAX_UPDATE_ATTEMPTS:
            retry.append(update_id)
        else:
            log.error("update %d failed %d times; giving it up", update_id, attempts[update_id])
    for update in fetched:
        if update.update_id not in retry:
            attempts.pop(update.update_id, None)
    return min(retry) if retry else fetched[-1].update_id + 1


async def feed_batch(
    dispatcher: UpdateDispatcher, bot: Bot, updates: Sequence[Update]
) -> list[int]:
    """Handle ``updates``, chats concurrently and each chat's updates in order; return the
    ids of updates whose handling failed."""
    by_chat: dict[int | None, list[Update]] = {}
    for update in updates:
        by_chat.setdefault(_chat_of(update), []).append(update)
    outcomes = await asyncio.gather(
        *(_feed_in_order(dispatcher, bot, chat) for chat in by_chat.values())
    )
    return sorted(update_id for failed in outcomes for update_id in failed)


def _chat_of(update: Update) -> int | None:
    if update.message is not None:
        return update.message.chat.id
    if update.callback_query is not None and update.callback_query.message is not None:
        return update.callback_query.message.chat.id
    return None


async def _feed_in_order(
    dispatcher: UpdateDispatcher, bot: Bot, updates: Sequence[Update]
) -> list[int]:
    failed: list[int] = []
    for update in updates:
        try:
            await dispatcher.feed_update(bot, update)
        except Exception:
            log.exception("update %d could not be handled", update.update_id)
            failed.append(update.update_id)
    return failed


@dataclass(frozen=True)
class WebhookConfig:
    """Where Telegram posts updates and where the bot listens for them."""

    url: str
    secret: str
    host: str
    port: int

    @property
    def path(self) -> str:
        """The path served, taken from the public URL."""
        return urlsplit(self.url).path or "/"


@asynccontextmanager
async def serving_webhook(
    dispatcher: UpdateDispatcher, bot: Bot, config: WebhookConfig
) -> AsyncIterator[web.AppRunner]:
    """Serve the webhook for the duration of the block, registered with Telegram once
    it listens.

    A request without the right ``X-Telegram-Bot-Api-Secret-Token`` is answered 401
    (aiogram's ``SimpleRequestHandler``). A request is answered once its update is
    stored, so Telegram delivers it again if the bot fails before storing it. The
    webhook stays registered after the block: Telegram keeps updates while the bot
    is down.
    """
    if not config.secret:
        raise ValueError("a webhook needs a secret token")
    handler = SimpleRequestHandler(
        dispatcher, bot, handle_in_background=False, secret_token=config.secret
    )
    app = web.Application()
    # Not handler.register(): that would close the bot's session, which the channel owns.
    app.router.add_post(config.path, handler.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, config.host, config.port).start()
        await _translated(
            bot.set_webhook(
                url=config.url,
                secret_token=config.secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
        )
        log.info("webhook %s served on %s:%d", config.url, config.host, config.port)
        yield runner
    finally:
        await runner.cleanup()


@asynccontextmanager
async def receiving_updates(
    channel: TelegramChannel,
    conversation: Conversation,
    *,
    clock: Clock | None = None,
    webhook: WebhookConfig | None = None,
    poll_timeout: int = POLL_TIMEOUT,
) -> AsyncIterator[None]:
    """Receive updates for the duration of the block: through ``webhook`` when given,
    else by long polling. Messages stored but not read before the last stop are queued
    first. On exit, updates being received are stored first."""
    platform = PatientPlatform(channel, clock or SystemClock())
    dispatcher = build_dispatcher(conversation, channel, clock, platform=platform)
    await conversation.intake.recover(platform)
    if webhook is not None:
        async with serving_webhook(dispatcher, channel.bot, webhook):
            yield
        return
    stop = asyncio.Event()
    polling = asyncio.create_task(
        poll_updates(dispatcher, channel.bot, stop, timeout=poll_timeout), name="telegram-polling"
    )
    try:
        yield
    finally:
        stop.set()
        await polling
