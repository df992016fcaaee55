"""Zalo in over real HTTP: ``run_bot`` long polling the fake Zalo server or serving its
webhook, the conversation and the database."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.app import run_bot
from bot.channels import polling
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_receiving import ONLY_TEXT, SECRET_HEADER, receiving_updates
from bot.config import Settings
from bot.i18n import translator
from handlers.conversation import Conversation
from handlers.messages import Incoming
from handlers.router import EVERYONE, Router
from handlers.turn import Turn
from scheduling.clock import FakeClock
from scheduling.jobs import JobIntervals
from storage.db import Database, open_database
from storage.models import Report
from tests.fakes.zalo_server import FakeZalo, Webhook, running_fake_zalo, zalo_id
from tests.handlers.test_conversation import deps

TOKEN = "1459232241454765289:zalo-TEST-token"
NOW = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
FAST = JobIntervals(dispatch=0.2, reap=30.0, plan=3600.0)
PERSON = zalo_id(0x5001)
SECRET = "zalo-s3cret_Token"


def echo_router() -> Router:
    """Answers everyone: ``/ping`` and free text."""
    router = Router("echo")

    @router.command("ping", roles=EVERYONE)
    async def ping(turn: Turn) -> None:
        turn.report.parsed = {"ping": turn.incoming.arguments}
        turn.say(f"pong {turn.incoming.arguments}".strip())

    @router.text(roles=EVERYONE)
    async def echo(turn: Turn) -> bool:
        turn.say(f"echo {turn.incoming.text}")
        return True

    return router


async def eventually(
    condition: Callable[[], bool], bot: asyncio.Task[Any] | None = None, timeout: float = 15.0
) -> None:
    """Wait until ``condition()`` holds; fail at once if the bot stopped on an error."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if bot is not None and bot.done():
            bot.result()
            pytest.fail("the bot stopped")
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail("timed out")
        await asyncio.sleep(0.02)


@asynccontextmanager
async def running_bot(
    settings: Settings,
    fake: FakeZalo,
    *,
    routers: Sequence[Router] | None = None,
    **overrides: Any,
) -> AsyncIterator[asyncio.Task[None]]:
    """``run_bot`` on Zalo only, against the fake, until the block ends."""
    configured = settings.model_copy(
        update={"zalo_bot_token": SecretStr(TOKEN), "zalo_api_base": fake.base_url, **overrides}
    )
    stop = asyncio.Event()
    bot = asyncio.create_task(
        run_bot(configured, stop=stop, clock=FakeClock(NOW), routers=routers, intervals=FAST)
    )
    try:
        yield bot
    finally:
        stop.set()
        await asyncio.wait_for(bot, 30)


async def reports(settings: Settings) -> list[Report]:
    async with open_database(settings) as database, database.sessions() as session:
        return list((await session.scalars(select(Report).order_by(Report.id))).all())


async def count_reports(settings: Settings) -> int:
    async with open_database(settings) as database, database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Report)) or 0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def webhook_settings(port: int, **extra: Any) -> dict[str, Any]:
    return {
        "zalo_webhook_url": f"http://127.0.0.1:{port}/zalo/hook",
        "zalo_webhook_listen": f"127.0.0.1:{port}",
        **extra,
    }


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with running_fake_zalo(token=TOKEN, poll_wait_cap=0.2) as server:
        yield server


# ------------------------------------------------------------------ long polling


async def test_a_message_is_stored_and_answered_over_long_polling(
    settings: Settings, fake: FakeZalo
) -> None:
    async with running_bot(settings, fake, routers=[echo_router()]) as bot:
        update = fake.push_text(PERSON, "/ping 1")
        await eventually(lambda: bool(fake.texts(PERSON)), bot)

    assert fake.texts(PERSON) == ["pong 1"]
    [report] = await reports(settings)
    assert (report.channel, report.chat_id, report.user_id) == ("zalo", PERSON, PERSON)
    assert report.message_id == update["message"]["message_id"]
    assert (report.raw_text, report.parsed) == ("/ping 1", {"ping": "1"})
    assert report.received_at == NOW
    # The webhook was removed before the first poll, so that polling works.
    assert fake.calls.index("deleteWebhook") < fake.calls.index("getUpdates")


async def test_polling_removes_a_webhook_left_by_an_earlier_run(
    settings: Settings, fake: FakeZalo
) -> None:
    fake.webhook = Webhook("https://old.example.vn/zalo", "old-secret", 0)
    async with running_bot(settings, fake, routers=[echo_router()]) as bot:
        fake.push_text(PERSON, "xin chào")
        await eventually(lambda: bool(fake.texts(PERSON)), bot)

    assert fake.webhook is None
    assert fake.texts(PERSON) == ["echo xin chào"]


async def test_a_poll_that_brings_nothing_polls_again_at_once(
    settings: Settings, fake: FakeZalo
) -> None:
    fake.poll_wait_cap = 0.0
    async with running_bot(settings, fake, routers=[echo_router()]) as bot:
        await eventually(lambda: fake.count_408 >= 20, bot, timeout=5.0)
        fake.push_text(PERSON, "có ai không")
        await eventually(lambda: bool(fake.texts(PERSON)), bot)

    assert fake.texts(PERSON) == ["echo có ai không"]


async def test_failed_polls_back_off_then_polling_goes_on(
    settings: Settings, fake: FakeZalo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polling, "POLL_BACKOFF", (0.05, 0.1))
    fake.fail_polls(3, status=502)
    fake.push_text(PERSON, "vẫn nhận được")
    async with running_bot(settings, fake, routers=[echo_router()]) as bot:
        await eventually(lambda: bool(fake.texts(PERSON)), bot)

    assert fake.texts(PERSON) == ["echo vẫn nhận được"]
    assert fake.calls.count("getUpdates") >= 4


async def test_a_message_delivered_twice_is_stored_and_answered_once(
    settings: Settings, fake: FakeZalo
) -> None:
    async with running_bot(settings, fake, routers=[echo_router()]) as bot:
        first = fake.push_text(PERSON, "xong")
        fake.push_update(first)
        fake.push_text(PERSON, "/ping")
        await eventually(lambda: len(fake.texts(PERSON)) == 2, bot)
        await eventually(lambda: not fake.pending, bot)

    assert fake.texts(PERSON) == ["echo xong", "pong"]
    assert await count_reports(settings) == 2


async def test_images_stickers_and_other_messages_are_stored_and_answered_politely(
    settings: Settings, fake: FakeZalo
) -> None:
    only_text = translator("vi").gettext(ONLY_TEXT)
    async with running_bot(settings, fake, routers=[echo_router()]) as bot:
        fake.push_event(
            PERSON, "message.image.received", photo="https://f.zalo.me/a.jpg", caption="ảnh"
        )
        fake.push_event(PERSON, "message.sticker.received", sticker="0e078a2fb66a")
        fake.push_event(PERSON, "message.unsupported.received")
        fake.push_text(PERSON, "xong")
        await eventually(lambda: len(fake.texts(PERSON)) == 4, bot)

    assert only_text.startswith("Tôi chỉ đọc được tin nhắn chữ")
    assert sorted(fake.texts(PERSON)) == sorted([only_text] * 3 + ["echo xong"])
    assert [r.raw_text for r in await reports(settings)] == [
        "[image] https://f.zalo.me/a.jpg ảnh",
        "[sticker] 0e078a2fb66a",
        "[unsupported]",
        "xong",
    ]


async def test_stopping_abandons_the_poll_under_way(settings: Settings, fake: FakeZalo) -> None:
    fake.poll_wait_cap = 30.0
    loop = asyncio.get_running_loop()
    async with running_bot(settings, fake, routers=[echo_router()]) as bot:
        await eventually(lambda: "getUpdates" in fake.calls, bot)
        await asyncio.sleep(0.1)
        stopping = loop.time()

    assert loop.time() - stopping < 5.0
    assert fake.handed_out == []


class FlakyConversation(Conversation):
    """Fails to store the first time, as when the database is briefly locked."""

    failures = 1

    async def store(self, incomings: Sequence[Incoming]) -> list[int | None]:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("database is locked")
        return await super().store(incomings)


async def test_a_message_that_could_not_be_stored_is_stored_on_a_retry(
    database: Database, fake: FakeZalo
) -> None:
    conversation = FlakyConversation(deps(database), [echo_router()])
    async with (
        ZaloChannel(TOKEN, api_base=fake.base_url, timeout=5.0) as zalo,
        conversation.intake.running(),
        receiving_updates(zalo, conversation, clock=FakeClock(NOW), retry_delays=(0.01,)),
    ):
        fake.push_text(PERSON, "xong")
        await eventually(lambda: bool(fake.texts(PERSON)))

    assert fake.texts(PERSON) == ["echo xong"]
    assert conversation.failures == 0


# ------------------------------------------------------------------ the webhook


async def test_the_webhook_refuses_requests_without_the_right_secret(
    settings: Settings, fake: FakeZalo
) -> None:
    port = free_port()
    overrides = webhook_settings(port, zalo_webhook_secret=SecretStr(SECRET))
    async with running_bot(settings, fake, routers=[echo_router()], **overrides) as bot:
        await eventually(lambda: fake.webhook is not None, bot)
        update = fake.push_text(PERSON, "/ping gửi lén")
        url = f"http://127.0.0.1:{port}/zalo/hook"
        async with aiohttp.ClientSession() as http:
            missing = await http.post(url, json=update)
            wrong = await http.post(url, json=update, headers={SECRET_HEADER: "guess-guess"})
            longer = await http.post(url, json=update, headers={SECRET_HEADER: SECRET + "x"})
        refused_reports = await count_reports(settings)
        statuses = await fake.deliver_webhook()
        await eventually(lambda: bool(fake.texts(PERSON)), bot)

    assert (missing.status, wrong.status, longer.status) == (401, 403, 403)
    assert refused_reports == 0
    assert fake.webhook is not None
    assert (fake.webhook.url, fake.webhook.secret_token) == (url, SECRET)
    assert statuses == [200]
    assert fake.texts(PERSON) == ["pong gửi lén"]
    assert await count_reports(settings) == 1
    assert "getUpdates" not in fake.calls


async def test_bare_and_wrapped_deliveries_are_accepted_and_a_repeat_is_stored_once(
    settings: Settings, fake: FakeZalo
) -> None:
    port = free_port()
    async with running_bot(
        settings, fake, routers=[echo_router()], **webhook_settings(port)
    ) as bot:
        await eventually(lambda: fake.webhook is not None, bot)
        fake.push_text(PERSON, "bare")
        bare = await fake.deliver_webhook()
        fake.push_text(PERSON, "wrapped")
        wrapped = await fake.deliver_webhook(wrapped=True, keep=True)
        again = await fake.deliver_webhook(wrapped=False)
        await eventually(lambda: len(fake.texts(PERSON)) == 2, bot)

    assert (bare, wrapped, again) == ([200], [200], [200])
    assert fake.texts(PERSON) == ["echo bare", "echo wrapped"]
    assert [r.raw_text for r in await reports(settings)] == ["bare", "wrapped"]


async def test_without_a_configured_secret_the_webhook_gets_a_random_one(
    settings: Settings, fake: FakeZalo
) -> None:
    port = free_port()
    async with running_bot(
        settings, fake, routers=[echo_router()], **webhook_settings(port)
    ) as bot:
        await eventually(lambda: fake.webhook is not None, bot)

    assert fake.webhook is not None
    assert len(fake.webhook.secret_token) >= 32


async def test_a_body_that_is_not_an_update_is_refused(settings: Settings, fake: FakeZalo) -> None:
    port = free_port()
    overrides = webhook_settings(port, zalo_webhook_secret=SecretStr(SECRET))
    url = f"http://127.0.0.1:{port}/zalo/hook"
    async with running_bot(settings, fake, routers=[echo_router()], **overrides) as bot:
        await eventually(lambda: fake.webhook is not None, bot)
        async with aiohttp.ClientSession() as http:
            headers = {SECRET_HEADER: SECRET}
            not_json = await http.post(url, data=b"{not json", headers=headers)
            no_chat = await http.post(
                url,
                json={"event_name": "message.text.received", "message": {"text": "x"}},
                headers=headers,
            )
            no_message = await http.post(url, json={"event_name": "bot.added"}, headers=headers)

    assert (not_json.status, no_chat.status, no_message.status) == (400, 400, 200)
    assert await count_reports(settings) == 0
