"""The Zalo client and channel over real HTTP against the fake Zalo server: what is
sent, how long texts are split, and how every failure maps to a delivery error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.channels.patient import MAX_ANSWER_WAIT, PatientPlatform
from bot.channels.zalo import (
    DEFAULT_RETRY_AFTER,
    PicturePublisher,
    ZaloChannel,
    delivery_error,
)
from bot.channels.zalo_api import (
    IMAGE_EVENT,
    STICKER_EVENT,
    TEXT_EVENT,
    ZaloApi,
    ZaloApiError,
    ZaloMessage,
    read_update,
)
from bot.channels.zalo_receiving import incoming_message
from handlers.messages import Incoming, IncomingFile, OutgoingFile
from handlers.platform import Platform
from scheduling.channel import (
    Button,
    MessageRef,
    OutgoingMessage,
    PermanentFailure,
    RetryAfter,
    TransientFailure,
    Unreachable,
)
from scheduling.clock import FakeClock
from tests.fakes.zalo_server import FakeZalo, running_fake_zalo, zalo_id

TOKEN = "1459232241454765289:zalo-TEST-token"
NOW = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
CHAT = zalo_id(0xE4EA2CD5)


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with running_fake_zalo(token=TOKEN) as server:
        yield server


def channel(fake: FakeZalo, clock: FakeClock | None = None) -> ZaloChannel:
    return ZaloChannel(TOKEN, api_base=fake.base_url, timeout=5.0, clock=clock or FakeClock(NOW))


# ------------------------------------------------------------------ updates


MESSAGE = {
    "from": {"id": "6ede9afa66b88fe6d6a9", "display_name": "Lò Văn Sáng", "is_bot": False},
    "chat": {"id": "6ede9afa66b88fe6d6a9", "chat_type": "PRIVATE"},
    "text": "đạt 80%",
    "message_id": "2d758cb5e222177a4e35",
    "date": 1766619597466,
}


def test_a_bare_and_a_wrapped_update_read_the_same() -> None:
    bare = {"event_name": TEXT_EVENT, "message": MESSAGE}
    wrapped = {"ok": True, "result": bare}

    assert read_update(bare) == read_update(wrapped)
    assert read_update(bare) == ZaloMessage(
        event_name=TEXT_EVENT,
        message_id="2d758cb5e222177a4e35",
        chat_id="6ede9afa66b88fe6d6a9",
        chat_type="PRIVATE",
        user_id="6ede9afa66b88fe6d6a9",
        display_name="Lò Văn Sáng",
        text="đạt 80%",
        date=1766619597466,
    )


def test_an_update_without_event_name_but_with_text_is_text_and_other_names_count() -> None:
    sender = {"id": 42, "first_name": "Nguyễn Văn A"}
    message = read_update({"message": {**MESSAGE, "from": sender, "message_id": 7}})

    assert message is not None
    assert message.is_text
    assert (message.user_id, message.message_id, message.display_name) == (
        "42",
        "7",
        "Nguyễn Văn A",
    )


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"event_name": TEXT_EVENT, "message": "xin chào"},
        {"event_name": TEXT_EVENT, "message": {**MESSAGE, "chat": None}},
        {"event_name": TEXT_EVENT, "message": {**MESSAGE, "message_id": ""}},
        {"ok": False, "result": {}},
    ],
)
def test_a_malformed_update_is_refused(body: object) -> None:
    with pytest.raises(ValueError):
        read_update(body)


def test_an_update_without_a_message_is_nothing() -> None:
    assert read_update({"event_name": "bot.added"}) is None


def test_a_text_message_becomes_an_incoming_of_the_zalo_channel() -> None:
    message = read_update({"event_name": TEXT_EVENT, "message": MESSAGE})
    assert message is not None

    assert incoming_message(message, NOW) == Incoming(
        channel="zalo",
        chat_id="6ede9afa66b88fe6d6a9",
        user_id="6ede9afa66b88fe6d6a9",
        display_name="Lò Văn Sáng",
        message_id="2d758cb5e222177a4e35",
        received_at=NOW,
        text="đạt 80%",
    )


def test_messages_that_are_not_text_keep_what_they_carry_as_raw_text() -> None:
    image = {"photo": "https://f.zalo.me/anh.jpg", "caption": "biên bản", "text": ""}
    cases = {
        IMAGE_EVENT: (image, "[image] https://f.zalo.me/anh.jpg biên bản"),
        STICKER_EVENT: ({"sticker": "0e078a2f", "text": ""}, "[sticker] 0e078a2f"),
        "message.unsupported.received": ({"text": ""}, "[unsupported]"),
    }
    for event, (fields, raw) in cases.items():
        message = read_update({"event_name": event, "message": {**MESSAGE, **fields}})
        assert message is not None and not message.is_text
        assert incoming_message(message, NOW).text == raw


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ZaloApiError(429, "quota"), RetryAfter),
        (ZaloApiError(403, "blocked"), Unreachable),
        (ZaloApiError(400, "bad"), PermanentFailure),
        (ZaloApiError(404, "no chat"), PermanentFailure),
        (ZaloApiError(401, "token"), TransientFailure),
        (ZaloApiError(408, "timeout"), TransientFailure),
        (ZaloApiError(502, "unreadable"), TransientFailure),
        (ZaloApiError(-201, "unknown code"), TransientFailure),
        (TimeoutError(), TransientFailure),
    ],
)
def test_every_failure_maps_to_a_delivery_error(error: Exception, expected: type) -> None:
    assert type(delivery_error(error)) is expected


def test_a_429_pauses_as_told_or_by_default() -> None:
    told = delivery_error(ZaloApiError(429, "quota", retry_after=7))
    untold = delivery_error(ZaloApiError(429, "quota"))

    assert isinstance(told, RetryAfter) and told.seconds == 7
    assert isinstance(untold, RetryAfter) and untold.seconds == DEFAULT_RETRY_AFTER


async def test_answers_of_the_api_become_results_or_errors(fake: FakeZalo) -> None:
    async with ZaloApi(TOKEN, api_base=fake.base_url, timeout=5.0) as api:
        me = await api.get_me()
        assert await api.get_updates(0) == []
        fake.throttle(CHAT, retry_after=3)
        with pytest.raises(ZaloApiError) as throttled:
            await api.send_message(CHAT, "x")
        with pytest.raises(ZaloApiError) as empty:
            await api.send_message(CHAT, "")
        fake.fail_polls(1)
        with pytest.raises(ZaloApiError) as html:
            await api.get_updates(0)
        assert "TOKEN" not in repr(api) and TOKEN not in repr(api)
    async with ZaloApi("wrong:token", api_base=fake.base_url, timeout=5.0) as stranger:
        with pytest.raises(ZaloApiError) as unauthorized:
            await stranger.get_me()

    assert me["account_name"] == "bot.NhacViec"
    assert fake.count_408 == 1
    assert (throttled.value.code, throttled.value.retry_after) == (429, 3.0)
    assert empty.value.code == 400
    assert html.value.code == 502
    assert unauthorized.value.code == 401


# ------------------------------------------------------------------ the channel


def test_zalo_channel_is_a_platform_without_buttons() -> None:
    platform: Platform = ZaloChannel(TOKEN)
    assert platform.name == "zalo"
    assert not platform.supports_buttons
    assert platform.max_text_length == 2000


async def test_send_photo_typing_and_a_short_text(fake: FakeZalo) -> None:
    async with channel(fake) as zalo:
        sent = await zalo.send(
            CHAT, OutgoingMessage("Nhắc việc", ((Button("Xong", "r:1:done"),),), reply_to="9")
        )
        photo = await zalo.send_photo(CHAT, "https://example.vn/bieudo.png", "Tình hình tuần")
        await zalo.typing(CHAT)
        assert await zalo.account() == "bot.NhacViec"

    assert fake.texts(CHAT) == ["Nhắc việc"]
    assert sent == MessageRef(CHAT, fake.messages[0].message_id)
    [picture] = fake.photos
    assert (picture.photo, picture.caption) == ("https://example.vn/bieudo.png", "Tình hình tuần")
    assert photo == MessageRef(CHAT, picture.message_id)
    assert fake.actions == [(CHAT, "typing")]


async def test_a_chart_goes_as_a_photo_only_when_pictures_are_published(
    fake: FakeZalo, tmp_path: Path
) -> None:
    chart = OutgoingFile("tinh-hinh.png", b"\x89PNG chart", "Tình hình tuần", picture=True)
    publisher = PicturePublisher(tmp_path / "charts", "https://bot.example.vn/charts/")
    async with channel(fake) as unpublished:
        with pytest.raises(PermanentFailure):
            await unpublished.send_file(CHAT, chart)
    async with ZaloChannel(
        TOKEN, api_base=fake.base_url, timeout=5.0, clock=FakeClock(NOW), pictures=publisher
    ) as zalo:
        sent = await zalo.send_file(CHAT, chart)
        with pytest.raises(PermanentFailure):
            await zalo.send_file(CHAT, OutgoingFile("tinh-hinh.xlsx", b"xlsx"))

    [photo] = fake.photos
    assert photo.caption == "Tình hình tuần"
    assert photo.photo.startswith("https://bot.example.vn/charts/")
    [written] = (tmp_path / "charts").iterdir()
    assert photo.photo.endswith("/" + written.name) and written.suffix == ".png"
    assert written.read_bytes() == b"\x89PNG chart"
    assert sent == MessageRef(CHAT, photo.message_id)


async def test_files_downloads_and_edits_are_what_zalo_cannot_do(fake: FakeZalo) -> None:
    async with channel(fake) as zalo:
        with pytest.raises(PermanentFailure):
            await zalo.send_file(CHAT, OutgoingFile("tinh-hinh.xlsx", b"xlsx"))
        with pytest.raises(PermanentFailure):
            await zalo.download(IncomingFile("F1", "a.docx"))
        await zalo.edit(MessageRef(CHAT, "1"), OutgoingMessage("Đã ghi nhận"))
        with pytest.raises(ValueError):
            await zalo.send_photo(CHAT, "https://example.vn/a.png", "x" * 2001)

    assert fake.texts(CHAT) == ["Đã ghi nhận"]


async def test_a_long_text_goes_as_several_messages_and_the_first_is_the_reference(
    fake: FakeZalo,
) -> None:
    lines = [f"Dòng {n}: " + " ".join(["nội dung nhiệm vụ"] * 8) for n in range(40)]
    text = "\n".join(lines)
    assert 3 * 2000 < len(text) < 4 * 1900

    async with channel(fake) as zalo:
        ref = await zalo.send(CHAT, OutgoingMessage(text))

    parts = fake.texts(CHAT)
    assert len(parts) == 4
    assert all(len(part) <= 2000 for part in parts)
    assert "\n".join(parts) == text
    assert all(part.splitlines()[0].startswith("Dòng") for part in parts)
    assert ref == MessageRef(CHAT, fake.messages[0].message_id)


async def test_a_later_part_waits_out_the_quota_and_a_first_part_refused_raises(
    fake: FakeZalo,
) -> None:
    text = "\n".join(["a" * 1500, "b" * 1500])
    clock = FakeClock(NOW)
    async with channel(fake, clock) as zalo:
        fake.throttle(CHAT, times=1)
        with pytest.raises(RetryAfter):
            await zalo.send(CHAT, OutgoingMessage(text))
        assert fake.messages == []

        original = zalo.api.send_message
        calls = 0

        async def second_part_throttled(chat_id: str, part: str) -> object:
            nonlocal calls
            calls += 1
            if calls == 2:
                fake.throttle(CHAT, times=1, retry_after=4)
            return await original(chat_id, part)

        zalo.api.send_message = second_part_throttled  # type: ignore[method-assign, assignment]
        ref = await zalo.send(CHAT, OutgoingMessage(text))

    assert fake.texts(CHAT) == ["a" * 1500, "b" * 1500]
    assert ref.message_id == fake.messages[0].message_id
    assert clock.slept == [4.0]


async def test_a_later_part_that_cannot_go_is_logged_not_raised(
    fake: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    text = "\n".join(["a" * 1500, "b" * 1500])
    async with channel(fake) as zalo:
        original = zalo.api.send_message
        calls = 0

        async def second_part_blocked(chat_id: str, part: str) -> object:
            nonlocal calls
            calls += 1
            if calls == 2:
                fake.block(CHAT)
            return await original(chat_id, part)

        zalo.api.send_message = second_part_blocked  # type: ignore[method-assign, assignment]
        ref = await zalo.send(CHAT, OutgoingMessage(text))

    assert fake.texts(CHAT) == ["a" * 1500]
    assert ref.message_id == fake.messages[0].message_id
    assert "part 2 of 2" in caplog.text


async def test_an_answer_over_quota_waits_and_arrives(fake: FakeZalo) -> None:
    clock = FakeClock(NOW)
    async with channel(fake, clock) as zalo:
        patient = PatientPlatform(zalo, clock)
        fake.throttle(CHAT, times=2)
        await patient.send(CHAT, OutgoingMessage("Đã ghi nhận"))
        fake.throttle(CHAT, times=1, retry_after=int(MAX_ANSWER_WAIT) + 1)
        with pytest.raises(RetryAfter):
            await patient.send(CHAT, OutgoingMessage("quá lâu"))

    assert fake.texts(CHAT) == ["Đã ghi nhận"]
    assert clock.slept == [DEFAULT_RETRY_AFTER, DEFAULT_RETRY_AFTER]
    assert fake.count_429 == 3


async def test_sending_to_a_person_who_blocked_the_bot_is_unreachable(fake: FakeZalo) -> None:
    fake.block(CHAT)
    fake.fail(zalo_id(2), status=500)
    async with channel(fake) as zalo:
        with pytest.raises(Unreachable):
            await zalo.send(CHAT, OutgoingMessage("x"))
        with pytest.raises(TransientFailure):
            await zalo.send(zalo_id(2), OutgoingMessage("x"))
