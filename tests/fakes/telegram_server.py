"""A fake Telegram Bot API server speaking the real JSON, for tests and benchmarks.

It serves ``GET``/``POST /bot<token>/<method>`` (form-encoded, multipart or JSON
bodies, as aiogram and other clients send them) for

* sending: ``getMe``, ``sendMessage``, ``editMessageText``, ``answerCallbackQuery``,
  ``sendDocument`` and ``sendPhoto`` (uploads recorded with their name and bytes);
* receiving: ``getUpdates`` (long polling with ``offset``, ``limit``, ``timeout`` and
  ``allowed_updates``), ``setWebhook``, ``deleteWebhook``, ``getWebhookInfo``;
  tests push what people do with :meth:`FakeTelegram.push_message` and
  :meth:`FakeTelegram.push_callback`, which build Telegram's real ``Update`` JSON,
  and :meth:`FakeTelegram.deliver_webhook` posts them to the webhook with its secret;
* files: ``getFile`` and ``GET /file/bot<token>/<path>`` serve files added with
  :meth:`FakeTelegram.add_file` and documents the bot uploaded;

records every delivered message, and can misbehave on purpose:

* ``enforce_limits``: Telegram's flood limits — about 30 messages a second per
  bot, one a second per private chat (with a small burst), 20 a minute per group
  (negative chat ids) — answered with HTTP 429 and ``retry_after``;
* per chat: blocked (403), missing (400 "chat not found"), flaky (500 or 502
  a given number of times, then success), throttled (one 429 with a chosen
  ``retry_after``);
* ``latency``: seconds to wait before every answer.

In-process use::

    async with running_fake(enforce_limits=True) as fake:
        ...  # point a client at fake.base_url, then read fake.messages, fake.count_429

As a separate process, appending each delivered message as one JSON line to a log
and printing ``READY <base_url>`` once it listens::

    python -m tests.fakes.telegram_server --port 0 --log deliveries.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import re
import select
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import IO, Any

from aiohttp import ClientSession, web

DEFAULT_TOKEN_ID = 123456
MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
SUPERGROUP_ID_BELOW = -1_000_000_000_000
MAX_CAPTION_LENGTH = 1024
MAX_ALERT_LENGTH = 200
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass(frozen=True)
class Delivered:
    """One message the fake accepted: where it went, what it said, and when (epoch seconds)."""

    chat_id: int
    message_id: int
    text: str
    reply_markup: dict[str, Any] | None
    reply_to_message_id: int | None
    at: float


@dataclass(frozen=True)
class StoredFile:
    """A file the fake holds, fetched with ``getFile`` then ``/file/bot<token>/<path>``."""

    file_id: str
    name: str
    data: bytes
    path: str


@dataclass(frozen=True)
class SentFile:
    """A document or photo the bot uploaded (``kind``: ``document`` or ``photo``)."""

    chat_id: int
    message_id: int
    kind: str
    name: str
    data: bytes
    caption: str
    at: float


@dataclass(frozen=True)
class AnsweredQuery:
    """One ``answerCallbackQuery`` call the fake accepted."""

    callback_query_id: str
    text: str
    show_alert: bool


@dataclass(frozen=True)
class Webhook:
    """The webhook set with ``setWebhook``."""

    url: str
    secret_token: str | None
    allowed_updates: list[str] | None


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    name: str
    data: bytes


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional parameters."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def response(self) -> web.Response:
        """The error as Telegram sends it."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return web.json_response(body, status=self.status)


class FloodLimits:
    """Telegram's limits as sliding windows and a per-chat token bucket.

    ``check`` answers how long a message to ``chat_id`` must wait (0 when it may go)
    and, when it may go, counts it.
    """

    def __init__(
        self,
        *,
        per_second: int = 30,
        private_interval: float = 1.0,
        private_burst: int = 3,
        group_per_minute: int = 20,
    ) -> None:
        self.per_second = per_second
        self.private_interval = private_interval
        self.private_burst = private_burst
        self.group_per_minute = group_per_minute
        self._global: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}
        self._private: dict[int, tuple[float, float]] = {}

    def check(self, chat_id: int, now: float) -> float:
        """Seconds until a message to ``chat_id`` is allowed; 0 means allowed and counted."""
        wait = max(self._global_wait(now), self._chat_wait(chat_id, now))
        if wait > 0:
            return wait
        self._global.append(now)
        if chat_id < 0:
            self._groups.setdefault(chat_id, deque()).append(now)
        else:
            tokens, _ = self._private_tokens(chat_id, now)
            self._private[chat_id] = (tokens - 1.0, now)
        return 0.0

    def _global_wait(self, now: float) -> float:
        _drop_older(self._global, now - 1.0)
        if len(self._global) < self.per_second:
            return 0.0
        return self._global[0] + 1.0 - now

    def _chat_wait(self, chat_id: int, now: float) -> float:
        if chat_id < 0:
            window = self._groups.get(chat_id)
            if window is None:
                return 0.0
            _drop_older(window, now - 60.0)
            if len(window) < self.group_per_minute:
                return 0.0
            return window[0] + 60.0 - now
        if self.private_interval <= 0:
            return 0.0
        tokens, _ = self._private_tokens(chat_id, now)
        if tokens >= 1.0:
            return 0.0
        return (1.0 - tokens) * self.private_interval

    def _private_tokens(self, chat_id: int, now: float) -> tuple[float, float]:
        tokens, last = self._private.get(chat_id, (float(self.private_burst), now))
        if self.private_interval > 0:
            tokens = min(float(self.private_burst), tokens + (now - last) / self.private_interval)
        return tokens, now


def _drop_older(window: deque[float], cutoff: float) -> None:
    while window and window[0] <= cutoff:
        window.popleft()


class FakeTelegram:
    """The fake server's state and request handling; serve it with :func:`running_fake`."""

    def __init__(
        self,
        *,
        token: str | None = None,
        enforce_limits: bool = False,
        limits: FloodLimits | None = None,
        blocked: Iterable[int] = (),
        missing: Iterable[int] = (),
        flaky: Mapping[int, int] | None = None,
        flaky_status: int = 500,
        latency: float = 0.0,
        log: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.enforce_limits = enforce_limits
        self.limits = limits or FloodLimits()
        self.blocked: set[int] = set(blocked)
        self.missing: set[int] = set(missing)
        self.failures: dict[int, list[int]] = {
            chat: [flaky_status] * times for chat, times in (flaky or {}).items()
        }
        self.throttled: dict[int, int] = {}
        self.latency = latency
        self.clock = clock
        self.messages: list[Delivered] = []
        self.count_429 = 0
        self.requests = 0
        self.bodies: list[tuple[str, str]] = []
        """(method, content type) of every call, in order."""
        self.base_url = ""
        self._next_id: dict[int, int] = {}
        self._log_path = log
        self._log: IO[str] | None = None
        self.updates: list[dict[str, Any]] = []
        self.confirmed = 0
        """Updates with a lower ``update_id`` were confirmed by a later ``getUpdates``."""
        self.allowed_updates: list[str] | None = None
        self.webhook: Webhook | None = None
        self.edits: list[Delivered] = []
        self.answered: list[AnsweredQuery] = []
        self.sent_files: list[SentFile] = []
        self.files: dict[str, StoredFile] = {}
        self._open_queries: set[str] = set()
        self._serial = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._closing = False

    def block(self, chat_id: int) -> None:
        """Answer 403 "bot was blocked by the user" to messages for ``chat_id``."""
        self.blocked.add(chat_id)

    def forget(self, chat_id: int) -> None:
        """Answer 400 "chat not found" to messages for ``chat_id``."""
        self.missing.add(chat_id)

    def fail(self, chat_id: int, times: int = 1, status: int = 500) -> None:
        """Answer ``status`` (500, or 502 with an HTML page) the next ``times`` sends to a chat."""
        self.failures.setdefault(chat_id, []).extend([status] * times)

    def throttle(self, chat_id: int, retry_after: int) -> None:
        """Answer the next send to ``chat_id`` with 429 and this ``retry_after``."""
        self.throttled[chat_id] = retry_after

    def texts(self, chat_id: int) -> list[str]:
        """The texts delivered to ``chat_id``, in order."""
        return [m.text for m in self.messages if m.chat_id == chat_id]

    def message(self, chat_id: int, message_id: int) -> Delivered | None:
        """The bot's message ``message_id`` in ``chat_id`` as it now reads (after edits)."""
        return next(
            (
                m
                for m in reversed(self.messages)
                if m.chat_id == chat_id and m.message_id == message_id
            ),
            None,
        )

    def add_file(self, file_id: str, name: str, data: bytes) -> StoredFile:
        """Hold a file as if someone had sent it, for ``getFile`` and the download route."""
        stored = StoredFile(file_id, name, data, f"documents/file_{len(self.files)}_{name}")
        self.files[file_id] = stored
        return stored

    def push_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Queue a raw update (its ``update_id`` assigned here) for ``getUpdates``."""
        queued = {"update_id": len(self.updates) + 1, **update}
        self.updates.append(queued)
        self._wake_pollers()
        return queued

    def push_message(
        self,
        chat_id: int,
        user_id: int,
        text: str = "",
        *,
        reply_to: int | None = None,
        document: str | None = None,
        first_name: str = "Nguyễn Văn A",
        language_code: str | None = "vi",
    ) -> dict[str, Any]:
        """Queue a message ``user_id`` writes in ``chat_id`` (a group when negative).

        ``reply_to`` is the id of the message answered; ``document`` the id of a file
        added with :meth:`add_file`, sent with ``text`` as its caption.
        """
        message = user_message(
            chat_id,
            user_id,
            self._take_id(chat_id),
            text,
            document=None if document is None else self.files[document],
            reply_to_message=None if reply_to is None else self._replied_message(chat_id, reply_to),
            first_name=first_name,
            language_code=language_code,
        )
        return self.push_update({"message": message})

    def push_callback(
        self,
        chat_id: int,
        user_id: int,
        data: str,
        message_id: int,
        *,
        first_name: str = "Nguyễn Văn A",
        language_code: str | None = "vi",
    ) -> dict[str, Any]:
        """Queue the press of a button carrying ``data`` on the bot's message ``message_id``."""
        self._serial += 1
        query_id = f"{user_id}{self._serial:06d}"
        self._open_queries.add(query_id)
        return self.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": _user_json(user_id, first_name, language_code),
                    "message": self._replied_message(chat_id, message_id),
                    "chat_instance": str(chat_id),
                    "data": data,
                }
            }
        )

    async def deliver_webhook(self) -> list[int]:
        """POST the pending updates to the webhook in order, with its secret token, as
        Telegram does; an update answered 200 is confirmed, and delivery stops at the
        first other answer. Returns the HTTP statuses."""
        if self.webhook is None:
            raise RuntimeError("no webhook is set")
        secret = self.webhook.secret_token
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        statuses: list[int] = []
        async with ClientSession() as http:
            for update in self._unconfirmed(len(self.updates)):
                async with http.post(self.webhook.url, json=update, headers=headers) as answer:
                    statuses.append(answer.status)
                if answer.status != 200:
                    break
                self.confirmed = update["update_id"] + 1
        return statuses

    def _take_id(self, chat_id: int) -> int:
        # One sequence per chat for both sides, as Telegram numbers a chat's messages.
        message_id = self._next_id.get(chat_id, 1)
        self._next_id[chat_id] = message_id + 1
        return message_id

    def _replied_message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        delivered = self.message(chat_id, message_id)
        if delivered is None:
            return {"message_id": message_id, "chat": _chat_json(chat_id), "date": int(time.time())}
        message = _message_json(delivered)
        # Telegram never nests a reply inside a replied-to message.
        message.pop("reply_to_message", None)
        return message

    def app(self) -> web.Application:
        """The aiohttp application serving the Bot API routes."""
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._serve_file)
        app.on_startup.append(self._open_log)
        app.on_shutdown.append(self._end_long_polls)
        app.on_cleanup.append(self._close_log)
        return app

    async def _end_long_polls(self, _app: web.Application) -> None:
        # Shutting down waits for requests in flight: long polls answer now, empty.
        self._closing = True
        self._wake_pollers()

    def _wake_pollers(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def _open_log(self, _app: web.Application) -> None:
        if self._log_path is not None:
            self._log = self._log_path.open("a", encoding="utf-8")

    async def _close_log(self, _app: web.Application) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        token = request.match_info["token"]
        method = request.match_info["method"].lower()
        self.bodies.append((method, request.content_type))
        try:
            if self.token is not None and token != self.token:
                raise ApiError(401, "Unauthorized")
            params = await _read_params(request)
            if method == "getupdates":
                return _ok(await self._get_updates(params))
            return _ok(self._call(method, token, params))
        except ApiError as error:
            if error.status == 429:
                self.count_429 += 1
            return error.response()
        except _HtmlError as error:
            return web.Response(status=error.status, text=error.page, content_type="text/html")

    def _call(self, method: str, token: str, params: Mapping[str, Any]) -> Any:
        if method == "getme":
            return self._bot_user(token)
        if method == "sendmessage":
            return self._send_message(params)
        if method == "editmessagetext":
            return self._edit_message_text(params)
        if method == "answercallbackquery":
            return self._answer_callback_query(params)
        if method in ("senddocument", "sendphoto"):
            return self._send_file(method.removeprefix("send"), params)
        if method == "getfile":
            return self._get_file(params)
        if method == "setwebhook":
            return self._set_webhook(params)
        if method == "deletewebhook":
            return self._delete_webhook(params)
        if method == "getwebhookinfo":
            return self._webhook_info()
        raise ApiError(404, "Not Found")

    async def _get_updates(self, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active;"
                " use deleteWebhook to delete the webhook first",
            )
        offset = _int(params.get("offset")) or 0
        limit = min(max(_int(params.get("limit")) or 100, 1), 100)
        timeout = max(_int(params.get("timeout")) or 0, 0)
        allowed = _json_list(params.get("allowed_updates"), "allowed_updates")
        if allowed is not None:
            self.allowed_updates = allowed or None
        self.confirmed = max(self.confirmed, offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (
            not (found := self._unconfirmed(limit))
            and not self._closing
            and (left := deadline - loop.time()) > 0
        ):
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, left)
        return found

    def _unconfirmed(self, limit: int) -> list[dict[str, Any]]:
        allowed = self.allowed_updates
        return [
            update
            for update in self.updates
            if update["update_id"] >= self.confirmed
            and (allowed is None or any(kind in update for kind in allowed))
        ][:limit]

    def _set_webhook(self, params: Mapping[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return self._delete_webhook(params)
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        allowed = _json_list(params.get("allowed_updates"), "allowed_updates")
        self.webhook = Webhook(url, None if secret is None else str(secret), allowed)
        self.allowed_updates = allowed or None
        if _flag(params.get("drop_pending_updates")):
            self.confirmed = len(self.updates) + 1
        return True

    def _delete_webhook(self, params: Mapping[str, Any]) -> bool:
        self.webhook = None
        if _flag(params.get("drop_pending_updates")):
            self.confirmed = len(self.updates) + 1
        return True

    def _webhook_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._unconfirmed(len(self.updates))),
        }
        if self.webhook is not None and self.webhook.allowed_updates is not None:
            info["allowed_updates"] = self.webhook.allowed_updates
        return info

    def _edit_message_text(self, params: Mapping[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params.get("chat_id"))
        message_id = _int(params.get("message_id"))
        text = str(params.get("text") or "")
        markup = _json_object(params.get("reply_markup"), "reply_markup")
        _check_text(text)
        _check_markup(markup)
        current = None if message_id is None else self.message(chat_id, message_id)
        if current is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if current.text == text and current.reply_markup == markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply"
                " markup are exactly the same as a current content and reply markup of the message",
            )
        edited = replace(current, text=text, reply_markup=markup)
        self.messages[self.messages.index(current)] = edited
        self.edits.append(edited)
        return _message_json(edited)

    def _answer_callback_query(self, params: Mapping[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._open_queries.discard(query_id)
        text = str(params.get("text") or "")
        if len(text) > MAX_ALERT_LENGTH:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.answered.append(AnsweredQuery(query_id, text, _flag(params.get("show_alert"))))
        return True

    def _send_file(self, kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params.get("chat_id"))
        upload = self._upload(params, kind)
        caption = str(params.get("caption") or "")
        if len(caption) > MAX_CAPTION_LENGTH:
            raise ApiError(400, "Bad Request: message caption is too long")
        if not upload.data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        self._scripted_failure(chat_id)
        self._flood_check(chat_id)
        sent = SentFile(
            chat_id, self._take_id(chat_id), kind, upload.name, upload.data, caption, time.time()
        )
        self.sent_files.append(sent)
        self._serial += 1
        stored = self.add_file(f"sent{self._serial}", upload.name, upload.data)
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "from": {"id": DEFAULT_TOKEN_ID, "is_bot": True, "first_name": "Nhắc Việc"},
            "chat": _chat_json(chat_id),
            "date": int(sent.at),
        }
        described = _document_json(stored.file_id, stored.name, stored.data)
        if kind == "photo":
            described.pop("file_name")
            message["photo"] = [{**described, "width": 800, "height": 600}]
        else:
            message["document"] = described
        if caption:
            message["caption"] = caption
        return message

    def _upload(self, params: Mapping[str, Any], field: str) -> Upload:
        value = params.get(field)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, Upload):
            return value
        if isinstance(value, str) and value in self.files:
            stored = self.files[value]
            return Upload(stored.name, stored.data)
        raise ApiError(400, f"Bad Request: there is no {field} in the request")

    def _get_file(self, params: Mapping[str, Any]) -> dict[str, Any]:
        stored = self.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": f"u{stored.file_id}",
            "file_size": len(stored.data),
            "file_path": stored.path,
        }

    async def _serve_file(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        if self.token is not None and request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f.path == path), None)
        if stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.data, content_type="application/octet-stream")

    def _bot_user(self, token: str) -> dict[str, Any]:
        prefix = token.split(":", 1)[0]
        return {
            "id": int(prefix) if prefix.isdigit() else DEFAULT_TOKEN_ID,
            "is_bot": True,
            "first_name": "Nhắc Việc",
            "username": "nhacviec_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _send_message(self, params: Mapping[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params.get("chat_id"))
        text = str(params.get("text") or "")
        markup = _json_object(params.get("reply_markup"), "reply_markup")
        reply_to, allow_without = _reply_target(params)
        self._scripted_failure(chat_id)
        _check_text(text)
        _check_markup(markup)
        if reply_to is not None and not allow_without and reply_to >= self._next_id.get(chat_id, 1):
            raise ApiError(400, "Bad Request: message to be replied not found")
        self._flood_check(chat_id)
        delivered = Delivered(chat_id, self._take_id(chat_id), text, markup, reply_to, time.time())
        self.messages.append(delivered)
        self._write_log(delivered)
        return _message_json(delivered)

    def _scripted_failure(self, chat_id: int) -> None:
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.missing:
            raise ApiError(400, "Bad Request: chat not found")
        pending = self.failures.get(chat_id)
        if pending:
            status = pending.pop(0)
            if status == 502:
                raise _HtmlError(502, _BAD_GATEWAY_PAGE)
            raise ApiError(status, "Internal Server Error")
        retry_after = self.throttled.pop(chat_id, None)
        if retry_after is not None:
            raise _too_many(retry_after)

    def _flood_check(self, chat_id: int) -> None:
        if not self.enforce_limits:
            return
        wait = self.limits.check(chat_id, self.clock())
        if wait > 0:
            raise _too_many(max(1, math.ceil(wait)))

    def _write_log(self, delivered: Delivered) -> None:
        if self._log is None:
            return
        self._log.write(json.dumps(asdict(delivered), ensure_ascii=False) + "\n")
        self._log.flush()


class _HtmlError(Exception):
    """An answer that is not the Bot API's JSON, as a proxy in front of it sends."""

    def __init__(self, status: int, page: str) -> None:
        super().__init__(page)
        self.status = status
        self.page = page


_BAD_GATEWAY_PAGE = (
    "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


def _too_many(retry_after: int) -> ApiError:
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
    )


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: invalid JSON body")
        params.update(body)
    else:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = Upload(value.filename, value.file.read())
            else:
                params[key] = value
    return params


def _json_list(value: Any, field: str) -> list[str] | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ApiError(400, f"Bad Request: can't parse {field} JSON array") from exc
    if not isinstance(value, list):
        raise ApiError(400, f"Bad Request: {field} must be an array")
    return [str(item) for item in value]


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _user_json(user_id: int, first_name: str, language_code: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code is not None:
        user["language_code"] = language_code
    return user


def user_message(
    chat_id: int,
    user_id: int,
    message_id: int,
    text: str = "",
    *,
    document: StoredFile | None = None,
    reply_to_message: dict[str, Any] | None = None,
    first_name: str = "Nguyễn Văn A",
    language_code: str | None = "vi",
) -> dict[str, Any]:
    """A person's message as Telegram's ``Message`` JSON: ``text`` (the caption when a
    ``document`` is attached), a ``bot_command`` entity for ``/commands``, the message
    answered."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": _user_json(user_id, first_name, language_code),
        "chat": _chat_json(chat_id),
        "date": int(time.time()),
    }
    if document is not None:
        message["document"] = _document_json(document.file_id, document.name, document.data)
        if text:
            message["caption"] = text
    else:
        message["text"] = text
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if reply_to_message is not None:
        message["reply_to_message"] = reply_to_message
    return message


def _document_json(file_id: str, name: str, data: bytes) -> dict[str, Any]:
    return {
        "file_id": file_id,
        "file_unique_id": f"u{file_id}",
        "file_name": name,
        "mime_type": "application/octet-stream",
        "file_size": len(data),
    }


def _chat_id(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value)
    if value is None or value == "":
        raise ApiError(400, "Bad Request: chat_id is empty")
    raise ApiError(400, "Bad Request: chat not found")


def _json_object(value: Any, field: str) -> dict[str, Any] | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ApiError(400, f"Bad Request: can't parse {field} JSON object") from exc
    if not isinstance(value, dict):
        raise ApiError(400, f"Bad Request: {field} must be an object")
    return value


def _reply_target(params: Mapping[str, Any]) -> tuple[int | None, bool]:
    """The message replied to and whether a missing one is acceptable."""
    reply = _json_object(params.get("reply_parameters"), "reply_parameters")
    if reply is not None:
        return _int(reply.get("message_id")), bool(reply.get("allow_sending_without_reply"))
    allow = str(params.get("allow_sending_without_reply", "")).lower() == "true"
    return _int(params.get("reply_to_message_id")), allow


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ApiError(400, "Bad Request: wrong message identifier") from exc


def _check_text(text: str) -> None:
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise ApiError(400, "Bad Request: message is too long")


def _check_markup(markup: Mapping[str, Any] | None) -> None:
    if markup is None:
        return
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list):
        return
    for row in rows:
        for button in row if isinstance(row, list) else ():
            data = button.get("callback_data") if isinstance(button, dict) else None
            if isinstance(data, str) and len(data.encode()) > MAX_CALLBACK_DATA_BYTES:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _chat_json(chat_id: int) -> dict[str, Any]:
    if chat_id >= 0:
        return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
    kind = "supergroup" if chat_id < SUPERGROUP_ID_BELOW else "group"
    return {"id": chat_id, "type": kind, "title": f"Group {chat_id}"}


def _message_json(delivered: Delivered) -> dict[str, Any]:
    chat = _chat_json(delivered.chat_id)
    message: dict[str, Any] = {
        "message_id": delivered.message_id,
        "from": {"id": DEFAULT_TOKEN_ID, "is_bot": True, "first_name": "Nhắc Việc"},
        "chat": chat,
        "date": int(delivered.at),
        "text": delivered.text,
    }
    if delivered.reply_markup is not None:
        message["reply_markup"] = delivered.reply_markup
    if delivered.reply_to_message_id is not None:
        message["reply_to_message"] = {
            "message_id": delivered.reply_to_message_id,
            "chat": chat,
            "date": int(delivered.at),
        }
    return message


@asynccontextmanager
async def running_fake(
    port: int = 0, host: str = "127.0.0.1", **options: Any
) -> AsyncIterator[FakeTelegram]:
    """Serve a :class:`FakeTelegram` built from ``options`` on ``host:port`` (0 picks a free
    port) for the duration of the block; ``fake.base_url`` is set once it listens."""
    fake = FakeTelegram(**options)
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        fake.base_url = f"http://{bound_host}:{bound_port}"
        yield fake
    finally:
        await runner.cleanup()


REPO_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def fake_process(
    *,
    log: Path | None = None,
    enforce_limits: bool = False,
    token: str | None = None,
    start_timeout: float = 30.0,
) -> Iterator[str]:
    """Run the fake as a separate process for the block; yields its base URL.

    ``log`` receives one JSON line per delivered message; ``token`` is the only bot
    token accepted (any by default). The process is stopped
    with SIGTERM at the end.
    """
    command = [sys.executable, "-m", "tests.fakes.telegram_server", "--port", "0"]
    if log is not None:
        command += ["--log", str(log)]
    if enforce_limits:
        command.append("--enforce-limits")
    if token is not None:
        command += ["--token", token]
    server = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        ready, _, _ = select.select([server.stdout], [], [], start_timeout)
        line = server.stdout.readline().strip() if ready else ""
        if not line.startswith("READY "):
            raise RuntimeError(f"the fake Telegram server did not start: {line!r}")
        yield line.removeprefix("READY ")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--log", type=Path, help="append delivered messages here as JSON lines")
    parser.add_argument("--token", help="accept only this bot token")
    parser.add_argument("--enforce-limits", action="store_true")
    parser.add_argument("--latency", type=float, default=0.0)
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Run the fake until SIGTERM or SIGINT, printing ``READY <base_url>`` once it listens."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    options: dict[str, Any] = {
        "token": args.token,
        "enforce_limits": args.enforce_limits,
        "latency": args.latency,
        "log": args.log,
    }
    async with running_fake(args.port, args.host, **options) as fake:
        print(f"READY {fake.base_url}", flush=True)
        await stop.wait()
        print(f"delivered {len(fake.messages)} messages, {fake.count_429} answered 429", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point of the separate-process fake."""
    asyncio.run(serve(_parse_args(argv)))


if __name__ == "__main__":
    main(sys.argv[1:])
