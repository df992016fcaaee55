"""The Telegram channel over real HTTP against the fake Bot API server."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.channels.telegram import TelegramChannel, build_keyboard
from handlers.messages import OutgoingFile
from scheduling.channel import (
    Button,
    Channel,
    MessageRef,
    OutgoingMessage,
    PermanentFailure,
    RetryAfter,
    TransientFailure,
    Unreachable,
)
from tests.fakes.telegram_server import FakeTelegram, FloodLimits, running_fake

TOKEN = "123456:TEST-token"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with running_fake(token=TOKEN) as server:
        yield server


@pytest.fixture
async def channel(fake: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    async with TelegramChannel(TOKEN, api_base=fake.base_url, timeout=5.0) as telegram:
        yield telegram


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_is_a_channel_named_telegram() -> None:
    telegram: Channel = TelegramChannel(TOKEN)
    assert telegram.name == "telegram"


async def test_text_and_buttons_arrive_as_sent(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    message = OutgoingMessage(
        text="Nhắc việc: báo cáo quý I trước 31/03/2026",
        buttons=(
            (Button("Xong", "done:41"), Button("Đạt 50%", "pct:41:50")),
            (Button("Vướng mắc", "stuck:41"),),
        ),
    )

    ref = await channel.send("1001", message)

    assert ref == MessageRef(chat_id="1001", message_id="1")
    [delivered] = fake.messages
    assert delivered.chat_id == 1001
    assert delivered.text == message.text
    assert delivered.reply_markup == {
        "inline_keyboard": [
            [
                {"text": "Xong", "callback_data": "done:41"},
                {"text": "Đạt 50%", "callback_data": "pct:41:50"},
            ],
            [{"text": "Vướng mắc", "callback_data": "stuck:41"}],
        ]
    }


async def test_texts_go_as_json_bodies_and_files_as_forms(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    await channel.send("42", OutgoingMessage("Đạt 80% — vướng kinh phí", ((Button("Xong", "d"),),)))
    await channel.send_file("42", OutgoingFile("bao-cao.xlsx", b"PK\x03\x04", "Báo cáo"))

    assert fake.bodies == [
        ("sendmessage", "application/json"),
        ("senddocument", "multipart/form-data"),
    ]
    assert fake.messages[0].text == "Đạt 80% — vướng kinh phí"
    assert fake.messages[0].reply_markup == {
        "inline_keyboard": [[{"text": "Xong", "callback_data": "d"}]]
    }


async def test_message_ids_increase_per_chat_and_replies_point_back(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    first = await channel.send("-2002", OutgoingMessage(text="một"))
    other_chat = await channel.send("1001", OutgoingMessage(text="khác"))
    second = await channel.send("-2002", OutgoingMessage(text="hai", reply_to=first.message_id))

    assert (first.message_id, second.message_id, other_chat.message_id) == ("1", "2", "1")
    assert second.chat_id == "-2002"
    assert fake.messages[-1].reply_to_message_id == 1
    assert fake.messages[-1].reply_markup is None


async def test_reply_to_a_deleted_message_still_sends(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    await channel.send("1001", OutgoingMessage(text="nhắc lại", reply_to="99"))

    assert fake.texts(1001) == ["nhắc lại"]


async def test_callback_data_over_64_bytes_is_refused_before_sending(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    too_long = "đ" * 33  # 66 bytes in UTF-8, 33 characters
    with pytest.raises(ValueError, match="64 bytes"):
        await channel.send("1001", OutgoingMessage("x", buttons=((Button("X", too_long),),)))
    assert fake.requests == 0


def test_keyboard_accepts_exactly_64_bytes_and_skips_empty_rows() -> None:
    markup = build_keyboard(((), (Button("A", "a" * 64),)))

    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [["a" * 64]]
    assert build_keyboard(()) is None


async def test_flood_answer_becomes_retry_after_with_servers_delay(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    fake.throttle(1001, retry_after=7)

    with pytest.raises(RetryAfter) as caught:
        await channel.send("1001", OutgoingMessage(text="quá nhanh"))

    assert caught.value.seconds == 7
    assert fake.count_429 == 1
    assert fake.messages == []


async def test_enforced_group_limit_answers_429_with_seconds_to_wait() -> None:
    limits = FloodLimits(group_per_minute=2)
    async with (
        running_fake(enforce_limits=True, limits=limits) as fake,
        TelegramChannel(TOKEN, api_base=fake.base_url) as telegram,
    ):
        for text in ("một", "hai"):
            await telegram.send("-3003", OutgoingMessage(text=text))
        with pytest.raises(RetryAfter) as caught:
            await telegram.send("-3003", OutgoingMessage(text="ba"))

    assert 55 <= caught.value.seconds <= 60
    assert fake.texts(-3003) == ["một", "hai"]
    assert fake.count_429 == 1


async def test_blocked_user_is_unreachable(fake: FakeTelegram, channel: TelegramChannel) -> None:
    fake.block(1001)

    with pytest.raises(Unreachable, match="blocked"):
        await channel.send("1001", OutgoingMessage(text="xin chào"))


async def test_chat_not_found_is_permanent(fake: FakeTelegram, channel: TelegramChannel) -> None:
    fake.forget(1001)

    with pytest.raises(PermanentFailure, match="chat not found"):
        await channel.send("1001", OutgoingMessage(text="xin chào"))


async def test_other_bad_requests_are_permanent(channel: TelegramChannel) -> None:
    with pytest.raises(PermanentFailure, match="too long"):
        await channel.send("1001", OutgoingMessage(text="x" * 5000))


async def test_server_error_is_transient_then_recovers(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    fake.fail(1001, times=1, status=500)

    with pytest.raises(TransientFailure):
        await channel.send("1001", OutgoingMessage(text="lần một"))
    ref = await channel.send("1001", OutgoingMessage(text="lần hai"))

    assert ref.message_id == "1"
    assert fake.texts(1001) == ["lần hai"]


async def test_bad_gateway_html_page_is_transient(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    fake.fail(1001, times=1, status=502)

    with pytest.raises(TransientFailure):
        await channel.send("1001", OutgoingMessage(text="xin chào"))


async def test_server_down_is_transient() -> None:
    base = f"http://127.0.0.1:{_free_port()}"
    async with TelegramChannel(TOKEN, api_base=base, timeout=2.0) as telegram:
        with pytest.raises(TransientFailure):
            await telegram.send("1001", OutgoingMessage(text="xin chào"))


async def test_slow_server_times_out_as_transient() -> None:
    async with (
        running_fake(latency=0.5) as fake,
        TelegramChannel(TOKEN, api_base=fake.base_url, timeout=0.1) as telegram,
    ):
        with pytest.raises(TransientFailure):
            await telegram.send("1001", OutgoingMessage(text="xin chào"))


async def test_username_comes_from_get_me(channel: TelegramChannel) -> None:
    assert await channel.username() == "nhacviec_test_bot"


async def test_wrong_token_is_transient_not_permanent(fake: FakeTelegram) -> None:
    async with TelegramChannel("999:WRONG", api_base=fake.base_url) as telegram:
        with pytest.raises(TransientFailure, match="Unauthorized"):
            await telegram.send("1001", OutgoingMessage(text="xin chào"))


async def test_fake_speaks_the_bot_api_json_to_any_client(fake: FakeTelegram) -> None:
    async with aiohttp.ClientSession(base_url=fake.base_url) as http:
        me = await (await http.get(f"/bot{TOKEN}/getMe")).json()
        sent = await http.post(
            f"/bot{TOKEN}/sendMessage",
            json={"chat_id": -500, "text": "họp chi bộ", "reply_markup": {"inline_keyboard": []}},
        )
        body = await sent.json()
        fake.throttle(-500, retry_after=3)
        refused = await http.post(f"/bot{TOKEN}/sendMessage", data={"chat_id": "-500", "text": "x"})

    assert me == {
        "ok": True,
        "result": {
            "id": 123456,
            "is_bot": True,
            "first_name": "Nhắc Việc",
            "username": "nhacviec_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        },
    }
    assert sent.status == 200
    assert body["result"]["message_id"] == 1
    assert body["result"]["chat"] == {"id": -500, "type": "group", "title": "Group -500"}
    assert body["result"]["text"] == "họp chi bộ"
    assert refused.status == 429
    assert await refused.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }


def test_fake_private_chat_limit_allows_a_short_burst_then_one_a_second() -> None:
    limits = FloodLimits(private_burst=3)

    waits = [limits.check(7, now=0.0) for _ in range(4)]

    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(1.0)
    assert limits.check(7, now=1.0) == 0.0
    assert limits.check(7, now=1.5) == pytest.approx(0.5)


def test_fake_global_limit_is_thirty_in_any_second() -> None:
    limits = FloodLimits()

    waits = [limits.check(chat, now=0.5) for chat in range(31)]

    assert waits[:30] == [0.0] * 30
    assert waits[30] == pytest.approx(1.0)
    assert limits.check(99, now=1.5) == 0.0


async def test_a_wrong_token_is_refused_at_start(fake: FakeTelegram) -> None:
    async with TelegramChannel("999:WRONG", api_base=fake.base_url) as telegram:
        with pytest.raises(PermanentFailure, match="token was refused"):
            await telegram.username()
