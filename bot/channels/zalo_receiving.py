"""Receiving Zalo messages: long polling or a webhook, into the conversation's intake.

Either way a :class:`ZaloReceiver` turns each message into a
:class:`handlers.messages.Incoming` and hands it to the conversation's intake, which
stores it at once and reads it in the background, each chat's messages in order.
Images, stickers and other non-text messages are stored like any message and
answered that only text is read. Zalo has no update ids: a message delivered twice
is recognised by its message id, which the conversation stores once per chat.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlsplit

from aiohttp import web

from bot.channels.patient import PatientPlatform
from bot.channels.polling import pause, until_stopped
from bot.channels.zalo import CHANNEL_NAME, ZaloChannel, delivery_error, translated
from bot.channels.zalo_api import (
    IMAGE_EVENT,
    OVER_QUOTA,
    STICKER_EVENT,
    ZaloApi,
    ZaloApiError,
    ZaloMessage,
    read_update,
)
from handlers.conversation import Conversation
from handlers.messages import Incoming
from handlers.platform import Platform
from handlers.router import EVERYONE, Router
from handlers.turn import Turn
from scheduling.clock import Clock, SystemClock

log = logging.getLogger(__name__)

T = TypeVar("T")

SECRET_HEADER = "X-Bot-Api-Secret-Token"
MIN_SECRET_LENGTH = 8
"""Zalo refuses webhook secrets shorter than this."""

POLL_TIMEOUT = 30
"""Seconds a ``getUpdates`` long poll may wait for a message."""


HANDLE_RETRY_DELAYS = (1.0, 3.0, 10.0)
"""Seconds before each new attempt at storing a message that failed (the database
was down): Zalo does not deliver a polled message again, so the bot retries itself."""


def _(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated per person with ``turn._``."""
    return message


ONLY_TEXT = _(
    'I can only read text messages. Please type your message, e.g. "xong", "đạt 80%" '
    'or "vướng kinh phí".'
)


def incoming_message(message: ZaloMessage, received_at: datetime) -> Incoming:
    """The conversation's view of a Zalo message. A non-text message keeps what can be
    kept of it as its text: ``[image] URL caption``, ``[sticker] ID``, ``[unsupported]``."""
    return Incoming(
        channel=CHANNEL_NAME,
        chat_id=message.chat_id,
        user_id=message.user_id,
        display_name=message.display_name,
        message_id=message.message_id,
        received_at=received_at,
        chat_is_group=message.is_group,
        text=message.text if message.is_text else raw_text(message),
    )


def raw_text(message: ZaloMessage) -> str:
    """What is stored for a message that is not text."""
    if message.event_name == IMAGE_EVENT:
        return " ".join(part for part in ("[image]", message.photo, message.caption) if part)
    if message.event_name == STICKER_EVENT:
        return " ".join(part for part in ("[sticker]", message.sticker) if part)
    kind = message.event_name.removeprefix("message.").removesuffix(".received")
    return f"[{kind or 'unknown'}]"


not_text = Router("zalo-not-text")
"""Answers a message that is not text, after the conversation stored it."""


@not_text.text(roles=EVERYONE)
async def only_text(turn: Turn) -> bool:
    """Say that only text is read."""
    turn.say(turn._(ONLY_TEXT))
    return True


class ZaloReceiver:
    """Takes received messages in through the conversation's intake
    (:class:`handlers.intake.Intake`): each is stored at once, then read and answered
    in the background, each chat's messages in order.

    Storing a message that fails (the database is down) is tried again after each of
    ``retry_delays``, then given up and logged: Zalo does not deliver a polled message
    again, and the conversation ignores a message it already stored, so a retry never
    doubles one. Text goes to ``conversation``; other messages are stored the same way
    by a conversation that only answers that text is read (run it with :meth:`running`).
    """

    def __init__(
        self,
        conversation: Conversation,
        platform: Platform,
        *,
        clock: Clock | None = None,
        retry_delays: Sequence[float] = HANDLE_RETRY_DELAYS,
    ) -> None:
        self._conversation = conversation
        self._not_text = Conversation(conversation.deps, [not_text])
        self._platform = platform
        self._clock = clock or SystemClock()
        self._retry_delays = tuple(retry_delays)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Read the stored non-text messages for the duration of the block (the main
        conversation's intake runs with the conversation, :func:`bot.app.serving`)."""
        async with self._not_text.intake.running():
            yield

    async def recover(self) -> int:
        """Queue the Zalo messages stored but not read before the last stop; how many."""
        return await self._conversation.intake.recover(self._platform)

    async def receive(self, message: ZaloMessage) -> bool:
        """Store ``message`` to be read; ``True`` once stored (or found stored before),
        ``False`` when storing was given up."""
        incoming = incoming_message(message, self._clock.now())
        conversation = self._conversation if message.is_text else self._not_text
        for attempt, delay in enumerate((0.0, *self._retry_delays), start=1):
            if delay:
                await asyncio.sleep(delay)
            try:
                await conversation.intake.receive(incoming, self._platform)
                return True
            except Exception:
                log.exception(
                    "Zalo message %s in chat %s could not be stored (attempt %d)",
                    message.message_id,
                    message.chat_id,
                    attempt,
                )
        log.error("Zalo message %s given up", message.message_id)
        return False


async def poll_updates(
    api: ZaloApi,
    receiver: ZaloReceiver,
    stop: asyncio.Event,
    *,
    timeout: int = POLL_TIMEOUT,
) -> None:
    """Receive messages by long polling until ``stop`` is set.

    A webhook (of an earlier run) is removed first: Zalo refuses ``getUpdates`` while one
    is set; it is removed again after a refused poll, in case one was set meanwhile.
    Each ``getUpdates`` brings one message; 408 (nothing came) polls again at once;
    failures are logged and retried with a capped back-off. Each message is stored
    (``receiver``) before the next poll; reading and answering it happen in the
    background. On stop the poll under way is abandoned.
    """
    failures = 0
    webhook_removed = False
    while not stop.is_set():
        try:
            if not webhook_removed:
                if not await until_stopped(_removed_webhook(api), stop):
                    break
                webhook_removed = True
                continue
            updates = await until_stopped(api.get_updates(timeout), stop)
        except ZaloApiError as error:
            log.warning("polling Zalo failed: %s", delivery_error(error))
            if 400 <= error.code < 500 and error.code != OVER_QUOTA:
                webhook_removed = False
            failures += 1
            await pause(stop, failures, "Zalo")
            continue
        except Exception as error:
            # Whatever went wrong, the bot must not stop listening.
            log.warning("polling Zalo failed: %s", delivery_error(error), exc_info=True)
            failures += 1
            await pause(stop, failures, "Zalo")
            continue
        if updates is None:
            break
        failures = 0
        for update in updates:
            await _hand_over(receiver, update)


async def _removed_webhook(api: ZaloApi) -> bool:
    await api.delete_webhook()
    return True


async def _hand_over(receiver: ZaloReceiver, update: object) -> None:
    try:
        message = read_update(update)
    except ValueError as error:
        log.warning("unreadable Zalo update ignored: %s", error)
        return
    if message is None:
        log.info("Zalo update without a message ignored")
        return
    await receiver.receive(message)


@dataclass(frozen=True)
class ZaloWebhook:
    """Where Zalo posts messages and where the bot listens for them."""

    url: str
    secret: str
    host: str
    port: int

    @property
    def path(self) -> str:
        """The path served, taken from the public URL."""
        return urlsplit(self.url).path or "/"


def webhook_handler(
    receiver: ZaloReceiver, secret: str
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The request handler of the webhook.

    A request without ``X-Bot-Api-Secret-Token`` is answered 401, one with another
    secret 403 (compared in constant time), and neither is read further. The body
    is an update, bare or wrapped in ``{ok, result}``; a body that is not one is
    answered 400. The answer waits until the message is stored (200), or answers 500
    when storing failed, so that Zalo may deliver it again.
    """
    expected = secret.encode()

    async def handle(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.json_response({"ok": False, "description": "no secret token"}, status=401)
        if not hmac.compare_digest(given.encode(), expected):
            return web.json_response({"ok": False, "description": "wrong secret token"}, status=403)
        try:
            message = read_update(await request.json())
        except ValueError as error:
            return web.json_response({"ok": False, "description": str(error)}, status=400)
        if message is None:
            return web.json_response({"ok": True})
        if not await receiver.receive(message):
            return web.json_response({"ok": False, "description": "not stored"}, status=500)
        return web.json_response({"ok": True})

    return handle


@asynccontextmanager
async def serving_webhook(
    channel: ZaloChannel, receiver: ZaloReceiver, config: ZaloWebhook
) -> AsyncIterator[web.AppRunner]:
    """Serve the webhook for the duration of the block, registered with Zalo
    (``setWebhook``) once it listens. The webhook stays registered after the block."""
    if len(config.secret) < MIN_SECRET_LENGTH:
        raise ValueError(f"a Zalo webhook secret needs {MIN_SECRET_LENGTH} characters or more")
    app = web.Application()
    app.router.add_post(config.path, webhook_handler(receiver, config.secret))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, config.host, config.port).start()
        await translated(channel.api.set_webhook(config.url, config.secret))
        log.info("Zalo webhook %s served on %s:%d", config.url, config.host, config.port)
        yield runner
    finally:
        await runner.cleanup()


@asynccontextmanager
async def receiving_updates(
    channel: ZaloChannel,
    conversation: Conversation,
    *,
    clock: Clock | None = None,
    webhook: ZaloWebhook | None = None,
    poll_timeout: int = POLL_TIMEOUT,
    retry_delays: Sequence[float] = HANDLE_RETRY_DELAYS,
) -> AsyncIterator[ZaloReceiver]:
    """Receive messages for the duration of the block: through ``webhook`` when given,
    else by long polling. Messages stored but not read before the last stop are queued
    first. On exit, the messages being received are stored first."""
    time_source = clock or SystemClock()
    platform = PatientPlatform(channel, time_source)
    receiver = ZaloReceiver(conversation, platform, clock=time_source, retry_delays=retry_delays)
    async with receiver.running():
        await receiver.recover()
        if webhook is not None:
            async with serving_webhook(channel, receiver, webhook):
                yield receiver
            return
        stop = asyncio.Event()
        polling = asyncio.create_task(
            poll_updates(channel.api, receiver, stop, timeout=poll_timeout), name="zalo-polling"
        )
        try:
            yield receiver
        finally:
            stop.set()
            await polling
