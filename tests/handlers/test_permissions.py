"""The permission matrix: every command, every button and the typed answers of the real
routers, tried by a stranger, two secretaries of different units, the office and a
group observer, on Telegram and on Zalo."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from _pytest.mark import ParameterSet

from bot.app import build_deps, conversation_routers
from bot.config import Settings
from bot.i18n import translator
from handlers.conversation import NOT_ALLOWED, STRANGER_HELP, UNKNOWN, Conversation
from handlers.reports import NOT_YOURS
from handlers.router import Role, Route
from scheduling.clock import FakeClock
from storage.db import Database
from storage.models import Assignment, Channel, Contact
from tests.handlers.fakes import FakePlatform, incoming
from tests.scheduling.fakes import make_assignment, make_unit

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
ROUTES: list[tuple[str, str, Route]] = [
    *(
        ("command", name, route)
        for r in conversation_routers()
        for name, route in r.commands.items()
    ),
    *(
        ("button", prefix, route)
        for r in conversation_routers()
        for prefix, route in r.buttons.items()
    ),
]
VI = translator("vi").gettext
REFUSALS = {VI(NOT_ALLOWED), VI(STRANGER_HELP)}
ANSWERS = ("1", "2", "3", "xong", "đạt 80%", "vướng kinh phí", "hoàn tác", "#{mine} xong")
"""Typed answers to a reminder: the numbered ones (Zalo) and words; ``{mine}`` is the
task code of secretary A's unit."""


@dataclass(frozen=True)
class Person:
    """Who writes: a user id, the role it has, and whether it writes in a group."""

    label: str
    user: str
    role: Role
    in_group: bool = False


STRANGER = Person("stranger", "900", Role.STRANGER)
SECRETARY_A = Person("secretary-a", "101", Role.SECRETARY)
SECRETARY_B = Person("secretary-b", "102", Role.SECRETARY)
OFFICE = Person("office", "300", Role.OFFICE)
OBSERVER = Person("observer", "101", Role.OBSERVER, in_group=True)
PEOPLE = (STRANGER, SECRETARY_A, SECRETARY_B, OFFICE, OBSERVER)


def _cases() -> list[ParameterSet]:
    cases = []
    for channel in (Channel.TELEGRAM, Channel.ZALO):
        for person in PEOPLE:
            if channel is Channel.ZALO and person.in_group:
                # Zalo bots chat in private only: there is no group, hence no observer.
                continue
            cases.append(pytest.param(channel, person, id=f"{channel.value}-{person.label}"))
    return cases


CASES = _cases()


def _platform(channel: Channel) -> FakePlatform:
    if channel is Channel.ZALO:
        return FakePlatform(name="zalo", supports_buttons=False, max_text_length=2000)
    return FakePlatform()


def _message(channel: Channel, person: Person, text: str = "", **fields: Any) -> Any:
    chat = "-500" if person.in_group else person.user
    made = incoming(text, user=person.user, chat=chat, group=person.in_group, **fields)
    return replace(made, channel=channel.value)


async def _people(database: Database, channel: Channel) -> int:
    """Registered contacts on ``channel``; returns an assignment of secretary A's unit."""
    async with database.transaction() as session:
        unit_a = await make_unit(session, "Chi bộ Thôn A")
        unit_b = await make_unit(session, "Chi bộ Thôn B")
        mine = await make_assignment(session, unit_a)
        await make_assignment(session, unit_b)
        for person, unit_id in ((SECRETARY_A, unit_a.id), (SECRETARY_B, unit_b.id), (OFFICE, None)):
            session.add(
                Contact(
                    channel=channel,
                    chat_id=person.user,
                    user_id=person.user,
                    unit_id=unit_id,
                    is_office=person is OFFICE,
                )
            )
        return mine.id


async def _state(database: Database, assignment_id: int) -> tuple[Any, ...]:
    async with database.sessions() as session:
        assignment = await session.get(Assignment, assignment_id)
        assert assignment is not None
        return (
            assignment.state,
            assignment.percent,
            assignment.problem,
            assignment.last_report_at,
        )


def _conversation(database: Database, settings: Settings) -> Conversation:
    return Conversation(
        build_deps(settings, database, FakeClock(NOW)), list(conversation_routers())
    )


@pytest.mark.parametrize(
    ("kind", "key", "route"), ROUTES, ids=lambda v: v if isinstance(v, str) else ""
)
@pytest.mark.parametrize(("channel", "person"), CASES)
async def test_each_route_answers_only_the_roles_it_allows(
    database: Database,
    settings: Settings,
    kind: str,
    key: str,
    route: Route,
    channel: Channel,
    person: Person,
) -> None:
    assignment_id = await _people(database, channel)
    before = await _state(database, assignment_id)
    platform = _platform(channel)
    if kind == "command":
        message = _message(channel, person, f"/{key} {assignment_id}")
    else:
        message = _message(channel, person, button=f"{key}:{assignment_id}:done")

    await _conversation(database, settings).handle(message, platform)

    texts = platform.texts()
    if person.role not in route.roles:
        assert texts and all(text in REFUSALS for text in texts), texts
    elif person.role is Role.STRANGER:
        # A stranger learns how to register and nothing else.
        assert all(
            "/start" in text or "mã" in text.lower() or "ngôn ngữ" in text.lower() for text in texts
        ), texts
    else:
        assert VI(STRANGER_HELP) not in texts
    if person not in (SECRETARY_A, OFFICE):
        assert await _state(database, assignment_id) == before


@pytest.mark.parametrize(("channel", "person"), CASES)
async def test_typed_answers_reach_only_the_senders_own_unit(
    database: Database, settings: Settings, channel: Channel, person: Person
) -> None:
    assignment_id = await _people(database, channel)
    before = await _state(database, assignment_id)
    conversation = _conversation(database, settings)

    for answer in ANSWERS:
        platform = _platform(channel)
        text = answer.format(mine=assignment_id)
        await conversation.handle(_message(channel, person, text), platform)
        texts = platform.texts()
        if person is STRANGER:
            assert texts == [VI(STRANGER_HELP)], (text, texts)
        elif person is OBSERVER:
            assert texts == [], (text, texts)  # a group's chatter is not for the bot
        elif person is OFFICE:
            assert texts == [VI(UNKNOWN)], (text, texts)
        else:
            assert texts and not set(texts) & REFUSALS, (text, texts)
        if person is SECRETARY_B and text.startswith("#"):
            assert texts == [VI(NOT_YOURS).format(id=assignment_id)]
        if person is not SECRETARY_A:
            assert await _state(database, assignment_id) == before, text

    if person is SECRETARY_A:
        assert await _state(database, assignment_id) != before


async def test_a_secretary_cannot_answer_for_another_unit(
    database: Database, settings: Settings
) -> None:
    assignment_id = await _people(database, Channel.TELEGRAM)
    platform = FakePlatform()

    await _conversation(database, settings).handle(
        incoming(button=f"r:{assignment_id}:done", user="102"), platform
    )

    assert not any("Hoàn thành" in text and "Đã ghi nhận" in text for text in platform.texts())
