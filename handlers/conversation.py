"""The conversation, written once for every channel.

Each incoming message is first stored exactly as received (its own short
transaction, deduplicated by channel, chat and message id), so nothing a person
sends is ever lost; then it is interpreted in a second transaction by the
handler its command, button, file or text belongs to, if the sender's role
allows it, and marked handled; the answers go out after that commit.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.intake import Intake, Stored
from handlers.messages import Incoming, incoming_to_json
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


@dataclass(frozen=True)
class Outcome:
    """What interpreting one message produced: the answers, and the note for a pressed button."""

    answers: Sequence[Answer]
    note: str = ""


@dataclass
class Conversation:
    """Turns incoming messages into stored reports, state changes and answers.

    :meth:`handle` does it all for one message. A channel that acknowledges messages
    to its platform as soon as they are stored uses :attr:`intake` instead
    (:class:`handlers.intake.Intake`), which stores with :meth:`store` and interprets
    and answers later with :meth:`interpret` and :meth:`deliver`.
    """

    deps: Deps
    routers: Sequence[Router]
    intake: Intake = field(init=False)

    def __post_init__(self) -> None:
        self.intake = Intake(self)

    async def handle(self, incoming: Incoming, platform: Platform) -> None:
        """Store, interpret and answer one incoming message."""
        (report_id,) = await self.store([incoming])
        if report_id is None:
            return
        await self.deliver(platform, incoming, await self.interpret(report_id, incoming, platform))

    async def store(self, incomings: Sequence[Incoming]) -> list[int | None]:
        """Store each message exactly as received, all with one statement in one
        transaction; the new report's id for each, ``None`` for a message stored
        before (a duplicate, also when it comes twice in ``incomings``)."""
        if not incomings:
            return []
        async with self.deps.database.transaction(write_lock=True) as session:
            dialect = session.get_bind().dialect.name
            table = cast(Table, Report.__table__)
            stmt = insert_ignoring_conflicts(table, dialect).values(
                [_raw(incoming) for incoming in incomings]
            )
            inserted = await session.execute(
                stmt.returning(table.c.id, table.c.channel, table.c.chat_id, table.c.message_id)
            )
            new = {(channel, chat, message): id_ for id_, channel, chat, message in inserted}
        ids: list[int | None] = []
        for incoming in incomings:
            report_id = new.pop((incoming.channel, incoming.chat_id, incoming.message_id), None)
            if report_id is None:
                log.info(
                    "duplicate message %s in chat %s ignored", incoming.message_id, incoming.chat_id
                )
            ids.append(report_id)
        return ids

    async def interpret(self, report_id: int, incoming: Incoming, platform: Platform) -> Outcome:
        """Interpret the stored message ``report_id`` (see :meth:`interpret_many`)."""
        (outcome,) = await self.interpret_many([(report_id, incoming, platform)])
        return outcome

    async def interpret_many(
        self, stored: Sequence[Stored], *, enough: Callable[[], bool] = lambda: False
    ) -> list[Outcome]:
        """Interpret stored messages in order, in one transaction, each in a savepoint of
        its own and marked handled; stop early, after the first, once ``enough()`` says
        so (the outcomes tell how many were read). A message whose handler fails is
        logged, marked handled apart, and answered with an apology; the others are not
        affected."""
        outcomes: list[Outcome] = []
        async with self.deps.database.transaction(write_lock=True) as session:
            for report_id, incoming, platform in stored:
                if outcomes and enough():
                    break
                try:
                    async with session.begin_nested():
                        outcome = await self._interpret(session, report_id, incoming, platform)
                except Exception:
                    log.exception("interpreting message %s failed", incoming.message_id)
                    outcome = await self._failed(session, report_id, incoming)
                outcomes.append(outcome)
        return outcomes

    async def deliver(self, platform: Platform, incoming: Incoming, outcome: Outcome) -> None:
        """Confirm a pressed button and send the answers; failures are logged only."""
        if incoming.button is not None:
            await _quietly(platform.acknowledge(incoming, outcome.note))
        for answer in outcome.answers:
            if answer.message is not None:
                await _quietly(platform.send(answer.chat_id, answer.message))
            if answer.file is not None:
                await _quietly(platform.send_file(answer.chat_id, answer.file))

    async def _interpret(
        self, session: AsyncSession, report_id: int, incoming: Incoming, platform: Platform
    ) -> Outcome:
        report = await session.get(Report, report_id)
        assert report is not None
        contact = await find_contact(session, incoming)
        report.contact_id = contact.id if contact else None
        report.handled_at = self.deps.clock.now()
        turn = Turn(
            incoming, platform, session, self.deps, report, contact, role_of(incoming, contact)
        )
        await self._route(turn)
        await session.flush()
        return Outcome(turn.answers, turn.acknowledgement)

    async def _failed(self, session: AsyncSession, report_id: int, incoming: Incoming) -> Outcome:
        await session.execute(
            update(Report)
            .where(Report.id == report_id)
            .values(handled_at=self.deps.clock.now(), parsed={"failed": True})
        )
        translations = self.deps.translations(incoming.language or self.deps.default_language)
        return Outcome([Answer(incoming.chat_id, OutgoingMessage(translations.gettext(FAILED)))])

    async def _route(self, turn: Turn) -> None:
        incoming = turn.incoming
        if self._for_another_bot(incoming):
            return  # "/tinhhinh@otherbot" in a shared group: stored, not ours to answer
        if incoming.button is not None:
            prefix, _parts = button_parts(incoming.button)
            await self._run(turn, self._find("buttons", prefix), forged=True)
        elif incoming.command is not None:
            await self._run(turn, self._find("commands", incoming.command))
        elif incoming.file is not None:
            await self._run(turn, next((r for router in self.routers for r in router.files), None))
        else:
            await self._free_text(turn)

    def _for_another_bot(self, incoming: Incoming) -> bool:
        # Only a group holds other bots; in a private chat every command is ours.
        addressee, username = incoming.addressee, self.deps.bot_username
        return (
            incoming.chat_is_group
            and addressee is not None
            and username is not None
            and addressee.lower() != username.lower()
        )

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


def _raw(incoming: Incoming) -> dict[str, Any]:
    """The columns of a new report: the message as received."""
    raw = incoming.text if incoming.button is None else f"[button] {incoming.button}"
    if incoming.file is not None:
        raw = f"[file] {incoming.file.name} {incoming.text}".strip()
    return {
        "channel": incoming.channel,
        "chat_id": incoming.chat_id,
        "message_id": incoming.message_id,
        "user_id": incoming.user_id,
        "received_at": incoming.received_at,
        "raw_text": raw,
        "incoming": incoming_to_json(incoming),
    }
