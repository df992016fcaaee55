"""The working-day calendar: when a message may be sent at all.

A moment is allowed on a working day (not a rest weekday, not a Vietnamese public
holiday, not an extra day off — unless declared an extra working day) outside the
nightly quiet hours, all read in local time. :meth:`WorkingCalendar.next_allowed`
moves any moment to the first allowed one, which is how reminders that fall due on a
Sunday, at night or during Tết go out on the next working morning.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays

if TYPE_CHECKING:
    from bot.config import Settings

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SUNDAY = 6
# Far beyond any real run of days off (Tết plus bridge days is under two weeks); only a
# misconfigured calendar without working days reaches it.
_SEARCH_DAYS = 3 * 366
_MIDNIGHT = time(0, 0)


@functools.cache
def vietnamese_holidays(year: int) -> frozenset[date]:
    """Vietnam's public holidays of ``year`` (Tết by the lunar calendar, observed days included)."""
    return frozenset(holidays.country_holidays("VN", years=year))


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days and quiet hours in one time zone.

    Quiet hours run from ``quiet_start`` to ``quiet_end`` (past midnight when the end is
    earlier); equal ends mean no quiet hours. ``extra_working_days`` win over rest
    weekdays and holidays; a date may not be both an extra day off and an extra working day.
    """

    tz: ZoneInfo = DEFAULT_TZ
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    rest_weekdays: frozenset[int] = frozenset({SUNDAY})
    public_holidays: bool = True
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.rest_weekdays <= set(range(7)):
            raise ValueError(f"rest weekdays must be 0 (Monday) … 6 (Sunday): {self.rest_weekdays}")
        if len(self.rest_weekdays) == 7:
            raise ValueError("every weekday is a rest day")
        if self.quiet_start.tzinfo is not None or self.quiet_end.tzinfo is not None:
            raise ValueError("quiet hours are local times without tzinfo")
        if self.extra_days_off & self.extra_working_days:
            raise ValueError("a date cannot be both an extra day off and an extra working day")

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkingCalendar:
        """The calendar configured by ``TIMEZONE``, ``QUIET_HOURS``, ``REST_WEEKDAYS``,
        ``PUBLIC_HOLIDAYS``, ``EXTRA_DAYS_OFF`` and ``EXTRA_WORKING_DAYS``."""
        quiet_start, quiet_end = settings.quiet_window
        return cls(
            tz=settings.tz,
            quiet_start=quiet_start,
            quiet_end=quiet_end,
            rest_weekdays=settings.rest_weekday_numbers,
            public_holidays=settings.public_holidays,
            extra_days_off=settings.extra_days_off_dates,
            extra_working_days=settings.extra_working_days_dates,
        )

    def is_working_day(self, day: date) -> bool:
        """Whether messages may go out on the local date ``day`` (quiet hours aside)."""
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off or day.weekday() in self.rest_weekdays:
            return False
        return not (self.public_holidays and day in vietnamese_holidays(day.year))

    def is_allowed(self, at: datetime) -> bool:
        """Whether a message may go out at the aware moment ``at``."""
        local = self.local(at)
        return self.is_working_day(local.date()) and not self._is_quiet(local.time())

    def next_allowed(self, at: datetime) -> datetime:
        """``at`` itself if allowed, else the first allowed moment after it; aware UTC."""
        if self.is_allowed(at):
            return at.astimezone(UTC)
        local = self.local(at)
        day, clock = local.date(), local.time()
        for _ in range(_SEARCH_DAYS):
            if self.is_working_day(day):
                opening = self._opening_from(clock)
                if opening is not None:
                    return self.at_local(day, opening)
            day, clock = day + timedelta(days=1), _MIDNIGHT
        raise ValueError(f"no working day within {_SEARCH_DAYS} days of {at.isoformat()}")

    def first_working_day(self, year: int, month: int) -> date:
        """The first working day of ``month`` in ``year`` (may spill into the next month)."""
        return self.working_day_on_or_after(date(year, month, 1))

    def working_day_on_or_after(self, day: date) -> date:
        """``day`` if it is a working day, else the next working day."""
        for offset in range(_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_SEARCH_DAYS} days of {day.isoformat()}")

    def local(self, at: datetime) -> datetime:
        """The aware moment ``at`` in this calendar's time zone."""
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"an aware datetime is needed, got {at.isoformat()}")
        return at.astimezone(self.tz)

    def at_local(self, day: date, clock: time) -> datetime:
        """The moment the local wall clock shows ``clock`` on ``day``, as aware UTC.

        A wall time skipped by a daylight-saving jump is read with the offset before the
        jump, which lands just after the gap.
        """
        return datetime.combine(day, clock, tzinfo=self.tz).astimezone(UTC)

    def _is_quiet(self, clock: time) -> bool:
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= clock < self.quiet_end
        return clock >= self.quiet_start or clock < self.quiet_end

    def _opening_from(self, clock: time) -> time | None:
        """The first allowed wall time at or after ``clock`` on the same day, if any."""
        if not self._is_quiet(clock):
            return clock
        if clock < self.quiet_end:
            return self.quiet_end
        # Quiet until midnight: the quiet stretch runs on into the next day.
        return None
