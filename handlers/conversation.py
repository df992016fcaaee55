"""The conversation, written once for every channel.

Each incoming message is first stored exactly as received (its own short
transaction, deduplicated by channel, chat and message id), so nothing a person
sends is ever lost; then it is interpreted in a second transaction by the
handler its command, button, file or text belongs to, if the sender's role
allows it; the answers go out after that commit.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.messages import Incoming
from handlers.platform import Platform
from handlers.router import Role, Route, Router, TextHandler, button_parts
from handlers.turn import Answer, Deps, Turn
from scheduling.channel import DeliveryError, OutgoingMessage
from storage.dialect import insert_ignoring_conflicts
from storage.models import Contact, Report

log = logging.getLogger(__name__)

NOT_ALLOWED = "You are not allowed to do that."
STRANGER_HELP = (
    "Hello! This bot reminds Party cells and units of their tasks. To use it, ask the "
    "committee office for an invite code, then send /start CODE."
)
UNKNOWN = "I did not understand that. Send /huongdan to see what you can do."
FAILED = "Sorry, something went wrong. Your message is saved; please try again later."


@dataclass
class Conversation:
    """Turns incoming messages into stored reports, state changes and answers."""

    deps: Deps
    routers: Sequence[Router]

    async def handle(self, incoming: Incoming, platform: Platform) -> None:
        """Store, interpret and answer one incoming message."""
        report_id = await self._store(incoming)
        if report_id is None:
            log.info(
                "duplicate message %s in chat %s ignored", incoming.message_id, incoming.chat_id
            )
            return
        try:
            answers, note = await self._interpret(report_id, incoming, platform)
        except Exception:
            log.exception("interpreting message %s failed", incoming.message_id)
            translations = self.deps.translations(incoming.language or self.deps.default_language)
            answers = [Answer(incoming.chat_id, OutgoingMessage(translations.gettext(FAILED)))]
            note = ""
        if incoming.button is not None:
            await _quietly(platform.acknowledge(incoming, note))
        await self._send(platform, answers)

    async def _store(self, incoming: Incoming) -> int | None:
        raw = incoming.text if incoming.button is None else f"[button] {incoming.button}"
        if incoming.file is not None:
            raw = f"[file] {incoming.file.name} {incoming.text}".strip()
        async with self.deps.database.transaction(write_lock=True) as session:
            dialect = session.get_bind().dialect.name
            table = cast(Table, Report.__table__)
            stmt = insert_ignoring_conflicts(table, dialect).values(
                channel=incoming.channel,
                chat_id=incoming.chat_id,
                message_id=incoming.message_id,
                user_id=incoming.user_id,
                received_at=incoming.received_at,
                raw_text=raw,
            )
            inserted = await session.execute(stmt.returning(table.c.id))
            report_id: int | None = inserted.scalar_one_or_none()
            return report_id

    async def _interpret(
        self, report_id: int, incoming: Incoming, platform: Platform
    ) -> tuple[list[Answer], str]:
        async with self.deps.database.transaction(write_lock=True) as session:
            report = await session.get(Report, report_id)
            assert report is not None
            contact = await find_contact(session, incoming)
            report.contact_id = contact.id if contact else None
            turn = Turn(
                incoming, platform, session, self.deps, report, contact, role_of(incoming, contact)
            )
            await self._route(turn)
            return turn.answers, turn.acknowledgement

    async def _route(self, turn: Turn) -> None:
        incoming = turn.incoming
        if incoming.button is not None:
            prefix, _parts = button_parts(incoming.button)
            await self._run(turn, self._find("buttons", prefix), forged=True)
        elif incoming.command is not None:
            await self._run(turn, self._find("commands", incoming.command))
        elif incoming.file is not None:
            await self._run(turn, next((r for router in self.routers for r in router.files), None))
        else:
            await self._free_text(turn)

    def _find(self, kind: str, key: str) -> Route | None:
        for router in self.routers:
            routes: dict[str, Route] = getattr(router, kind)
            if key in routes:
                return routes[key]
        return None

    async def _run(self, turn: Turn, route: Route | None, *, forged: bool = False) -> None:
        if route is None:
            turn.say(turn._(STRANGER_HELP if turn.role is Role.STRANGER else UNKNOWN))
            return
        if turn.role not in route.roles:
            if forged:
                log.warning(
                    "refused button %r from %s:%s (role %s)",
                    turn.incoming.button,
                    turn.incoming.channel,
                    turn.incoming.user_id,
                    turn.role,
                )
            turn.say(turn._(STRANGER_HELP if turn.role is Role.STRANGER else NOT_ALLOWED))
            return
        await route.handler(turn)

    async def _free_text(self, turn: Turn) -> None:
        handlers: list[TextHandler] = [
            handler
            for router in self.routers
            for handler, roles in router.texts
            if turn.role in roles
        ]
        for handler in handlers:
            if await handler(turn):
                return
        if turn.role is Role.OBSERVER:
            return  # a summary group's chatter is not for the bot
        turn.say(turn._(STRANGER_HELP if turn.role is Role.STRANGER else UNKNOWN))

    async def _send(self, platform: Platform, answers: Sequence[Answer]) -> None:
        for answer in answers:
            if answer.message is not None:
                await _quietly(platform.send(answer.chat_id, answer.message))
            if answer.file is not None:
                await _quietly(platform.send_file(answer.chat_id, answer.file))


async def find_contact(session: AsyncSession, incoming: Incoming) -> Contact | None:
    """The sender's registered identity on this channel, if any."""
    found = await session.scalars(
        select(Contact).where(
            Contact.channel == incoming.channel, Contact.user_id == incoming.user_id
        )
    )
    return found.first()


def role_of(incoming: Incoming, contact: Contact | None) -> Role:
    """Permissions follow the sender's registration; in a group only the office acts."""
    if contact is not None and contact.is_office:
        return Role.OFFICE
    if incoming.chat_is_group:
        return Role.OBSERVER
    if contact is not None and contact.unit_id is not None:
        return Role.SECRETARY
    return Role.STRANGER


async def _quietly(sending: Awaitable[object]) -> None:
    """Send an answer; a failed answer is logged, never allowed to undo the turn."""
    try:
        await sending
    except DeliveryError as error:
        log.warning("could not deliver an answer: %s", error)
