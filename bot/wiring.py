"""Start-up wiring: the objects built from the settings, in one place."""

from __future__ import annotations

from bot.config import Settings
from bot.i18n import translator
from handlers.reminder_text import ReminderComposer
from scheduling.calendar import WorkingCalendar
from scheduling.clock import Clock
from scheduling.compose import Composer
from scheduling.limits import FloodLimits
from scheduling.planner import ReminderPlanner

BUTTON_CHANNELS = frozenset({"telegram", "console"})
"""Channels whose messages carry buttons; reminders elsewhere (Zalo) end with numbered
answers."""


def working_calendar(settings: Settings) -> WorkingCalendar:
    """The working-day calendar the settings describe."""
    return WorkingCalendar.from_settings(settings)


def reminder_planner(settings: Settings) -> ReminderPlanner:
    """The planner that turns assignments into outbox rows under the settings' calendar."""
    return ReminderPlanner(working_calendar(settings), send_time=settings.reminder_clock)


def channel_limits(settings: Settings) -> dict[str, FloodLimits]:
    """Sending limits of the channels that differ from Telegram's (the dispatcher's
    default): Zalo's ``ZALO_PER_SECOND_LIMIT`` messages a second in all."""
    return {"zalo": FloodLimits(per_second=settings.zalo_per_second_limit)}


def reminder_composer(settings: Settings, clock: Clock) -> Composer:
    """The reminders' texts and answer buttons, in each contact's language."""
    return ReminderComposer(
        lambda language: translator(language or settings.language, settings.locales_dir),
        buttons=BUTTON_CHANNELS,
        clock=clock,
        tz=settings.tz,
    )
