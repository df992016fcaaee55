"""Invite codes and registered contacts on the command line.

``nhacviec units invite NAME`` creates a code for one unit; ``nhacviec admin invite``
one for an office member; ``nhacviec admin revoke CODE`` cancels a code not yet
used; ``nhacviec admin contacts`` lists who is registered. Mount :data:`admin_app`
as ``admin`` and add the unit command with :func:`add_unit_invite_command`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from babel.dates import format_datetime
from rich.console import Group, RenderableType
from rich.text import Text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli_errors import EXIT_FAILED, EXIT_NOT_FOUND, CliError, user_errors
from bot.cli_runtime import in_transaction
from bot.config import get_settings
from bot.i18n import _
from bot.render import N_, emit, help_text, list_table
from handlers.invites import (
    ContactRow,
    InviteError,
    InviteRefusal,
    create_invite,
    list_contacts,
    revoke_invite,
)
from plans.directory import find_unit
from plans.errors import PlanServiceError
from storage.models import Invite, UnitKind

DEFAULT_DAYS = 7

admin_app = typer.Typer(
    help=help_text(N_("Invite office members, revoke invite codes, list registered contacts.")),
    no_args_is_help=True,
    rich_markup_mode=None,
)

Days = Annotated[
    int,
    typer.Option(
        "--days",
        min=1,
        max=365,
        metavar="N",
        help=help_text(N_("Days the code stays valid (default 7).")),
    ),
]


def add_unit_invite_command(units_app: typer.Typer) -> None:
    """Add ``invite`` to the ``nhacviec units`` commands."""
    units_app.command(
        "invite", help=help_text(N_("Create an invite code for a unit's contact person."))
    )(invite_unit_command)


def invite_unit_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help=help_text(N_("Unit name.")))],
    days: Days = DEFAULT_DAYS,
) -> None:
    """Create a single-use code that makes whoever redeems it the unit's contact."""

    async def work(session: AsyncSession) -> tuple[Invite, str]:
        unit = await find_unit(session, name)
        if unit is None:
            raise PlanServiceError("unit_not_found", {"name": name})
        if unit.kind == UnitKind.GROUP:
            message = _('"{name}" is a group of units: invite each of its units instead.')
            raise CliError(message.format(name=unit.name))
        invite = await create_invite(
            session, unit_id=unit.id, office=False, now=_now(), valid_for=timedelta(days=days)
        )
        return invite, unit.name

    with user_errors(name=name):
        invite, unit_name = in_transaction(work)
    heading = _("Invite code for {unit}: {code}").format(unit=unit_name, code=invite.code)
    emit(invite_text(heading, invite))


@admin_app.command("invite", help=help_text(N_("Create an invite code for an office member.")))
def office_invite_command(days: Days = DEFAULT_DAYS) -> None:
    """Create a single-use code that makes whoever redeems it an office member."""

    async def work(session: AsyncSession) -> Invite:
        valid_for = timedelta(days=days)
        return await create_invite(
            session, unit_id=None, office=True, now=_now(), valid_for=valid_for
        )

    with user_errors():
        invite = in_transaction(work)
    heading = _("Invite code for a member of the office: {code}").format(code=invite.code)
    emit(invite_text(heading, invite))


def invite_text(heading: str, invite: Invite) -> Group:
    """The code, when it expires, and how the invited person uses it."""
    parts: list[RenderableType] = [
        Text(heading, style="bold"),
        Text(_("It works once, until {time}.").format(time=local_time(invite.expires_at))),
    ]
    username = get_settings().telegram_bot_username
    if username:
        parts.append(Text(_("Send this link to the person invited:")))
        parts.append(Text(f"  https://t.me/{username}?start={invite.code}"))
        parts.append(Text(_("Or they send the bot: /start {code}").format(code=invite.code)))
    else:
        parts.append(
            Text(_("The person invited sends the bot: /start {code}").format(code=invite.code))
        )
    return Group(*parts)


@admin_app.command("revoke", help=help_text(N_("Cancel an invite code not yet used.")))
def revoke_command(
    code: Annotated[str, typer.Argument(metavar="CODE", help=help_text(N_("Invite code.")))],
) -> None:
    """Make a code unusable."""

    async def work(session: AsyncSession) -> Invite:
        try:
            return await revoke_invite(session, code, _now())
        except InviteError as error:
            raise CliError(revoke_refusal(error), _exit_code(error)) from None

    with user_errors(code=code):
        invite = in_transaction(work)
    emit(Text(_("Code {code} cancelled: it can no longer be used.").format(code=invite.code)))


def revoke_refusal(error: InviteError) -> str:
    """Why a code could not be revoked."""
    code = str(error.params.get("code", ""))
    if error.refusal is InviteRefusal.USED:
        used_at = error.params.get("used_at")
        when = local_time(used_at) if isinstance(used_at, datetime) else "…"
        message = _("The code {code} was already used at {time}: there is nothing to cancel.")
        return message.format(code=code, time=when)
    return _("There is no invite code {code}.").format(code=code)


def _exit_code(error: InviteError) -> int:
    return EXIT_NOT_FOUND if error.refusal is InviteRefusal.UNKNOWN else EXIT_FAILED


@admin_app.command("contacts", help=help_text(N_("List the registered people and groups.")))
def contacts_command() -> None:
    """Print every registered contact: channel, name, what it belongs to, reachable."""
    with user_errors():
        rows = in_transaction(list_contacts)
    if not rows:
        hint = _('Nobody is registered yet. Create an invite: nhacviec units invite "NAME"')
        emit(Text(hint))
        return
    table = list_table(_("Channel"), _("Name"), _("Belongs to"), _("Reachable"))
    for row in rows:
        reachable = _("yes") if row.reachable else _("no")
        table.add_row(row.channel, contact_name(row), belongs_to(row), reachable)
    emit(table)


def contact_name(row: ContactRow) -> str:
    """The name shown for a contact (a group without a name: its chat id)."""
    return row.name or f"({row.chat_id})"


def belongs_to(row: ContactRow) -> str:
    """The office, the unit, or the summary group."""
    if row.is_office:
        return _("Office")
    if row.is_group:
        return _("summary group")
    return row.unit_name or _("(none)")


def local_time(at: datetime) -> str:
    """A moment in the configured time zone, as people write it: ``14:30 08/12/2026``."""
    settings = get_settings()
    return format_datetime(at.astimezone(settings.tz), "HH:mm dd/MM/yyyy", locale=settings.language)


def _now() -> datetime:
    return datetime.now(UTC)
