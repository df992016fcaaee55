"""``nhacviec reminders …``: what will be sent when, how the outbox is doing, the policy."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import typer
from babel.dates import format_datetime
from rich.console import Group, RenderableType
from rich.text import Text
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import has_chat_channel
from bot.cli_errors import CliError, user_errors
from bot.cli_runtime import in_transaction
from bot.config import get_settings
from bot.i18n import _
from bot.render import N_, emit, help_text, list_table, shorten
from bot.service import open_channels, run_reminders
from bot.wiring import reminder_planner
from plans.directory import find_unit
from plans.errors import PlanServiceError
from scheduling.outbox import OutboxStats, stats
from scheduling.policy import PolicyError, ReminderPolicy
from storage import queries
from storage.models import Assignment, Plan, ReminderState, ReminderStep, Task, Unit
from storage.types import utcnow

reminders_app = typer.Typer(help=help_text(N_("See and tune the reminders.")), no_args_is_help=True)

PlanOption = Annotated[int, typer.Option("--plan", help=help_text(N_("Plan id.")))]


@dataclass(frozen=True)
class PreviewLine:
    """One reminder the policy will send: when, to which unit, why, for which task."""

    at: datetime
    unit: str
    step: ReminderStep
    occurrence: str
    task: str


STEP_NAMES = {
    ReminderStep.BEFORE: N_("{days} days before the deadline"),
    ReminderStep.DUE: N_("deadline day"),
    ReminderStep.OVERDUE: N_("{days} days overdue"),
    ReminderStep.CHECKIN: N_("progress check-in"),
    ReminderStep.ESCALATION: N_("office told: no report yet"),
}
WEEKLY_OVERDUE = N_("overdue, weekly reminder")
STATE_NAMES = {
    ReminderState.PENDING: N_("waiting to be sent"),
    ReminderState.CLAIMED: N_("being sent"),
    ReminderState.SENT: N_("sent"),
    ReminderState.CANCELLED: N_("cancelled"),
    ReminderState.DEAD: N_("undeliverable"),
    ReminderState.UNREACHABLE: N_("contact unreachable"),
}


def step_name(step: ReminderStep, occurrence: str) -> str:
    """A reminder's reason in words."""
    if step is ReminderStep.OVERDUE and occurrence.startswith("w"):
        return _(WEEKLY_OVERDUE)
    return _(STEP_NAMES[step]).format(days=occurrence)


def when(moment: datetime) -> str:
    """A moment as people read it: weekday, dd/mm/yyyy and time, in local time."""
    settings = get_settings()
    return format_datetime(
        moment.astimezone(settings.tz), "EEEE dd/MM/yyyy HH:mm", locale=settings.language
    )


@reminders_app.command(
    "preview", help=help_text(N_("List the reminders a plan will send, and when."))
)
def preview_command(
    plan: PlanOption,
    unit: Annotated[
        str | None, typer.Option("--unit", help=help_text(N_("Only this unit.")))
    ] = None,
    days: Annotated[
        int, typer.Option("--days", min=1, max=366, help=help_text(N_("How many days ahead.")))
    ] = 30,
) -> None:
    """Compute the policy's reminders for the plan's live assignments over ``days``."""
    with user_errors(plan_id=plan, name=unit or ""):
        lines = in_transaction(lambda session: _preview(session, plan, unit, days))
    emit(_preview_table(lines, days))


async def _preview(
    session: AsyncSession, plan_id: int, unit_name: str | None, days: int
) -> list[PreviewLine]:
    plan = await queries.get_plan(session, plan_id)
    if plan is None:
        raise PlanServiceError("plan_not_found", {"plan_id": plan_id})
    query = (
        select(Assignment, Task.content, Unit.name)
        .join(Task, Task.id == Assignment.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Task.plan_id == plan_id)
    )
    if unit_name is not None:
        unit = await find_unit(session, unit_name)
        if unit is None:
            raise PlanServiceError("unit_not_found", {"name": unit_name})
        query = query.where(Assignment.unit_id == unit.id)
    planner = reminder_planner(get_settings())
    policy = planner.policy_of(plan)
    now = utcnow()
    lines = [
        PreviewLine(item.at, name, item.step, item.occurrence, content)
        for assignment, content, name in (await session.execute(query)).all()
        for item in planner.preview(assignment, policy, now=now, days=days)
    ]
    return sorted(lines, key=lambda line: (line.at, line.unit))


def _preview_table(lines: Sequence[PreviewLine], days: int) -> RenderableType:
    if not lines:
        return Text(_("Nothing will be sent in the next {days} days.").format(days=days))
    table = list_table(_("When"), _("Unit"), _("Reminder"), _("Task"))
    for line in lines:
        table.add_row(
            when(line.at), line.unit, step_name(line.step, line.occurrence), shorten(line.task, 40)
        )
    headline = _("{count} reminders in the next {days} days.").format(count=len(lines), days=days)
    return Group(Text(headline, style="bold"), table)


@reminders_app.command("stats", help=help_text(N_("How the outbox is doing.")))
def stats_command() -> None:
    """Counts by state, reminders that cannot be delivered, contacts that blocked the bot."""
    with user_errors():
        outbox = in_transaction(lambda session: stats(session))
    emit(_stats_report(outbox))


def _stats_report(outbox: OutboxStats) -> RenderableType:
    parts: list[RenderableType] = [Text(_("Reminders by state:"), style="bold")]
    for state in ReminderState:
        count = outbox.by_state.get(state.value, 0)
        parts.append(Text(f"  {_(STATE_NAMES[state])}: {count}"))
    if outbox.oldest_pending_due is not None:
        parts.append(Text(_("Oldest waiting: {when}").format(when=when(outbox.oldest_pending_due))))
    if outbox.dead:
        parts.append(Text(_("Undeliverable reminders:"), style="bold"))
        table = list_table(_("Id"), _("Chat"), _("Reminder"), _("Attempts"), _("Error"))
        for dead in outbox.dead:
            table.add_row(
                str(dead.reminder_id),
                f"{dead.channel}:{dead.chat_id}",
                step_name(dead.step, ""),
                str(dead.attempts),
                shorten(dead.last_error or "", 30),
            )
        parts.append(table)
    if outbox.unreachable_contacts:
        parts.append(Text(_("Contacts who blocked the bot:"), style="bold"))
        for contact in outbox.unreachable_contacts:
            parts.append(
                Text(
                    f"  {contact.display_name or contact.chat_id} ({contact.channel}) · "
                    f"{when(contact.unreachable_at)}"
                )
            )
    return Group(*parts)


def _days(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError as error:
        message = _("Day counts must be whole numbers separated by commas: {text}")
        raise CliError(message.format(text=text)) from error


@reminders_app.command("policy", help=help_text(N_("Show or change a plan's reminder policy.")))
def policy_command(
    plan: PlanOption,
    before: Annotated[
        str | None, typer.Option(help=help_text(N_("Days before, e.g. 7,1.")))
    ] = None,
    on_due: Annotated[
        bool | None, typer.Option("--on-due/--no-on-due", help=help_text(N_("Remind on the day.")))
    ] = None,
    overdue: Annotated[
        str | None, typer.Option(help=help_text(N_("Days after, e.g. 1,3.")))
    ] = None,
    weekly: Annotated[
        bool | None,
        typer.Option("--weekly/--no-weekly", help=help_text(N_("Weekly until reported done."))),
    ] = None,
    escalate_after: Annotated[
        int | None, typer.Option(help=help_text(N_("Tell the office after N overdue reminders.")))
    ] = None,
    checkin: Annotated[
        str | None, typer.Option(help=help_text(N_("monthly, quarterly or off.")))
    ] = None,
    send_time: Annotated[
        str | None, typer.Option("--time", help=help_text(N_("Local time to send, e.g. 08:00.")))
    ] = None,
) -> None:
    """Merge the given settings into the plan's policy; re-plan its pending reminders."""
    with user_errors(plan_id=plan):
        given = {
            "before_days": _days(before),
            "on_due_day": on_due,
            "overdue_days": _days(overdue),
            "overdue_weekly": weekly,
            "escalate_after": escalate_after,
            "checkin": checkin,
            "send_time": send_time,
        }
        changes: dict[str, object] = {k: v for k, v in given.items() if v is not None}
        policy = in_transaction(lambda session: _set_policy(session, plan, changes))
    emit(_policy_report(plan, policy))


async def _set_policy(
    session: AsyncSession, plan_id: int, changes: dict[str, object]
) -> ReminderPolicy:
    plan = await session.get(Plan, plan_id)
    if plan is None:
        raise PlanServiceError("plan_not_found", {"plan_id": plan_id})
    planner = reminder_planner(get_settings())
    if not changes:
        return planner.policy_of(plan)
    stored = {**(plan.reminder_policy or {}), **changes}
    try:
        policy = ReminderPolicy.from_stored(stored, default_send_time=planner.send_time)
    except PolicyError as error:
        raise CliError(policy_message(error)) from error
    plan.reminder_policy = policy.to_stored()
    await session.flush()
    await planner.replan_plan(session, plan_id, now=utcnow())
    return policy


def policy_message(error: PolicyError) -> str:
    """A refused policy setting in words."""
    if error.code == "policy_unknown_field":
        return _("Unknown reminder setting: {field}").format(**error.params)
    return _("Invalid value for {field}: {value}").format(
        field=error.params.get("field", "…"), value=error.params.get("value", "…")
    )


def _policy_report(plan_id: int, policy: ReminderPolicy) -> RenderableType:
    yes, no = _("yes"), _("no")
    rows = [
        (_("Days before the deadline"), ", ".join(map(str, policy.before_days)) or "—"),
        (_("On the deadline day"), yes if policy.on_due_day else no),
        (_("Days overdue"), ", ".join(map(str, policy.overdue_days)) or "—"),
        (_("Then weekly until done"), yes if policy.overdue_weekly else no),
        (_("Tell the office after overdue reminder no."), str(policy.escalate_after or "—")),
        (_("Check-ins for ongoing tasks"), _(CHECKIN_NAMES[policy.checkin])),
        (_("Send time"), f"{policy.send_time:%H:%M}"),
    ]
    table = list_table(_("Setting"), _("Value"))
    for label, value in rows:
        table.add_row(label, value)
    return Group(Text(_("Reminder policy of plan {id}").format(id=plan_id), style="bold"), table)


CHECKIN_NAMES = {"monthly": N_("monthly"), "quarterly": N_("quarterly"), "off": N_("off")}


@reminders_app.command(
    "run", help=help_text(N_("Send reminders as they come due, until stopped (Ctrl+C)."))
)
def run_command() -> None:
    """Run the planner, dispatcher and reaper on the configured channels."""
    settings = get_settings()
    with user_errors():
        if not has_chat_channel(settings):
            raise CliError(
                _("No chat channel is configured: set TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN.")
            )

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            async with open_channels(settings) as channels:
                await run_reminders(settings, channels, stop)

        emit(Text(_("Sending reminders. Press Ctrl+C to stop.")))
        asyncio.run(main())
