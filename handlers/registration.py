"""Joining: ``/start CODE`` binds a person to a unit or to the office, ``/dangkynhom``
makes a group chat a reader of summaries.

``/start`` alone welcomes a registered person with what they can do, and tells a
stranger how to register. Codes are redeemed in a private chat only: a code sent
in a group is not used.
"""

from __future__ import annotations

import logging
from datetime import datetime

from babel.dates import format_datetime

from handlers.conversation import STRANGER_HELP, role_of
from handlers.invites import (
    InviteError,
    InviteRefusal,
    redeem_invite,
    register_summary_group,
    summary_group,
)
from handlers.router import EVERYONE, OFFICE, Role, Router
from handlers.secretary import guide_text, unit_open_tasks
from handlers.turn import Turn
from storage.models import Contact, Unit

log = logging.getLogger(__name__)

router = Router("registration")


def _(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated per person with ``turn._``."""
    return message


REGISTERED_UNIT = _("Registered: {name} receives the tasks and reminders of {unit}.")
REGISTERED_OFFICE = _("Registered: {name} is a member of the committee office.")
WELCOME_UNIT = _("Hello {name}! You receive the tasks and reminders of {unit}.")
WELCOME_OFFICE = _("Hello {name}! You are a member of the committee office.")
OPEN_COUNT = _("Open tasks now: {count}. Send /nhiemvu to see them.")
REFUSALS: dict[InviteRefusal, str] = {
    InviteRefusal.UNKNOWN: _(
        "The code {code} does not exist. Check it, or ask the committee office for a new one."
    ),
    InviteRefusal.USED: _(
        "The code {code} has already been used: each code registers one person. "
        "Ask the committee office for a new one."
    ),
    InviteRefusal.EXPIRED: _(
        "The code {code} expired at {time}. Ask the committee office for a new one."
    ),
    InviteRefusal.REVOKED: _(
        "The code {code} has been cancelled. Ask the committee office for a new one."
    ),
}
CODE_IN_GROUP = _(
    "Invite codes work only in a private chat with the bot. Open a chat with the bot and "
    "send /start CODE there."
)
GROUP_START_REGISTERED = _("This group receives the committee's summaries.")
GROUP_START_OFFICE = _("To have the summaries posted in this group, send /dangkynhom here.")
GROUP_START_OTHERS = _("To register, send /start CODE in a private chat with the bot.")
GROUP_ONLY = _(
    "Send /dangkynhom in the group that should receive the summaries, after adding the bot to it."
)
GROUP_REGISTERED = _(
    "Done: this group will receive the committee's summaries. Its members only read them; "
    "the bot never asks the group for reports."
)
GROUP_ALREADY = _("This group already receives the committee's summaries.")


@router.command("start", roles=EVERYONE)
async def start(turn: Turn) -> None:
    """Redeem the code after ``/start``, or welcome the sender."""
    code = turn.incoming.arguments
    if turn.incoming.chat_is_group:
        await _start_in_group(turn, code)
    elif code:
        await _redeem(turn, code)
    else:
        await _welcome(turn)


async def _start_in_group(turn: Turn, code: str) -> None:
    if code:
        turn.say(turn._(CODE_IN_GROUP))
    elif await summary_group(turn.session, turn.incoming.channel, turn.incoming.chat_id):
        turn.say(turn._(GROUP_START_REGISTERED))
    elif turn.role is Role.OFFICE:
        turn.say(turn._(GROUP_START_OFFICE))
    else:
        turn.say(turn._(GROUP_START_OTHERS))


async def _redeem(turn: Turn, code: str) -> None:
    incoming = turn.incoming
    try:
        # The platform's language is not taken: phones set to English are common among
        # people who read Vietnamese; /ngonngu changes it.
        contact = await redeem_invite(
            turn.session,
            code,
            channel=incoming.channel,
            chat_id=incoming.chat_id,
            user_id=incoming.user_id,
            display_name=incoming.display_name,
            language=None,
            now=turn.now,
        )
    except InviteError as error:
        log.info("invite %s refused for %s: %s", code, incoming.user_id, error.code)
        turn.say(refusal_text(turn, error))
        return
    turn.contact = contact
    turn.role = role_of(incoming, contact)
    turn.report.contact_id = contact.id
    log.info("%s:%s registered as contact %s", incoming.channel, incoming.user_id, contact.id)
    if contact.unit_id is not None:
        await turn.deps.planner.plan_unit(turn.session, contact.unit_id, now=turn.now)
    await _describe(turn, contact, registered=True)


def refusal_text(turn: Turn, error: InviteError) -> str:
    """Why the code was refused, in the person's language."""
    expires_at = error.params.get("expires_at")
    when = _local_time(turn, expires_at) if isinstance(expires_at, datetime) else "…"
    code = str(error.params.get("code", ""))
    return turn._(REFUSALS[error.refusal]).format(code=code, time=when)


def _local_time(turn: Turn, at: datetime) -> str:
    local = turn.deps.calendar.local(at)
    return format_datetime(local, "HH:mm dd/MM/yyyy", locale=turn.language)


async def _welcome(turn: Turn) -> None:
    if turn.contact is None or turn.role is Role.STRANGER:
        turn.say(turn._(STRANGER_HELP))
        return
    await _describe(turn, turn.contact, registered=False)


async def _describe(turn: Turn, contact: Contact, *, registered: bool) -> None:
    """Who the person now is, how many tasks wait, and what they can do."""
    name = contact.display_name or contact.user_id or ""
    parts: list[str] = []
    unit = await turn.session.get(Unit, contact.unit_id) if contact.unit_id else None
    if contact.is_office or unit is None:
        parts.append(turn._(REGISTERED_OFFICE if registered else WELCOME_OFFICE).format(name=name))
    else:
        message = REGISTERED_UNIT if registered else WELCOME_UNIT
        parts.append(turn._(message).format(name=name, unit=unit.name))
        count = len(await unit_open_tasks(turn, unit.id))
        parts.append(turn._(OPEN_COUNT).format(count=count))
    parts.append(guide_text(turn))
    turn.say("\n\n".join(parts))


@router.command("dangkynhom", roles=OFFICE)
async def register_group(turn: Turn) -> None:
    """Make this group chat a reader of summaries (office members, in the group)."""
    incoming = turn.incoming
    if not incoming.chat_is_group:
        turn.say(turn._(GROUP_ONLY))
        return
    _group, created = await register_summary_group(
        turn.session,
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        name=incoming.arguments,
    )
    turn.say(turn._(GROUP_REGISTERED if created else GROUP_ALREADY))
