"""Telegram in and out over real HTTP: the fake Bot API, ``run_bot`` polling or serving
its webhook, the conversation and the database."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiogram.types import CallbackQuery, Message
from pydantic import SecretStr
from sqlalchemy import func, select

from bench import ingest
from bot.app import NestedWriteError, SerialWrites, open_bot_database, run_bot
from bot.channels.patient import MAX_ANSWER_WAIT, PatientPlatform
from bot.channels.telegram import (
    TelegramChannel,
    build_dispatcher,
    callback_query_id,
    incoming_message,
    incoming_press,
    poll_updates,
)
from bot.config import Settings
from bot.i18n import translator
from handlers.conversation import Conversation
from handlers.invites import create_invite
from handlers.messages import Incoming, IncomingFile, OutgoingFile
from handlers.platform import Platform
from handlers.router import EVERYONE, Router
from handlers.turn import Turn
from plans.units import unit_key
from scheduling.channel import Button, MessageRef, OutgoingMessage, PermanentFailure, RetryAfter
from scheduling.clock import FakeClock
from scheduling.jobs import JobIntervals
from storage.db import Database, open_database
from storage.models import Assignment, Contact, Plan, PlanStatus, Report, Unit
from tests.fakes.telegram_server import FakeTelegram, Webhook, running_fake, user_message
from tests.handlers.test_conversation import deps
from tests.scheduling.fakes import make_assignment

TOKEN = "123456:TEST-token"
NOW = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # Tuesday 09:30 in Hà Nội
FAST = JobIntervals(dispatch=0.2, reap=30.0, plan=3600.0)
SECRETARY = 5001
OFFICE = 9000


# ----------------------------------------------------------------------------- helpers


def echo_router(downloads: list[bytes]) -> Router:
    """A router answering everyone: /ping, a "tap:" button, files and free text."""
    router = Router("echo")

    @router.command("ping", roles=EVERYONE)
    async def ping(turn: Turn) -> None:
        turn.report.parsed = {"ping": turn.incoming.arguments}
        turn.say(f"pong {turn.incoming.arguments}", [[Button("Bấm", "tap:1")]])

    @router.button("tap", roles=EVERYONE)
    async def tap(turn: Turn) -> None:
        turn.report.parsed = {"tapped": turn.incoming.reply_to}
        turn.acknowledge("đã bấm")

    @router.file(roles=EVERYONE)
    async def upload(turn: Turn) -> None:
        assert turn.incoming.file is not None
        data = await turn.platform.download(turn.incoming.file)
        downloads.append(data)
        turn.say(f"nhận {turn.incoming.file.name}: {len(data)} byte")

    @router.text(roles=EVERYONE)
    async def echo(turn: Turn) -> bool:
        turn.say(f"echo {turn.incoming.text}")
        return True

    return router


async def eventually(
    condition: Callable[[], bool], bot: asyncio.Task[None] | None = None, timeout: float = 15.0
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
    fake: FakeTelegram,
    *,
    routers: Sequence[Router] | None = None,
    **overrides: Any,
) -> AsyncIterator[asyncio.Task[None]]:
    """``run_bot`` against the fake, on the test database, until the block ends."""
    configured = settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(TOKEN),
            "telegram_api_base": fake.base_url,
            **overrides,
        }
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


async def count_reports(settings: Settings) -> int:
    async with open_database(settings) as database, database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Report)) or 0)


async def reports(settings: Settings) -> list[Report]:
    async with open_database(settings) as database, database.sessions() as session:
        return list((await session.scalars(select(Report).order_by(Report.id))).all())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with running_fake(token=TOKEN) as server:
        yield server


# ------------------------------------------------------------- updates → Incoming


def test_a_message_becomes_an_incoming_with_its_reply_group_and_language() -> None:
    replied = {"message_id": 7, "chat": {"id": -100, "type": "group", "title": "G"}, "date": 0}
    raw = user_message(-100, 42, 8, "đạt 80%", reply_to_message=replied, language_code="en")
    message = Message.model_validate(raw)

    incoming = incoming_message(message, NOW)

    assert incoming == Incoming(
        channel="telegram",
        chat_id="-100",
        user_id="42",
        display_name="Nguyễn Văn A",
        message_id="8",
        received_at=NOW,
        chat_is_group=True,
        text="đạt 80%",
        reply_to="7",
        language="en",
    )


def test_a_document_becomes_an_incoming_file_with_its_caption() -> None:
    fake = FakeTelegram()
    stored = fake.add_file("F1", "kehoach.docx", b"PK\x03\x04 plan")
    message = Message.model_validate(user_message(42, 42, 1, "kế hoạch mới", document=stored))

    incoming = incoming_message(message, NOW)

    assert incoming is not None
    assert incoming.file == IncomingFile("F1", "kehoach.docx", len(b"PK\x03\x04 plan"))
    assert incoming.text == "kế hoạch mới"
    assert not incoming.chat_is_group


def test_service_messages_and_channel_posts_are_not_for_the_conversation() -> None:
    joined = Message.model_validate(
        {
            "message_id": 3,
            "date": 0,
            "chat": {"id": -100, "type": "group", "title": "G"},
            "from": {"id": 42, "is_bot": False, "first_name": "A"},
            "new_chat_members": [{"id": 43, "is_bot": False, "first_name": "B"}],
        }
    )
    post = Message.model_validate(
        {"message_id": 4, "date": 0, "chat": {"id": -200, "type": "channel"}, "text": "tin"}
    )

    assert incoming_message(joined, NOW) is None
    assert incoming_message(post, NOW) is None


def test_a_button_press_carries_its_query_id_and_the_message_it_sits_on() -> None:
    fake = FakeTelegram()
    update = fake.push_callback(42, 42, "r:12:done", 5)
    query = CallbackQuery.model_validate(update["callback_query"])

    incoming = incoming_press(query, NOW)

    assert incoming is not None
    assert incoming.button == "r:12:done"
    assert incoming.reply_to == "5"
    assert incoming.chat_id == "42"
    assert callback_query_id(incoming) == query.id
    assert incoming.message_id == f"cb:{query.id}"


def test_a_press_without_data_is_not_for_the_conversation() -> None:
    query = CallbackQuery.model_validate(
        {
            "id": "1",
            "from": {"id": 42, "is_bot": False, "first_name": "A"},
            "chat_instance": "x",
            "game_short_name": "g",
        }
    )
    assert incoming_press(query, NOW) is None


def test_telegram_channel_is_a_platform() -> None:
    platform: Platform = TelegramChannel(TOKEN)
    assert platform.supports_buttons
    assert platform.max_text_length == 4096


# ------------------------------------------------------------- the platform's calls


async def test_edit_send_file_and_download_through_the_fake(fake: FakeTelegram) -> None:
    fake.add_file("IN1", "bao-cao.txt", "Đã xong 80%".encode())
    async with TelegramChannel(TOKEN, api_base=fake.base_url, timeout=5.0) as telegram:
        sent = await telegram.send(
            "77", OutgoingMessage("Nhắc việc", ((Button("Xong", "r:1:done"),),))
        )
        await telegram.edit(sent, OutgoingMessage("Đã ghi nhận"))
        await telegram.edit(sent, OutgoingMessage("Đã ghi nhận"))  # unchanged: not an error
        document = await telegram.send_file("77", OutgoingFile("tinh-hinh.xlsx", b"xlsx!", "Q1"))
        await telegram.send_file("77", OutgoingFile("bieu-do.png", b"\x89PNG", picture=True))
        downloaded = await telegram.download(IncomingFile("IN1", "bao-cao.txt"))
        with pytest.raises(PermanentFailure):
            await telegram.download(IncomingFile("nope", "x.txt"))
        with pytest.raises(PermanentFailure, match="not found"):
            await telegram.edit(MessageRef("77", "999"), OutgoingMessage("x"))

    assert fake.texts(77) == ["Đã ghi nhận"]
    assert fake.messages[0].reply_markup is None
    assert len(fake.edits) == 1
    upload, photo = fake.sent_files
    assert (upload.chat_id, upload.name, upload.data, upload.caption, upload.kind) == (
        77,
        "tinh-hinh.xlsx",
        b"xlsx!",
        "Q1",
        "document",
    )
    assert (photo.kind, photo.data) == ("photo", b"\x89PNG")
    assert document == MessageRef("77", str(upload.message_id))
    assert downloaded == "Đã xong 80%".encode()


async def test_acknowledge_answers_the_callback_query_once(fake: FakeTelegram) -> None:
    update = fake.push_callback(42, 42, "tap:1", 1)
    query = CallbackQuery.model_validate(update["callback_query"])
    press = incoming_press(query, NOW)
    assert press is not None
    async with TelegramChannel(TOKEN, api_base=fake.base_url, timeout=5.0) as telegram:
        await telegram.acknowledge(press, "đã bấm")
        with pytest.raises(PermanentFailure, match="query is too old"):
            await telegram.acknowledge(press, "lần nữa")
        plain = incoming_message(Message.model_validate(user_message(42, 42, 9, "xin chào")), NOW)
        assert plain is not None
        await telegram.acknowledge(plain, "không có gì")  # not a button: nothing to answer

    assert [(a.callback_query_id, a.text) for a in fake.answered] == [(query.id, "đã bấm")]


async def test_an_answer_throttled_by_telegram_waits_and_arrives(fake: FakeTelegram) -> None:
    fake.throttle(77, retry_after=3)
    clock = FakeClock(NOW)
    async with TelegramChannel(TOKEN, api_base=fake.base_url, timeout=5.0) as telegram:
        patient = PatientPlatform(telegram, clock)
        await patient.send("77", OutgoingMessage("Đã ghi nhận"))
        fake.throttle(77, retry_after=int(MAX_ANSWER_WAIT) + 1)
        with pytest.raises(RetryAfter):
            await patient.send("77", OutgoingMessage("quá lâu"))

    assert fake.texts(77) == ["Đã ghi nhận"]
    assert clock.slept == [3.0]
    assert fake.count_429 == 2


# ------------------------------------------------------------- polling, end to end


async def test_a_message_is_stored_and_answered_over_long_polling(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with running_bot(settings, fake, routers=[echo_router([])]) as bot:
        fake.push_message(SECRETARY, SECRETARY, "/ping 1")
        await eventually(lambda: bool(fake.texts(SECRETARY)), bot)

    assert fake.texts(SECRETARY) == ["pong 1"]
    [report] = await reports(settings)
    assert (report.channel, report.chat_id, report.user_id) == ("telegram", "5001", "5001")
    assert (report.raw_text, report.parsed) == ("/ping 1", {"ping": "1"})
    assert report.received_at == NOW
    assert fake.webhook is None
    # Stopping confirmed the handled update: a new start would not receive it again.
    assert fake.confirmed == 2


async def test_polling_removes_a_webhook_left_by_an_earlier_run(
    settings: Settings, fake: FakeTelegram
) -> None:
    fake.webhook = Webhook("https://old.example.vn/hook", "old", None)
    async with running_bot(settings, fake, routers=[echo_router([])]) as bot:
        fake.push_message(SECRETARY, SECRETARY, "/ping lại")
        await eventually(lambda: bool(fake.texts(SECRETARY)), bot)

    assert fake.webhook is None
    assert fake.texts(SECRETARY) == ["pong lại"]


async def test_a_pressed_button_is_answered_with_its_note(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with running_bot(settings, fake, routers=[echo_router([])]) as bot:
        fake.push_message(SECRETARY, SECRETARY, "/ping")
        await eventually(lambda: bool(fake.messages), bot)
        fake.push_callback(SECRETARY, SECRETARY, "tap:1", fake.messages[0].message_id)
        await eventually(lambda: bool(fake.answered), bot)

    assert [a.text for a in fake.answered] == ["đã bấm"]
    pressed = (await reports(settings))[-1]
    assert pressed.raw_text == "[button] tap:1"
    assert pressed.message_id == f"cb:{fake.answered[0].callback_query_id}"
    assert pressed.parsed == {"tapped": str(fake.messages[0].message_id)}


async def test_an_uploaded_document_is_downloaded(settings: Settings, fake: FakeTelegram) -> None:
    data = "KẾ HOẠCH\n1. Tổ chức hội nghị".encode() * 50
    fake.add_file("DOC1", "kehoach.txt", data)
    downloads: list[bytes] = []
    async with running_bot(settings, fake, routers=[echo_router(downloads)]) as bot:
        fake.push_message(OFFICE, OFFICE, "kế hoạch", document="DOC1")
        await eventually(lambda: bool(fake.texts(OFFICE)), bot)

    assert downloads == [data]
    assert fake.texts(OFFICE) == [f"nhận kehoach.txt: {len(data)} byte"]
    [report] = await reports(settings)
    assert report.raw_text == "[file] kehoach.txt kế hoạch"


async def test_an_update_delivered_twice_is_stored_and_answered_once(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with running_bot(settings, fake, routers=[echo_router([])]) as bot:
        update = fake.push_message(SECRETARY, SECRETARY, "xong")
        fake.push_update({"message": update["message"]})
        fake.push_message(SECRETARY, SECRETARY, "/ping")
        await eventually(lambda: len(fake.texts(SECRETARY)) == 2, bot)

    assert fake.texts(SECRETARY) == ["echo xong", "pong"]
    assert await count_reports(settings) == 2


async def test_an_edited_message_is_read_again_as_the_correction(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with running_bot(settings, fake, routers=[echo_router([])]) as bot:
        update = fake.push_message(SECRETARY, SECRETARY, "đạt 50%")
        await eventually(lambda: len(fake.texts(SECRETARY)) == 1, bot)
        edited = {**update["message"], "text": "đạt 80%", "edit_date": 1_790_000_000}
        fake.push_update({"edited_message": edited})
        fake.push_update({"edited_message": edited})  # delivered twice: read once
        await eventually(lambda: len(fake.texts(SECRETARY)) == 2, bot)

    assert fake.texts(SECRETARY) == ["echo đạt 50%", "echo đạt 80%"]
    assert "edited_message" in (fake.allowed_updates or [])
    ids = [report.message_id for report in await reports(settings)]
    original = str(update["message"]["message_id"])
    assert ids == [original, f"{original}.1790000000"]


async def test_a_command_for_another_bot_in_a_group_is_stored_but_not_answered(
    settings: Settings, fake: FakeTelegram
) -> None:
    group = -4001
    async with running_bot(settings, fake, routers=[echo_router([])]) as bot:
        fake.push_message(group, SECRETARY, "/ping@other_bot một")
        fake.push_message(group, SECRETARY, "/ping@NhacViec_Test_Bot hai")
        await eventually(lambda: bool(fake.texts(group)), bot)
        fake.push_message(group, SECRETARY, "/ping ba")
        await eventually(lambda: len(fake.texts(group)) == 2, bot)

    assert fake.texts(group) == ["pong hai", "pong ba"]
    assert await count_reports(settings) == 3


async def test_messages_of_one_chat_are_handled_in_order(
    settings: Settings, fake: FakeTelegram
) -> None:
    async with running_bot(settings, fake, routers=[echo_router([])]) as bot:
        for n in range(8):
            fake.push_message(SECRETARY, SECRETARY, f"tin {n}")
            fake.push_message(SECRETARY + n + 1, SECRETARY + n + 1, "xin chào")
        await eventually(lambda: len(fake.messages) == 16, bot)

    assert fake.texts(SECRETARY) == [f"echo tin {n}" for n in range(8)]


class FlakyConversation(Conversation):
    """Fails the first time it is asked, as when the database is briefly unavailable."""

    failures = 1

    async def store(self, incomings: Sequence[Incoming]) -> list[int | None]:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("database is locked")
        return await super().store(incomings)


async def test_an_update_whose_handling_failed_is_received_again(
    database: Database, fake: FakeTelegram
) -> None:
    stop = asyncio.Event()
    async with TelegramChannel(TOKEN, api_base=fake.base_url, timeout=5.0) as telegram:
        conversation = FlakyConversation(deps(database), [echo_router([])])
        dispatcher = build_dispatcher(conversation, telegram, FakeClock(NOW))
        async with conversation.intake.running():
            polling = asyncio.create_task(poll_updates(dispatcher, telegram.bot, stop, timeout=1))
            fake.push_message(SECRETARY, SECRETARY, "xong")
            await eventually(lambda: bool(fake.texts(SECRETARY)), polling)
            stop.set()
            await polling

    assert fake.texts(SECRETARY) == ["echo xong"]
    assert conversation.failures == 0


# ------------------------------------------------------------- the webhook


async def test_the_webhook_refuses_requests_without_the_secret(
    settings: Settings, fake: FakeTelegram
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    overrides = {
        "telegram_webhook_url": url,
        "telegram_webhook_secret": SecretStr("s3cret-Token_1"),
        "telegram_webhook_listen": f"127.0.0.1:{port}",
    }
    async with running_bot(settings, fake, routers=[echo_router([])], **overrides) as bot:
        await eventually(lambda: fake.webhook is not None, bot)
        update = fake.push_message(SECRETARY, SECRETARY, "/ping gửi lén")
        async with aiohttp.ClientSession() as http:
            missing = await http.post(url, json=update)
            wrong = await http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
        refused_reports = await count_reports(settings)
        statuses = await fake.deliver_webhook()
        await eventually(lambda: bool(fake.texts(SECRETARY)), bot)

    assert (missing.status, wrong.status) == (401, 401)
    assert refused_reports == 0
    assert fake.webhook is not None
    assert (fake.webhook.url, fake.webhook.secret_token) == (url, "s3cret-Token_1")
    assert statuses == [200]
    assert fake.texts(SECRETARY) == ["pong gửi lén"]
    assert await count_reports(settings) == 1


async def test_without_a_configured_secret_the_webhook_gets_a_random_one(
    settings: Settings, fake: FakeTelegram
) -> None:
    port = free_port()
    overrides = {
        "telegram_webhook_url": f"http://127.0.0.1:{port}/",
        "telegram_webhook_listen": f"127.0.0.1:{port}",
    }
    async with running_bot(settings, fake, routers=[echo_router([])], **overrides) as bot:
        await eventually(lambda: fake.webhook is not None, bot)
        fake.push_message(SECRETARY, SECRETARY, "/ping")
        statuses = await fake.deliver_webhook()
        async with aiohttp.ClientSession() as http:
            unsigned = await http.post(f"http://127.0.0.1:{port}/", json=fake.updates[0])

    assert fake.webhook is not None
    assert len(fake.webhook.secret_token or "") >= 32
    assert statuses == [200]
    assert unsigned.status == 401


# ------------------------------------------------------------- the lifespan


async def test_write_transactions_queue_in_arrival_order(settings: Settings) -> None:
    order: list[str] = []

    async def write(database: Database, name: str, hold: float) -> None:
        async with database.transaction(write_lock=True) as session:
            order.append(f"{name} in")
            session.add(Unit(name=name, key=unit_key(name)))
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    async with open_bot_database(settings) as database:
        assert isinstance(database, SerialWrites)
        await asyncio.gather(*(write(database, f"Chi bộ {n}", 0.05) for n in range(3)))
        async with database.transaction() as session:
            units = (await session.scalars(select(Unit.name).order_by(Unit.id))).all()

    assert order == [f"Chi bộ {n} {step}" for n in range(3) for step in ("in", "out")]
    assert units == ["Chi bộ 0", "Chi bộ 1", "Chi bộ 2"]


async def test_a_write_inside_a_write_of_the_same_task_is_refused(settings: Settings) -> None:
    async with open_bot_database(settings) as database:
        async with database.transaction(write_lock=True):
            with pytest.raises(NestedWriteError):
                async with database.transaction(write_lock=True):
                    pass
        async with database.transaction(write_lock=True) as session:
            assert await session.scalar(select(func.count()).select_from(Unit)) == 0


def test_the_ingest_benchmark_ends_with_its_json_line(capsys: pytest.CaptureFixture[str]) -> None:
    ingest.main(["--replies", "24", "--secretaries", "6", "--concurrency", "4"])

    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["replies"] == summary["stored"] == summary["applied"] == 24
    assert summary["confirmations"] == 24
    assert summary["replies_per_second"] == pytest.approx(24 / summary["seconds"], rel=0.01)
    assert summary["goal"] == 300


# ------------------------------------------------------------- the whole story


async def seed_story(settings: Settings) -> tuple[int, str]:
    """A unit with one task of an active plan due in 60 days, an office member, and an
    invite for the unit; returns the assignment id and the invite code."""
    today = NOW.astimezone(settings.tz).date()
    async with open_database(settings) as database, database.transaction() as session:
        unit = Unit(name="Chi bộ Thôn 1", key=unit_key("Chi bộ Thôn 1"))
        session.add(unit)
        await session.flush()
        assignment = await make_assignment(
            session,
            unit,
            content="Tổ chức hội nghị quán triệt Nghị quyết",
            due=today + timedelta(days=60),
        )
        plan = await session.scalar(select(Plan))
        assert plan is not None
        plan.status = PlanStatus.ACTIVE
        plan.activated_at = NOW
        # One reminder within the planning horizon: 50 days before the due date.
        plan.reminder_policy = {"before_days": [50], "checkin": "off", "send_time": "08:00"}
        session.add(
            Contact(
                channel="telegram",
                chat_id=str(OFFICE),
                user_id=str(OFFICE),
                display_name="Văn phòng Đảng ủy",
                is_office=True,
            )
        )
        invite = await create_invite(session, unit_id=unit.id, office=False, now=NOW)
        return assignment.id, invite.code


async def assignment_state(settings: Settings, assignment_id: int) -> tuple[int | None, str]:
    async with open_database(settings) as database, database.sessions() as session:
        assignment = await session.get(Assignment, assignment_id)
        assert assignment is not None
        return assignment.percent, assignment.state.value


def buttons_of(fake: FakeTelegram, chat_id: int) -> list[tuple[int, str]]:
    """(message id, callback data) of every button in the chat, oldest first."""
    found: list[tuple[int, str]] = []
    for message in fake.messages:
        if message.chat_id != chat_id or message.reply_markup is None:
            continue
        for row in message.reply_markup["inline_keyboard"]:
            found += [(message.message_id, button["callback_data"]) for button in row]
    return found


async def test_register_remind_answer_undo_and_ask_for_status(
    settings: Settings, fake: FakeTelegram
) -> None:
    assignment_id, code = await seed_story(settings)
    vi = translator("vi", settings.locales_dir).gettext

    def said(chat_id: int) -> int:
        return len(fake.texts(chat_id))

    async with running_bot(settings, fake) as bot:
        # A secretary registers with the invite code.
        fake.push_message(SECRETARY, SECRETARY, f"/start {code}")
        await eventually(lambda: said(SECRETARY) == 1, bot)
        assert "Chi bộ Thôn 1" in fake.texts(SECRETARY)[0]

        # The office brings the unit's reminder forward; the dispatcher sends it.
        fake.push_message(OFFICE, OFFICE, "/nhacngay Chi bộ Thôn 1")
        await eventually(lambda: said(SECRETARY) == 2, bot)
        answer = f"r:{assignment_id}:p50"
        reminder_id = next(m for m, d in buttons_of(fake, SECRETARY) if d == answer)
        assert "Tổ chức hội nghị quán triệt Nghị quyết" in fake.texts(SECRETARY)[1]

        # A tap on "50%": the press is answered and the progress recorded.
        fake.push_callback(SECRETARY, SECRETARY, answer, reminder_id)
        await eventually(lambda: bool(fake.answered) and said(SECRETARY) == 3, bot)
        assert await assignment_state(settings, assignment_id) == (50, "open")

        # A typed answer to the reminder.
        fake.push_message(SECRETARY, SECRETARY, "đạt 80%", reply_to=reminder_id)
        await eventually(lambda: said(SECRETARY) == 4, bot)
        assert await assignment_state(settings, assignment_id) == (80, "open")

        # Undo the typed answer with the button under its confirmation.
        undo_message, undo = buttons_of(fake, SECRETARY)[-1]
        assert undo.startswith("undo:")
        fake.push_callback(SECRETARY, SECRETARY, undo, undo_message)
        await eventually(lambda: len(fake.answered) == 2 and said(SECRETARY) == 5, bot)
        assert await assignment_state(settings, assignment_id) == (50, "open")

        # The office asks for the status.
        office_said = said(OFFICE)
        fake.push_message(OFFICE, OFFICE, "/tinhhinh")
        await eventually(lambda: said(OFFICE) == office_said + 1 and bool(fake.sent_files), bot)

    status = fake.texts(OFFICE)[-1]
    assert vi("All active plans") in status
    assert f"{vi('In progress (within the deadline)')}: 1" in status
    assert vi("Average progress: {percent}").format(percent="50%") in status
    [chart] = fake.sent_files
    assert (chart.chat_id, chart.kind) == (OFFICE, "photo")
    assert chart.data.startswith(b"\x89PNG")
    stored = await reports(settings)
    assert [r.raw_text for r in stored] == [
        f"/start {code}",
        "/nhacngay Chi bộ Thôn 1",
        f"[button] {answer}",
        "đạt 80%",
        f"[button] {undo}",
        "/tinhhinh",
    ]
    assert stored[3].assignment_id == assignment_id
    assert stored[3].undone_at is not None
