"""Joining by invite code in chat, welcome and help, and registering a summary group."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.i18n import translator
from handlers import invites, registration, secretary
from handlers.conversation import Conversation
from handlers.invites import InviteError, InviteRefusal
from handlers.turn import Deps
from scheduling.calendar import WorkingCalendar
from scheduling.clock import FakeClock
from scheduling.planner import ReminderPlanner
from storage.db import Database
from storage.models import Contact, Invite, PlanStatus, Reminder, ReminderState, Unit
from tests.handlers.fakes import FakePlatform, incoming
from tests.scheduling.fakes import make_assignment, make_unit

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
"""A Tuesday, 09:00 in Hà Nội."""


def make_deps(database: Database, clock: FakeClock) -> Deps:
    calendar = WorkingCalendar(tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    return Deps(
        database=database,
        clock=clock,
        planner=ReminderPlanner(calendar),
        calendar=calendar,
        translations=translator,
    )


class Chat:
    """The bot with the registration and secretary commands, and a recording platform."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.clock = FakeClock(NOW)
        self.platform = FakePlatform()
        self.conversation = Conversation(
            make_deps(database, self.clock), [registration.router, secretary.router]
        )

    async def send(
        self,
        text: str,
        *,
        user: str = "501",
        chat: str | None = None,
        group: bool = False,
        name: str = "Nguyễn Văn A",
    ) -> str:
        """Send ``text`` as ``user``; return everything the bot answered, joined."""
        before = len(self.platform.sent)
        message = incoming(text, user=user, chat=chat, group=group, name=name, at=self.clock.now())
        await self.conversation.handle(message, self.platform)
        return "\n".join(message.text for _chat, message in self.platform.sent[before:])

    async def invite(self, unit_id: int | None) -> str:
        async with self.database.transaction() as session:
            invite = await invites.create_invite(
                session, unit_id=unit_id, office=unit_id is None, now=self.clock.now()
            )
            return invite.code

    async def contact(self, user: str) -> Contact | None:
        async with self.database.sessions() as session:
            found = await session.scalars(select(Contact).where(Contact.user_id == user))
            return found.first()


async def new_unit(database: Database, name: str = "Chi bộ thôn Nà Hẩu") -> int:
    async with database.transaction() as session:
        return (await make_unit(session, name)).id


async def test_a_stranger_learns_only_how_to_register(database: Database) -> None:
    chat = Chat(database)

    for text in ("/start", "/nhiemvu", "/huongdan", "/ngonngu en"):
        answer = await chat.send(text)
        assert "/start" in answer and "mã mời" in answer, text
        assert "/nhiemvu" not in answer and "/tinhhinh" not in answer, text

    assert await chat.contact("501") is None


async def test_an_invite_code_binds_the_sender_to_the_unit(database: Database) -> None:
    chat = Chat(database)
    unit_id = await new_unit(database)
    code = await chat.invite(unit_id)

    answer = await chat.send(f"/start {code}", name="Lò Văn Pâng")

    assert "Đã đăng ký: Lò Văn Pâng" in answer
    assert "Chi bộ thôn Nà Hẩu" in answer
    assert "/nhiemvu" in answer and "/tinhhinh" not in answer
    contact = await chat.contact("501")
    assert contact is not None
    assert (contact.unit_id, contact.is_office, contact.chat_id) == (unit_id, False, "501")
    async with database.sessions() as session:
        invite = await session.scalar(select(Invite).where(Invite.code == code))
        assert invite is not None and invite.used_by == contact.id and invite.used_at == NOW
    assert "không có nhiệm vụ nào đang mở" in await chat.send("/nhiemvu")


async def test_a_code_is_read_however_it_was_typed(database: Database) -> None:
    chat = Chat(database)
    code = await chat.invite(await new_unit(database))
    typed = f"{code[:4].lower()}-{code[4:].lower()} "

    answer = await chat.send(f"/start {typed}")

    assert "Đã đăng ký" in answer


async def test_registering_plans_the_units_reminders(database: Database) -> None:
    chat = Chat(database)
    async with database.transaction() as session:
        unit = await make_unit(session)
        assignment = await make_assignment(session, unit, due=date(2026, 12, 15))
        (await assignment.task.awaitable_attrs.plan).status = PlanStatus.ACTIVE
        unit_id = unit.id
    code = await chat.invite(unit_id)

    await chat.send(f"/start {code}")

    contact = await chat.contact("501")
    assert contact is not None
    async with database.sessions() as session:
        planned = await session.scalars(select(Reminder).where(Reminder.contact_id == contact.id))
        assert {r.assignment_id for r in planned} == {assignment.id}


async def test_a_used_code_is_refused_to_anyone_else(database: Database) -> None:
    chat = Chat(database)
    code = await chat.invite(await new_unit(database))
    await chat.send(f"/start {code}", user="501")

    answer = await chat.send(f"/start {code}", user="502")

    assert f"Mã {code} đã được sử dụng" in answer
    assert await chat.contact("502") is None


async def test_the_same_person_sending_their_code_again_stays_registered(
    database: Database,
) -> None:
    chat = Chat(database)
    code = await chat.invite(await new_unit(database))
    await chat.send(f"/start {code}")

    answer = await chat.send(f"/start {code}")

    assert "Đã đăng ký" in answer
    async with database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Contact)) == 1


async def test_an_expired_code_is_refused(database: Database) -> None:
    chat = Chat(database)
    code = await chat.invite(await new_unit(database))
    chat.clock.advance(timedelta(days=7, minutes=1).total_seconds())

    answer = await chat.send(f"/start {code}")

    # Created 09:00 on 1 December in Hà Nội, valid for seven days.
    assert f"Mã {code} đã hết hạn lúc 09:00 08/12/2026" in answer
    assert await chat.contact("501") is None


async def test_a_revoked_code_is_refused(database: Database) -> None:
    chat = Chat(database)
    code = await chat.invite(await new_unit(database))
    async with database.transaction() as session:
        await invites.revoke_invite(session, code, chat.clock.now())

    answer = await chat.send(f"/start {code}")

    assert f"Mã {code} đã bị hủy" in answer
    assert await chat.contact("501") is None


async def test_an_unknown_code_is_refused(database: Database) -> None:
    chat = Chat(database)

    answer = await chat.send("/start ZZZZ2222")

    assert "Mã ZZZZ2222 không tồn tại" in answer


async def test_an_office_invite_makes_an_office_member(database: Database) -> None:
    chat = Chat(database)
    code = await chat.invite(None)

    answer = await chat.send(f"/start {code}", name="Hà Thị Mai")

    assert "Đã đăng ký: Hà Thị Mai là thành viên Văn phòng" in answer
    assert "/tinhhinh" in answer
    contact = await chat.contact("501")
    assert contact is not None and contact.is_office and contact.unit_id is None
    assert "/tinhhinh" in await chat.send("/nhiemvu")


async def test_start_alone_welcomes_a_registered_person(database: Database) -> None:
    chat = Chat(database)
    await chat.send(f"/start {await chat.invite(await new_unit(database))}", name="Lò Văn Pâng")

    answer = await chat.send("/start")

    assert "Xin chào Lò Văn Pâng" in answer
    assert "Chi bộ thôn Nà Hẩu" in answer and "Số nhiệm vụ đang mở: 0" in answer


async def test_a_code_sent_in_a_group_is_not_used(database: Database) -> None:
    chat = Chat(database)
    code = await chat.invite(await new_unit(database))

    answer = await chat.send(f"/start {code}", chat="-100", group=True)

    assert "nhắn riêng" in answer
    assert await chat.contact("501") is None
    assert "Đã đăng ký" in await chat.send(f"/start {code}")


async def test_a_new_invite_moves_the_person_and_cancels_the_old_units_reminders(
    database: Database,
) -> None:
    chat = Chat(database)
    async with database.transaction() as session:
        old = await make_unit(session, "Chi bộ thôn Nà Hẩu")
        assignment = await make_assignment(session, old, due=date(2026, 12, 15))
        (await assignment.task.awaitable_attrs.plan).status = PlanStatus.ACTIVE
        old_id = old.id
    new_id = await new_unit(database, "Chi bộ thôn Bản Phố")
    await chat.send(f"/start {await chat.invite(old_id)}")

    answer = await chat.send(f"/start {await chat.invite(new_id)}")

    assert "Chi bộ thôn Bản Phố" in answer
    contact = await chat.contact("501")
    assert contact is not None and contact.unit_id == new_id
    async with database.sessions() as session:
        states = set(
            await session.scalars(select(Reminder.state).where(Reminder.contact_id == contact.id))
        )
    assert states == {ReminderState.CANCELLED}


async def test_the_office_registers_a_group_for_summaries(database: Database) -> None:
    chat = Chat(database)
    await chat.send(f"/start {await chat.invite(None)}", user="700")

    first = await chat.send("/dangkynhom Thường trực Đảng ủy", user="700", chat="-42", group=True)
    again = await chat.send("/dangkynhom", user="700", chat="-42", group=True)

    assert "nhóm này sẽ nhận các bản tổng hợp" in first
    assert "đã nhận các bản tổng hợp" in again
    async with database.sessions() as session:
        groups = list(await session.scalars(select(Contact).where(Contact.user_id.is_(None))))
    assert [(g.chat_id, g.display_name, g.unit_id, g.is_office) for g in groups] == [
        ("-42", "Thường trực Đảng ủy", None, False)
    ]
    assert "nhận các bản tổng hợp" in await chat.send("/start", user="555", chat="-42", group=True)


async def test_only_the_office_registers_a_group(database: Database) -> None:
    chat = Chat(database)
    await chat.send(f"/start {await chat.invite(await new_unit(database))}", user="600")

    by_secretary = await chat.send("/dangkynhom", user="600", chat="-42", group=True)
    by_stranger = await chat.send("/dangkynhom", user="601", chat="-42", group=True)

    assert "không có quyền" in by_secretary and "không có quyền" in by_stranger
    async with database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Contact)) == 1


async def test_the_office_is_told_to_register_from_the_group(database: Database) -> None:
    chat = Chat(database)
    await chat.send(f"/start {await chat.invite(None)}", user="700")

    answer = await chat.send("/dangkynhom", user="700")

    assert "trong nhóm" in answer


# ----------------------------------------------------------------------- the invite service


async def test_codes_use_the_unambiguous_alphabet(database: Database) -> None:
    async with database.transaction() as session:
        unit = await make_unit(session)
        codes = [
            (await invites.create_invite(session, unit_id=unit.id, office=False, now=NOW)).code
            for _ in range(50)
        ]
    assert len(set(codes)) == 50
    assert all(len(code) == 8 and set(code) <= set(invites.ALPHABET) for code in codes)
    assert not set("01IO") & set(invites.ALPHABET)


async def test_an_invite_is_for_a_unit_or_the_office(database: Database) -> None:
    async with database.transaction() as session:
        unit = await make_unit(session)
        with pytest.raises(ValueError):
            await invites.create_invite(session, unit_id=unit.id, office=True, now=NOW)
        with pytest.raises(ValueError):
            await invites.create_invite(session, unit_id=None, office=False, now=NOW)


async def test_revoking_refuses_unknown_and_used_codes(database: Database) -> None:
    async with database.transaction() as session:
        unit = await make_unit(session)
        invite = await invites.create_invite(session, unit_id=unit.id, office=False, now=NOW)
        await invites.redeem_invite(
            session,
            invite.code,
            channel="telegram",
            chat_id="1",
            user_id="1",
            display_name="A",
            language=None,
            now=NOW,
        )
        with pytest.raises(InviteError) as unknown:
            await invites.revoke_invite(session, "NOPE2345", NOW)
        with pytest.raises(InviteError) as used:
            await invites.revoke_invite(session, invite.code, NOW)
    assert unknown.value.refusal is InviteRefusal.UNKNOWN
    assert used.value.refusal is InviteRefusal.USED


async def test_redeeming_keeps_a_chosen_language(database: Database) -> None:
    async with database.transaction() as session:
        unit = await session.get(Unit, (await make_unit(session)).id)
        assert unit is not None
        first = await invites.create_invite(session, unit_id=unit.id, office=False, now=NOW)
        second = await invites.create_invite(session, unit_id=None, office=True, now=NOW)
        contact = await invites.redeem_invite(
            session,
            first.code,
            channel="telegram",
            chat_id="1",
            user_id="1",
            display_name="A",
            language="en",
            now=NOW,
        )
        again = await invites.redeem_invite(
            session,
            second.code,
            channel="telegram",
            chat_id="1",
            user_id="1",
            display_name="A",
            language="vi",
            now=NOW,
        )
    assert again.id == contact.id
    assert (again.language, again.is_office, again.unit_id) == ("en", True, None)
