"""A fake Zalo Bot Platform API server speaking its JSON, for tests.

It serves ``POST`` (or ``GET``) ``/bot<token>/<method>`` with JSON, form or query
parameters, and answers ``{ok, result}`` or ``{ok: false, error_code, description}``
with the same HTTP status, for

* sending: ``getMe``, ``sendMessage`` (1 to 2,000 characters), ``sendPhoto`` (a photo
  URL and a caption), ``sendChatAction``;
* receiving: ``getUpdates`` — a long poll answering ONE update per call, with no
  offset (an update handed out is gone), and HTTP 408 when none came within its
  ``timeout``; refused with 409 while a webhook is set — and ``setWebhook`` (``url``,
  ``secret_token`` of 8-256 characters), ``deleteWebhook``, ``getWebhookInfo``.

Tests queue what people send with :meth:`FakeZalo.push_text` and
:meth:`FakeZalo.push_event` (Zalo's ``{event_name, message}`` JSON, string ids, dates
in milliseconds); :meth:`FakeZalo.deliver_webhook` posts the queued updates to the
webhook with ``X-Bot-Api-Secret-Token``, bare or wrapped in ``{ok, result}``. What
the bot sent is in :attr:`FakeZalo.messages`, :attr:`FakeZalo.photos` and
:attr:`FakeZalo.actions`.

It misbehaves on purpose: ``per_second`` (a quota over all sends, answered 429
without ``retry_after``, as Zalo publishes no limits), :meth:`FakeZalo.throttle`
(429s for a chat, with or without ``retry_after``), :meth:`FakeZalo.fail` (5xx for a
chat), :meth:`FakeZalo.block` (403) and :meth:`FakeZalo.fail_polls` (``getUpdates``
answering an error page).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, web

MAX_TEXT_LENGTH = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
BOT_ID = "1459232241454765289"
WEBHOOK_CONFLICT = 409
SEND_METHODS = frozenset({"sendMessage", "sendPhoto"})


@dataclass(frozen=True)
class Sent:
    """A text message the fake accepted from the bot."""

    chat_id: str
    message_id: str
    text: str
    at: float


@dataclass(frozen=True)
class SentPhoto:
    """A photo the fake accepted from the bot."""

    chat_id: str
    message_id: str
    photo: str
    caption: str
    at: float


@dataclass(frozen=True)
class Webhook:
    """The webhook set with ``setWebhook``."""

    url: str
    secret_token: str
    updated_at: int


class ApiError(Exception):
    """An error answer: HTTP status and ``error_code`` alike, a description, and
    optionally ``retry_after``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def response(self) -> web.Response:
        """The error as the fake sends it."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return web.json_response(body, status=self.code)


def zalo_id(number: int) -> str:
    """A Zalo-looking id (20 hex digits) for a test person or chat."""
    return f"{number:020x}"


class FakeZalo:
    """The fake server's state and request handling; serve it with :func:`running_fake_zalo`."""

    def __init__(
        self,
        *,
        token: str | None = None,
        per_second: int | None = None,
        poll_wait_cap: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.per_second = per_second
        self.poll_wait_cap = poll_wait_cap
        self.clock = clock
        self.base_url = ""
        self.pending: deque[dict[str, Any]] = deque()
        """Updates waiting for ``getUpdates`` or for :meth:`deliver_webhook`."""
        self.handed_out: list[dict[str, Any]] = []
        """Updates ``getUpdates`` answered with, in order."""
        self.messages: list[Sent] = []
        self.photos: list[SentPhoto] = []
        self.actions: list[tuple[str, str]] = []
        self.webhook: Webhook | None = None
        self.calls: list[str] = []
        """Every method called, in order."""
        self.count_429 = 0
        self.count_408 = 0
        self.blocked: set[str] = set()
        self._throttled: dict[str, list[int | None]] = {}
        self._failures: dict[str, list[int]] = {}
        self._poll_failures: list[int] = []
        self._sends: deque[float] = deque()
        self._ids = itertools.count(1)
        self._waiters: list[asyncio.Future[None]] = []
        self._closing = False

    # ------------------------------------------------------------------ tests' controls

    def push_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Queue a raw update as Zalo would deliver it."""
        queued = dict(update)
        self.pending.append(queued)
        self._wake_pollers()
        return queued

    def push_text(
        self,
        chat_id: str,
        text: str,
        *,
        user_id: str | None = None,
        display_name: str = "Nguyễn Văn A",
        message_id: str | None = None,
    ) -> dict[str, Any]:
        """Queue a text message ``user_id`` (by default the chat's person) writes."""
        return self.push_event(
            chat_id,
            "message.text.received",
            user_id=user_id,
            display_name=display_name,
            message_id=message_id,
            text=text,
        )

    def push_event(
        self,
        chat_id: str,
        event_name: str,
        *,
        user_id: str | None = None,
        display_name: str = "Nguyễn Văn A",
        message_id: str | None = None,
        **fields: str,
    ) -> dict[str, Any]:
        """Queue any message event (``message.image.received`` with ``photo`` and
        ``caption``, ``message.sticker.received`` with ``sticker``, ...)."""
        message: dict[str, Any] = {
            "from": {"id": user_id or chat_id, "display_name": display_name, "is_bot": False},
            "chat": {"id": chat_id, "chat_type": "PRIVATE"},
            "message_id": message_id or self._new_id(),
            "date": int(time.time() * 1000),
            **fields,
        }
        return self.push_update({"event_name": event_name, "message": message})

    def texts(self, chat_id: str) -> list[str]:
        """The texts the bot sent to ``chat_id``, in order."""
        return [m.text for m in self.messages if m.chat_id == chat_id]

    def throttle(self, chat_id: str, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next ``times`` sends to ``chat_id`` with 429 (and ``retry_after``
        when given)."""
        self._throttled.setdefault(chat_id, []).extend([retry_after] * times)

    def fail(self, chat_id: str, times: int = 1, status: int = 500) -> None:
        """Answer the next ``times`` sends to ``chat_id`` with ``status``."""
        self._failures.setdefault(chat_id, []).extend([status] * times)

    def block(self, chat_id: str) -> None:
        """Answer 403 to every send to ``chat_id``, as when the person blocked the bot."""
        self.blocked.add(chat_id)

    def fail_polls(self, times: int, status: int = 502) -> None:
        """Answer the next ``times`` ``getUpdates`` calls with an HTML error page."""
        self._poll_failures.extend([status] * times)

    async def deliver_webhook(
        self, *, wrapped: bool = False, secret: str | None = None, keep: bool = False
    ) -> list[int]:
        """POST the queued updates to the webhook in order (wrapped in ``{ok, result}``
        when asked) with the registered secret, or ``secret``; an update answered 200
        leaves the queue unless ``keep``; delivery stops at the first other answer.
        Returns the HTTP statuses."""
        if self.webhook is None:
            raise RuntimeError("no webhook is set")
        headers = {SECRET_HEADER: secret if secret is not None else self.webhook.secret_token}
        statuses: list[int] = []
        async with ClientSession() as http:
            for update in list(self.pending):
                body = {"ok": True, "result": update} if wrapped else update
                async with http.post(self.webhook.url, json=body, headers=headers) as answer:
                    statuses.append(answer.status)
                if answer.status != 200:
                    break
                if not keep:
                    self.pending.remove(update)
        return statuses

    # ------------------------------------------------------------------ the server

    def app(self) -> web.Application:
        """The aiohttp application serving the API routes."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.on_shutdown.append(self._end_long_polls)
        return app

    async def _end_long_polls(self, _app: web.Application) -> None:
        self._closing = True
        self._wake_pollers()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self.calls.append(method)
        try:
            if self.token is not None and request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized: invalid access token")
            params = await _read_params(request)
            if method == "getUpdates":
                return await self._get_updates(request, params)
            return _ok(self._call(method, params))
        except ApiError as error:
            if error.code == 429:
                self.count_429 += 1
            return error.response()
        except _HtmlError as error:
            return web.Response(status=error.status, text=error.page, content_type="text/html")

    def _call(self, method: str, params: Mapping[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "account_name": "bot.NhacViec",
                "account_type": "BASIC",
                "can_join_groups": False,
            }
        if method == "setWebhook":
            return self._set_webhook(params)
        if method == "deleteWebhook":
            self.webhook = None
            return {"url": "", "updated_at": int(time.time() * 1000)}
        if method == "getWebhookInfo":
            if self.webhook is None:
                return {"url": "", "updated_at": 0}
            return {"url": self.webhook.url, "updated_at": self.webhook.updated_at}
        if method == "sendChatAction":
            chat_id = _required(params, "chat_id")
            action = _required(params, "action")
            if action not in ("typing", "upload_photo"):
                raise ApiError(400, "Bad Request: unknown action")
            self.actions.append((chat_id, action))
            return None
        if method in SEND_METHODS:
            return self._send(method, params)
        raise ApiError(404, f"Not Found: unknown method {method}")

    def _set_webhook(self, params: Mapping[str, Any]) -> dict[str, Any]:
        url = _required(params, "url")
        secret = _required(params, "secret_token")
        if not 8 <= len(secret) <= 256:
            raise ApiError(400, "Bad Request: secret_token must be 8-256 characters")
        self.webhook = Webhook(url, secret, int(time.time() * 1000))
        return {"url": url, "updated_at": self.webhook.updated_at}

    def _send(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        chat_id = _required(params, "chat_id")
        self._scripted_failure(chat_id)
        if method == "sendMessage":
            text = str(params.get("text") or "")
            if not 1 <= len(text) <= MAX_TEXT_LENGTH:
                raise ApiError(400, "Bad Request: text must be 1-2000 characters")
        else:
            photo = _required(params, "photo")
            caption = str(params.get("caption") or "")
            if len(caption) > MAX_TEXT_LENGTH:
                raise ApiError(400, "Bad Request: caption must be at most 2000 characters")
        self._quota()
        message_id, now = self._new_id(), time.time()
        if method == "sendMessage":
            self.messages.append(Sent(chat_id, message_id, text, now))
        else:
            self.photos.append(SentPhoto(chat_id, message_id, photo, caption, now))
        return {"message_id": message_id, "date": int(now * 1000)}

    def _scripted_failure(self, chat_id: str) -> None:
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: the user blocked the bot")
        failures = self._failures.get(chat_id)
        if failures:
            status = failures.pop(0)
            raise ApiError(status, "Internal Server Error")
        throttled = self._throttled.get(chat_id)
        if throttled:
            raise ApiError(429, "Too Many Requests: quota exceeded", throttled.pop(0))

    def _quota(self) -> None:
        if self.per_second is None:
            return
        now = self.clock()
        while self._sends and self._sends[0] <= now - 1.0:
            self._sends.popleft()
        if len(self._sends) >= self.per_second:
            raise ApiError(429, "Too Many Requests: quota exceeded")
        self._sends.append(now)

    async def _get_updates(
        self, request: web.Request, params: Mapping[str, Any]
    ) -> web.StreamResponse:
        if self._poll_failures:
            raise _HtmlError(self._poll_failures.pop(0))
        if self.webhook is not None:
            raise ApiError(
                WEBHOOK_CONFLICT, "Conflict: a webhook is set; call deleteWebhook to poll"
            )
        wait = min(_seconds(params.get("timeout"), default=30.0), self.poll_wait_cap)
        deadline = asyncio.get_running_loop().time() + wait
        while not self.pending and not self._closing:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                break
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await asyncio.wait_for(asyncio.shield(waiter), left)
            except TimeoutError:
                break
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        transport = request.transport
        gone = transport is None or transport.is_closing()
        if not self.pending or gone:
            # Nothing came, or the client left: an update is handed out only to a listener.
            self.count_408 += 1
            raise ApiError(408, "Request Timeout: no update")
        update = self.pending.popleft()
        self.handed_out.append(update)
        return _ok(update)

    def _wake_pollers(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    def _new_id(self) -> str:
        return f"{next(self._ids):020x}"


class _HtmlError(Exception):
    """An answer that is not the API's JSON, as a proxy in front of it sends."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status
        self.page = f"<html><body><h1>{status}</h1>nginx</body></html>"


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise ApiError(400, "Bad Request: invalid JSON body") from exc
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: invalid JSON body")
        params.update(body)
    else:
        params.update({key: str(value) for key, value in (await request.post()).items()})
    return params


def _required(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or str(value) == "":
        raise ApiError(400, f"Bad Request: {name} is required")
    return str(value)


def _seconds(value: Any, *, default: float) -> float:
    try:
        return max(float(value), 0.0)
    except (TypeError, ValueError):
        return default


@asynccontextmanager
async def running_fake_zalo(
    port: int = 0, host: str = "127.0.0.1", **options: Any
) -> AsyncIterator[FakeZalo]:
    """Serve a :class:`FakeZalo` built from ``options`` on ``host:port`` (0 picks a free
    port) for the duration of the block; ``fake.base_url`` is set once it listens."""
    fake = FakeZalo(**options)
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        fake.base_url = f"http://{bound_host}:{bound_port}"
        yield fake
    finally:
        await runner.cleanup()
