"""When a reader gets the weekly summary: a day of the week and a time, as people
type it ("thứ 2 08:00", "T6 16h30", "CN 7h"), and the ISO week it falls in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from plans.text import fold

_DAYS = {
    "mon": 0, "t2": 0, "thu2": 0, "thuhai": 0,
    "tue": 1, "t3": 1, "thu3": 1, "thuba": 1,
    "wed": 2, "t4": 2, "thu4": 2, "thutu": 2,
    "thu": 3, "t5": 3, "thu5": 3, "thunam": 3,
    "fri": 4, "t6": 4, "thu6": 4, "thusau": 4,
    "sat": 5, "t7": 5, "thu7": 5, "thubay": 5,
    "sun": 6, "cn": 6, "chunhat": 6,
}  # fmt: skip
_SCHEDULE = re.compile(r"^\s*([a-z0-9 ]+?)\s+(\d{1,2})(?:\s*[:hg]\s*(\d{2})?)?\s*$")
OFF = "off"
"""Stored as a reader's schedule when it wants no weekly summary."""
OFF_WORDS = frozenset({"off", "tat", "khong", "ngung", "dung", "none"})


@dataclass(frozen=True)
class WeeklySchedule:
    """When in the week a reader gets the summary: ``weekday`` (0 = Monday) at ``at``."""

    weekday: int = 0
    at: time = time(8, 0)

    def __str__(self) -> str:
        return f"{self.weekday}@{self.at.strftime('%H:%M')}"

    @classmethod
    def from_text(cls, stored: str) -> WeeklySchedule | None:
        """The schedule :meth:`__str__` wrote; ``None`` for "off" or anything unreadable."""
        day, _, at = stored.partition("@")
        try:
            return cls(int(day), time.fromisoformat(at))
        except ValueError:
            return None


def parse_schedule(text: str) -> WeeklySchedule | None:
    """A schedule as people type it: "thứ 2 08:00", "T6 16h30", "mon 8:00", "CN 7h".

    Raises ``ValueError`` when ``text`` is not one (callers tell the person how to write it).
    """
    folded = fold(text).replace("thu ", "thu").replace("chu nhat", "chunhat")
    found = _SCHEDULE.match(folded)
    if found is None or found.group(1).replace(" ", "") not in _DAYS:
        raise ValueError(text)
    hour, minute = int(found.group(2)), int(found.group(3) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(text)
    return WeeklySchedule(_DAYS[found.group(1).replace(" ", "")], time(hour, minute))


def week_key(day: date) -> str:
    """The ISO week ``day`` falls in: ``2026-W48``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def this_weeks_moment(now: datetime, schedule: WeeklySchedule, tz: ZoneInfo) -> datetime:
    """The moment of ``schedule`` in the week of ``now`` (local time), as aware UTC."""
    local = now.astimezone(tz).date()
    day = local - timedelta(days=local.weekday() - schedule.weekday)
    return datetime.combine(day, schedule.at, tzinfo=tz)


MONDAY_MORNING = WeeklySchedule()
"""The usual moment: Monday 08:00."""


def parse_setting(text: str) -> WeeklySchedule | None:
    """A schedule setting: ``None`` for "off" ("tắt", "không"), else :func:`parse_schedule`."""
    if fold(text).strip() in OFF_WORDS:
        return None
    return parse_schedule(text)
