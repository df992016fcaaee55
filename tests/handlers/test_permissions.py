"""The permission matrix: every command and every button of the real routers, tried by
a stranger, two secretaries of different units, the office and a group observer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import build_deps, conversation_routers
from bot.config import Settings
from bot.i18n import translator
from handlers.conversation import NOT_ALLOWED, STRANGER_HELP, Conversation
from handlers.router import Role, Route
from scheduling.clock import FakeClock
from storage.db import Database
from storage.models import Channel, Contact
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
REFUSALS = {translator("vi").gettext(NOT_ALLOWED), translator("vi").gettext(STRANGER_HELP)}
PEOPLE = {
    Role.STRANGER: ("900", False),
    Role.SECRETARY: ("101", False),
    Role.OFFICE: ("300", False),
    Role.OBSERVER: ("101", True),
}


async def _people(database: Database) -> int:
    """Registered contacts; returns an assignment of the secretary's unit."""
    async with database.transaction() as session:
        unit_a = await make_unit(session, "Chi bộ Thôn A")
        unit_b = await make_unit(session, "Chi bộ Thôn B")
        mine = await make_assignment(session, unit_a)
        await make_assignment(session, unit_b)
        for user, unit_id, office in (
            ("101", unit_a.id, False),
            ("102", unit_b.id, False),
            ("300", None, True),
        ):
            session.add(
                Contact(
                    channel=Channel.TELEGRAM,
                    chat_id=user,
                    user_id=user,
                    unit_id=unit_id,
                    is_office=office,
                )
            )
        return mine.id


@pytest.mark.parametrize(
    ("kind", "key", "route"), ROUTES, ids=lambda v: v if isinstance(v, str) else ""
)
@pytest.mark.parametrize("role", list(Role), ids=str)
async def test_each_route_answers_only_the_roles_it_allows(
    database: Database, settings: Settings, kind: str, key: str, route: Route, role: Role
) -> None:
    assignment_id = await _people(database)
    conversation = Conversation(
        build_deps(settings, database, FakeClock(NOW)), list(conversation_routers())
    )
    platform = FakePlatform()
    user, in_group = PEOPLE[role]
    chat = "-500" if in_group else user
    if kind == "command":
        message = incoming(f"/{key} {assignment_id}", user=user, chat=chat, group=in_group)
    else:
        message = incoming(
            button=f"{key}:{assignment_id}:done", user=user, chat=chat, group=in_group
        )

    await conversation.handle(message, platform)

    texts = platform.texts()
    if role not in route.roles:
        assert texts and all(text in REFUSALS for text in texts), texts
    elif role is Role.STRANGER:
        # A stranger learns how to register and nothing else.
        assert all(
            "/start" in text or "mã" in text.lower() or "ngôn ngữ" in text.lower() for text in texts
        ), texts
    else:
        assert translator("vi").gettext(STRANGER_HELP) not in texts


async def test_a_secretary_cannot_answer_for_another_unit(
    database: Database, settings: Settings
) -> None:
    assignment_id = await _people(database)
    conversation = Conversation(
        build_deps(settings, database, FakeClock(NOW)), list(conversation_routers())
    )
    platform = FakePlatform()

    await conversation.handle(incoming(button=f"r:{assignment_id}:done", user="102"), platform)

    assert not any("Hoàn thành" in text and "Đã ghi nhận" in text for text in platform.texts())
