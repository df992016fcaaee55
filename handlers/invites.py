"""Invite codes: how a person in a chat becomes a unit's contact or an office member.

The office creates a code for a unit (or for the office) on the command line and
passes it on; the person sends ``/start CODE`` to the bot, which binds their chat
identity to what the code stands for. A code works once, until it expires or is
revoked. Codes use letters and digits that cannot be mistaken for one another and
are matched ignoring case, spaces and dashes, since people copy them by hand.

Functions work in the caller's session and flush, never commit; refusals are
:class:`InviteError` with a machine-readable :class:`InviteRefusal`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, not_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Assignment,
    Channel,
    Contact,
    Invite,
    Reminder,
    ReminderState,
    ReminderStep,
    Unit,
)

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits without the look-alikes 0/O and 1/I."""

CODE_LENGTH = 8
DEFAULT_VALIDITY = timedelta(days=7)
_SEPARATORS = re.compile(r"[\s\-_.]+")
_MAX_TRIES = 20


class InviteRefusal(StrEnum):
    """Why a code was refused."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


class InviteError(Exception):
    """A code that cannot be used or revoked; ``params`` carries ``code`` and details
    (``expires_at`` for an expired code, ``used_at`` for a used one)."""

    def __init__(self, refusal: InviteRefusal, **params: Any) -> None:
        self.refusal = refusal
        self.code = refusal.value
        self.params: dict[str, Any] = params
        super().__init__(refusal.value, params)


@dataclass(frozen=True)
class ContactRow:
    """One registered chat identity, as the office lists them."""

    channel: str
    name: str
    chat_id: str
    is_group: bool
    is_office: bool
    unit_name: str | None
    reachable: bool


def normalise_code(text: str) -> str:
    """A code as stored: upper case, without spaces, dashes, dots or underscores."""
    return _SEPARATORS.sub("", text).upper()


def new_code() -> str:
    """A random code of :data:`CODE_LENGTH` characters from :data:`ALPHABET`."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


async def create_invite(
    session: AsyncSession,
    *,
    unit_id: int | None,
    office: bool,
    now: datetime,
    valid_for: timedelta = DEFAULT_VALIDITY,
) -> Invite:
    """Create a single-use code for the unit ``unit_id``, or for the office.

    Exactly one of ``unit_id`` and ``office`` must be given.
    """
    if (unit_id is None) != office:
        raise ValueError("an invite is for a unit or for the office, not both or neither")
    if valid_for <= timedelta(0):
        raise ValueError("an invite must be valid for some time")
    invite = Invite(
        code=await _unused_code(session),
        unit_id=unit_id,
        is_office=office,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invite)
    await session.flush()
    return invite


async def _unused_code(session: AsyncSession) -> str:
    # 32**8 codes make a clash very unlikely; checking keeps the unique index from failing
    # the whole transaction when one happens.
    for _ in range(_MAX_TRIES):
        code = new_code()
        if await find_invite(session, code) is None:
            return code
    raise RuntimeError("could not find an unused invite code")


async def find_invite(session: AsyncSession, code: str, *, lock: bool = False) -> Invite | None:
    """The invite with ``code`` (as a person typed it), if any; ``lock`` holds its row
    until the transaction ends, so two people cannot both redeem it."""
    normalised = normalise_code(code)
    if not normalised:
        return None
    query = select(Invite).where(Invite.code == normalised)
    found = await session.scalars(query.with_for_update() if lock else query)
    return found.first()


async def revoke_invite(session: AsyncSession, code: str, now: datetime) -> Invite:
    """Make ``code`` unusable from now on (revoking twice keeps the first time).

    Raises ``unknown`` for a code that does not exist and ``used`` for a code already
    redeemed: revoking it would change nothing.
    """
    invite = await _existing(session, code)
    if invite.used_at is not None:
        raise InviteError(InviteRefusal.USED, code=invite.code, used_at=invite.used_at)
    if invite.revoked_at is None:
        invite.revoked_at = now
        await session.flush()
    return invite


async def _existing(session: AsyncSession, code: str) -> Invite:
    invite = await find_invite(session, code, lock=True)
    if invite is None:
        raise InviteError(InviteRefusal.UNKNOWN, code=normalise_code(code) or code.strip())
    return invite


async def redeem_invite(
    session: AsyncSession,
    code: str,
    *,
    channel: str,
    chat_id: str,
    user_id: str,
    display_name: str,
    language: str | None,
    now: datetime,
) -> Contact:
    """Bind the person ``user_id`` on ``channel`` to what ``code`` stands for.

    Their contact is created, or updated when they registered before: an invite says
    who they are from now on, so a unit code makes them that unit's contact only and
    an office code an office member only. Reminders still waiting for them about
    another unit's tasks are cancelled. ``language`` is stored only when they have
    not chosen one. Sending again the code they already used answers with their
    contact unchanged. Raises :class:`InviteError` (unknown, revoked, used, expired).
    """
    invite = await _existing(session, code)
    contact = await _person(session, channel, user_id)
    if contact is not None and _already_theirs(invite, contact):
        return contact
    _check_usable(invite, now)
    before: tuple[int | None, bool] | None = None
    if contact is None:
        contact = Contact(channel=Channel(channel), user_id=user_id, chat_id=chat_id)
        session.add(contact)
    else:
        before = (contact.unit_id, contact.is_office)
    contact.chat_id = chat_id
    contact.display_name = display_name[:255]
    contact.unit_id = invite.unit_id
    contact.is_office = invite.is_office
    contact.unreachable_at = None
    if contact.language is None and language:
        contact.language = language
    await session.flush()
    if before is not None and before != (contact.unit_id, contact.is_office):
        await _cancel_reminders_no_longer_theirs(session, contact)
    invite.used_at = now
    invite.used_by = contact.id
    await session.flush()
    return contact


async def _person(session: AsyncSession, channel: str, user_id: str) -> Contact | None:
    found = await session.scalars(
        select(Contact)
        .where(Contact.channel == channel, Contact.user_id == user_id)
        .order_by(Contact.id)
    )
    return found.first()


def _already_theirs(invite: Invite, contact: Contact) -> bool:
    return (
        invite.used_by == contact.id
        and invite.revoked_at is None
        and contact.unit_id == invite.unit_id
        and contact.is_office == invite.is_office
    )


def _check_usable(invite: Invite, now: datetime) -> None:
    if invite.revoked_at is not None:
        raise InviteError(InviteRefusal.REVOKED, code=invite.code, revoked_at=invite.revoked_at)
    if invite.used_at is not None:
        raise InviteError(InviteRefusal.USED, code=invite.code, used_at=invite.used_at)
    if now >= invite.expires_at:
        raise InviteError(InviteRefusal.EXPIRED, code=invite.code, expires_at=invite.expires_at)


async def _cancel_reminders_no_longer_theirs(session: AsyncSession, contact: Contact) -> None:
    # An office member keeps only escalations; a unit's contact only that unit's reminders.
    if contact.is_office:
        theirs = Reminder.step == ReminderStep.ESCALATION
    else:
        own = select(Assignment.id).where(Assignment.unit_id == contact.unit_id)
        theirs = and_(Reminder.step != ReminderStep.ESCALATION, Reminder.assignment_id.in_(own))
    await session.execute(
        update(Reminder)
        .where(
            Reminder.contact_id == contact.id,
            Reminder.state == ReminderState.PENDING,
            not_(theirs),
        )
        .values(state=ReminderState.CANCELLED)
    )


async def summary_group(session: AsyncSession, channel: str, chat_id: str) -> Contact | None:
    """The group chat ``chat_id`` if it is registered to read summaries."""
    found = await session.scalars(
        select(Contact).where(
            Contact.channel == channel, Contact.chat_id == chat_id, Contact.user_id.is_(None)
        )
    )
    return found.first()


async def register_summary_group(
    session: AsyncSession, *, channel: str, chat_id: str, name: str
) -> tuple[Contact, bool]:
    """Register a group chat as a reader of summaries; ``True`` when it is new.

    A summary group belongs to no unit and is not the office: it reads, it is never
    asked. Registering again only updates its name (when one is given).
    """
    existing = await summary_group(session, channel, chat_id)
    if existing is not None:
        if name:
            existing.display_name = name[:255]
        existing.unreachable_at = None
        await session.flush()
        return existing, False
    group = Contact(
        channel=Channel(channel),
        chat_id=chat_id,
        user_id=None,
        unit_id=None,
        is_office=False,
        display_name=name[:255],
    )
    session.add(group)
    await session.flush()
    return group, True


async def list_contacts(session: AsyncSession) -> list[ContactRow]:
    """Every registered contact: office first, then by unit, then summary groups."""
    rows = await session.execute(
        select(Contact, Unit.name).outerjoin(Unit, Unit.id == Contact.unit_id).order_by(Contact.id)
    )
    listed = [
        ContactRow(
            channel=contact.channel.value,
            name=contact.display_name,
            chat_id=contact.chat_id,
            is_group=contact.user_id is None,
            is_office=contact.is_office,
            unit_name=unit_name,
            reachable=contact.unreachable_at is None,
        )
        for contact, unit_name in rows
    ]
    return sorted(listed, key=_listing_order)


def _listing_order(row: ContactRow) -> tuple[int, str, str]:
    rank = 0 if row.is_office else 2 if row.is_group else 1
    return rank, (row.unit_name or "").casefold(), row.name.casefold()
