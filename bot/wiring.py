"""Start-up wiring: the objects built from the settings, in one place."""

from __future__ import annotations

from bot.config import Settings
from scheduling.calendar import WorkingCalendar
from scheduling.limits import FloodLimits
from scheduling.planner import ReminderPlanner


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
