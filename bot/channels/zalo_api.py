"""A thin async client of the Zalo Bot Platform API, and the shape of what it delivers.

Every method is ``POST https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>`` with a
JSON body; every answer is ``{ok, result, description, error_code}``. A failed call
raises :class:`ZaloApiError` carrying the error code (the body's ``error_code``, else
the HTTP status): 408 when a long poll ended without an update, 429 when over quota.
Network failures surface as aiohttp's ``ClientError`` or ``TimeoutError``.

An update (from ``getUpdates`` or a webhook delivery) is
``{event_name, message: {from: {id, display_name}, chat: {id, chat_type}, text,
message_id, date}}``, sometimes wrapped in ``{ok, result}``; :func:`read_update`
accepts both and returns a :class:`ZaloMessage`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from aiohttp import ClientSession, ClientTimeout

DEFAULT_API_BASE = "https://bot-api.zaloplatforms.com"

TEXT_EVENT = "message.text.received"
IMAGE_EVENT = "message.image.received"
STICKER_EVENT = "message.sticker.received"
UNSUPPORTED_EVENT = "message.unsupported.received"

NO_UPDATE = 408
"""The error code of a long poll that ended without an update."""

OVER_QUOTA = 429

_REQUEST_MARGIN = 10.0
"""Seconds a long-poll request may take beyond the server's own wait."""


class ZaloApiError(Exception):
    """A call the Zalo Bot API answered with an error (or with something unreadable).

    ``code`` is the body's ``error_code``, else the HTTP status; ``retry_after`` the
    pause asked for, when the answer names one.
    """

    def __init__(self, code: int, description: str, *, retry_after: float | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after


@dataclass(frozen=True)
class SentMessage:
    """Where a message the bot sent landed."""

    message_id: str
    date: int | None = None


@dataclass(frozen=True)
class ZaloMessage:
    """One message someone sent the bot, as delivered by Zalo.

    ``date`` is in milliseconds since the epoch, as Zalo sends it; ``photo`` is the
    URL of an image, ``sticker`` a sticker's id.
    """

    event_name: str
    message_id: str
    chat_id: str
    chat_type: str
    user_id: str
    display_name: str
    text: str = ""
    date: int | None = None
    photo: str | None = None
    caption: str = ""
    sticker: str | None = None

    @property
    def is_text(self) -> bool:
        """Whether this is a text message (the only kind the conversation reads)."""
        return self.event_name == TEXT_EVENT

    @property
    def is_group(self) -> bool:
        """Whether the chat is a group (Zalo bots chat in private; kept for safety)."""
        return self.chat_type.upper() == "GROUP"


def read_update(body: object) -> ZaloMessage | None:
    """The message of one update, bare or wrapped in ``{ok, result}``; ``None`` for an
    update that carries no message. Raises ``ValueError`` for a malformed one."""
    update = _unwrapped(body)
    message = update.get("message")
    if message is None:
        return None
    if not isinstance(message, Mapping):
        raise ValueError("the update's message is not an object")
    sender = _object(message.get("from"), "from")
    chat = _object(message.get("chat"), "chat")
    text = _optional_text(message.get("text"))
    event = _optional_text(update.get("event_name")) or (TEXT_EVENT if text else "")
    return ZaloMessage(
        event_name=event,
        message_id=_identifier(message.get("message_id"), "message_id"),
        chat_id=_identifier(chat.get("id"), "chat.id"),
        chat_type=_optional_text(chat.get("chat_type")) or "PRIVATE",
        user_id=_identifier(sender.get("id"), "from.id"),
        display_name=_display_name(sender),
        text=text,
        date=_optional_int(message.get("date")),
        photo=_optional_text(message.get("photo") or message.get("photo_url")) or None,
        caption=_optional_text(message.get("caption")),
        sticker=_optional_text(message.get("sticker")) or None,
    )


def _unwrapped(body: object) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise ValueError("an update must be a JSON object")
    if "message" not in body and "event_name" not in body and "result" in body:
        if body.get("ok") is False:
            raise ValueError("the update is an error answer")
        return _object(body["result"], "result")
    return body


def _object(value: object, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} is missing or not an object")
    return value


def _identifier(value: object, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
        raise ValueError(f"{name} is missing")
    return str(value)


def _optional_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _optional_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _display_name(sender: Mapping[str, Any]) -> str:
    for key in ("display_name", "name", "first_name"):
        value = sender.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


class ZaloApi:
    """The Zalo Bot API over one aiohttp session, opened on first use.

    ``api_base`` points the client at another server (a fake in tests); ``timeout``
    bounds each request in seconds (a long poll gets its wait on top). Close it with
    :meth:`close` or use it as an async context manager.
    """

    def __init__(
        self, token: str, *, api_base: str = DEFAULT_API_BASE, timeout: float = 30.0
    ) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        self._token = token
        self._base = api_base.rstrip("/")
        self._timeout = timeout
        self._session: ClientSession | None = None

    def __repr__(self) -> str:
        # Never show the token: it is the bot's password.
        return f"ZaloApi({self._base!r})"

    async def call(
        self, method: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        """Call ``method`` with ``params`` as JSON; the answer's ``result``."""
        session = self._open()
        url = f"{self._base}/bot{self._token}/{method}"
        limit = ClientTimeout(total=timeout if timeout is not None else self._timeout)
        async with session.post(url, json=dict(params or {}), timeout=limit) as response:
            status = response.status
            raw = await response.read()
        return _result(status, raw)

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account (``getMe``); checks the token."""
        return _as_object(await self.call("getMe"))

    async def get_updates(self, timeout: int) -> list[dict[str, Any]]:
        """Wait up to ``timeout`` seconds for updates (``getUpdates``): Zalo answers one
        at a time, and 408 when none came, which is an empty list here."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, timeout=timeout + _REQUEST_MARGIN
            )
        except ZaloApiError as error:
            if error.code == NO_UPDATE:
                return []
            raise
        if result is None:
            return []
        if isinstance(result, list):
            return [_as_object(item) for item in result]
        return [_as_object(result)]

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        """Have Zalo post updates to ``url`` with ``secret_token`` (``setWebhook``)."""
        return _as_object(await self.call("setWebhook", {"url": url, "secret_token": secret_token}))

    async def delete_webhook(self) -> dict[str, Any]:
        """Stop posting to the webhook, so that ``getUpdates`` works (``deleteWebhook``)."""
        return _as_object(await self.call("deleteWebhook"))

    async def get_webhook_info(self) -> dict[str, Any]:
        """The webhook now set (``getWebhookInfo``): ``url`` is empty when none."""
        return _as_object(await self.call("getWebhookInfo"))

    async def send_message(self, chat_id: str, text: str) -> SentMessage:
        """Send ``text`` (1 to 2,000 characters) to ``chat_id`` (``sendMessage``)."""
        return _sent(await self.call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, photo: str, caption: str = "") -> SentMessage:
        """Send the image at URL ``photo`` with an optional caption (``sendPhoto``)."""
        params = {"chat_id": chat_id, "photo": photo}
        if caption:
            params["caption"] = caption
        return _sent(await self.call("sendPhoto", params))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Show "typing…" (or another action) in the chat for a few seconds."""
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def close(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def _open(self) -> ClientSession:
        if self._session is None or self._session.closed:
            self._session = ClientSession(timeout=ClientTimeout(total=self._timeout))
        return self._session


def _result(status: int, raw: bytes) -> Any:
    """The ``result`` of an answer, or the :class:`ZaloApiError` it describes."""
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    if not isinstance(body, Mapping):
        code = status if status >= 400 else 502
        raise ZaloApiError(code, f"unreadable answer (HTTP {status})")
    if body.get("ok") is True and status < 400:
        return body.get("result")
    code = _optional_int(body.get("error_code")) or (status if status >= 400 else 500)
    description = _optional_text(body.get("description")) or f"HTTP {status}"
    raise ZaloApiError(code, description, retry_after=_retry_after(body))


def _retry_after(body: Mapping[str, Any]) -> float | None:
    parameters = body.get("parameters")
    value = parameters.get("retry_after") if isinstance(parameters, Mapping) else None
    if value is None:
        value = body.get("retry_after")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def _as_object(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ZaloApiError(502, "unexpected result: not an object")
    return dict(value)


def _sent(result: Any) -> SentMessage:
    answer = _as_object(result)
    message_id = answer.get("message_id")
    if message_id is None or str(message_id) == "":
        raise ZaloApiError(502, "unexpected result: no message_id")
    return SentMessage(str(message_id), _optional_int(answer.get("date")))
