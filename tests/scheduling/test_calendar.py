"""Working days, holidays and quiet hours: when a message may go out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from scheduling.calendar import WorkingCalendar, vietnamese_holidays

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BERLIN = ZoneInfo("Europe/Berlin")
DEFAULT = WorkingCalendar(tz=VN)


def local(text: str, tz: ZoneInfo = VN) -> datetime:
    """An aware moment from a local ``YYYY-MM-DD HH:MM`` text."""
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-03-27", True),  # Friday
        ("2026-03-28", True),  # Saturday works unless configured
        ("2026-03-29", False),  # Sunday
        ("2026-01-01", False),  # New Year
        ("2026-02-13", True),  # Friday before Tết
        ("2026-02-16", False),  # Tết 2026: 16–20/02
        ("2026-02-17", False),
        ("2026-02-20", False),
        ("2026-02-21", True),
        ("2026-04-27", False),  # Giỗ Tổ Hùng Vương falls on Sunday 26/04, observed Monday
        ("2026-04-30", False),
        ("2026-05-01", False),
        ("2026-05-02", True),
        ("2026-08-31", False),  # bridge day before National Day
        ("2026-09-02", False),
        ("2026-09-03", True),
        ("2027-02-04", False),  # Tết 2027: 04–10/02
        ("2027-02-10", False),
        ("2027-02-11", True),
    ],
)
def test_working_days(day: str, working: bool) -> None:
    assert DEFAULT.is_working_day(d(day)) is working


def test_holidays_come_from_the_lunar_calendar_per_year() -> None:
    tet_2026 = {d(f"2026-02-{n}") for n in range(16, 21)}
    tet_2027 = {d(f"2027-02-{n:02d}") for n in range(4, 11)}
    assert tet_2026 <= vietnamese_holidays(2026)
    assert tet_2027 <= vietnamese_holidays(2027)
    assert vietnamese_holidays(2027) is vietnamese_holidays(2027)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-03-31 07:00", "2026-03-31 07:00"),  # allowed: unchanged
        ("2026-03-31 20:59", "2026-03-31 20:59"),
        ("2026-03-31 06:59", "2026-03-31 07:00"),  # end of the night, same day
        ("2026-03-31 00:00", "2026-03-31 07:00"),
        ("2026-03-31 21:00", "2026-04-01 07:00"),
        ("2026-03-31 21:30", "2026-04-01 07:00"),
        ("2026-03-28 21:30", "2026-03-30 07:00"),  # Saturday night skips Sunday
        ("2026-03-29 10:00", "2026-03-30 07:00"),  # Sunday
        ("2026-02-14 22:00", "2026-02-21 07:00"),  # Saturday night before Tết 2026
        ("2026-02-18 09:00", "2026-02-21 07:00"),  # inside Tết 2026
        ("2027-02-03 21:30", "2027-02-11 07:00"),  # Tết 2027 runs 04–10/02
        ("2027-02-07 12:00", "2027-02-11 07:00"),
        ("2026-04-25 22:00", "2026-04-28 07:00"),  # Sunday Giỗ Tổ, observed Monday
        ("2026-04-29 21:30", "2026-05-02 07:00"),  # 30/4 Thu, 1/5 Fri, Saturday works
        ("2026-08-29 21:00", "2026-09-03 07:00"),  # Sunday, bridge Monday, 1–2/9
    ],
)
def test_next_allowed(at: str, expected: str) -> None:
    result = DEFAULT.next_allowed(local(at))
    assert result.tzinfo is UTC
    assert result == local(expected)


def test_next_allowed_keeps_seconds_of_an_allowed_moment() -> None:
    at = local("2026-03-31 10:15:42.5")
    assert DEFAULT.next_allowed(at) == at


@pytest.mark.parametrize(
    ("at", "allowed"),
    [
        (datetime(2026, 3, 31, 0, 0, tzinfo=UTC), True),  # 07:00 local
        (datetime(2026, 3, 30, 23, 59, tzinfo=UTC), False),  # 06:59 local
        (datetime(2026, 3, 31, 14, 0, tzinfo=UTC), False),  # 21:00 local
        (datetime(2026, 3, 29, 3, 0, tzinfo=UTC), False),  # Sunday 10:00 local
        (datetime(2026, 3, 28, 16, 30, tzinfo=UTC), False),  # Saturday 23:30 local
    ],
)
def test_is_allowed_reads_local_time(at: datetime, allowed: bool) -> None:
    assert DEFAULT.is_allowed(at) is allowed


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2026, 1, "2026-01-02"),  # 1/1 is New Year
        (2026, 2, "2026-02-02"),  # 1/2 is a Sunday
        (2026, 4, "2026-04-01"),
        (2026, 5, "2026-05-02"),  # 1/5 Labour Day, then Saturday
        (2026, 9, "2026-09-03"),
        (2027, 2, "2027-02-01"),
    ],
)
def test_first_working_day(year: int, month: int, expected: str) -> None:
    assert DEFAULT.first_working_day(year, month) == d(expected)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-03-30", "2026-03-30"),
        ("2026-03-29", "2026-03-30"),
        ("2026-02-16", "2026-02-21"),
        ("2027-02-04", "2027-02-11"),
    ],
)
def test_working_day_on_or_after(day: str, expected: str) -> None:
    assert DEFAULT.working_day_on_or_after(d(day)) == d(expected)


@pytest.mark.parametrize(
    ("calendar", "at", "expected"),
    [
        # Government adds Friday 13/02 and Saturday 14/02 to the Tết break.
        (
            WorkingCalendar(tz=VN, extra_days_off=frozenset({d("2026-02-13"), d("2026-02-14")})),
            "2026-02-12 21:30",
            "2026-02-21 07:00",
        ),
        # A Sunday worked in exchange.
        (
            WorkingCalendar(tz=VN, extra_working_days=frozenset({d("2026-03-29")})),
            "2026-03-28 21:30",
            "2026-03-29 07:00",
        ),
        # An extra working day wins over a public holiday.
        (
            WorkingCalendar(tz=VN, extra_working_days=frozenset({d("2026-04-27")})),
            "2026-04-25 22:00",
            "2026-04-27 07:00",
        ),
        (
            WorkingCalendar(tz=VN, rest_weekdays=frozenset({5, 6})),
            "2026-03-27 21:30",
            "2026-03-30 07:00",
        ),
        (
            WorkingCalendar(tz=VN, rest_weekdays=frozenset({5, 6})),
            "2026-02-16 08:00",
            "2026-02-23 07:00",
        ),
        (WorkingCalendar(tz=VN, rest_weekdays=frozenset()), "2026-03-28 21:30", "2026-03-29 07:00"),
        (WorkingCalendar(tz=VN, public_holidays=False), "2026-02-17 08:00", "2026-02-17 08:00"),
        # Quiet hours that do not cross midnight.
        (
            WorkingCalendar(tz=VN, quiet_start=time(12, 0), quiet_end=time(13, 30)),
            "2026-03-31 12:15",
            "2026-03-31 13:30",
        ),
        (
            WorkingCalendar(tz=VN, quiet_start=time(12, 0), quiet_end=time(13, 30)),
            "2026-03-31 23:00",
            "2026-03-31 23:00",
        ),
        # Equal ends: no quiet hours at all.
        (
            WorkingCalendar(tz=VN, quiet_start=time(0, 0), quiet_end=time(0, 0)),
            "2026-03-31 23:59",
            "2026-03-31 23:59",
        ),
        (
            WorkingCalendar(tz=VN, quiet_start=time(0, 0), quiet_end=time(0, 0)),
            "2026-03-29 12:00",
            "2026-03-30 00:00",
        ),
    ],
)
def test_configured_calendars(calendar: WorkingCalendar, at: str, expected: str) -> None:
    assert calendar.next_allowed(local(at)) == local(expected)


BERLIN_CAL = WorkingCalendar(tz=BERLIN, public_holidays=False)
BERLIN_EVERY_DAY = WorkingCalendar(tz=BERLIN, public_holidays=False, rest_weekdays=frozenset())


@pytest.mark.parametrize(
    ("calendar", "at", "expected"),
    [
        # Saturday 21:30 CET → Monday 07:00 CEST, across the spring change on 29/03/2026.
        (
            BERLIN_CAL,
            datetime(2026, 3, 28, 20, 30, tzinfo=UTC),
            datetime(2026, 3, 30, 5, 0, tzinfo=UTC),
        ),
        (
            BERLIN_EVERY_DAY,
            datetime(2026, 3, 28, 21, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 5, 0, tzinfo=UTC),
        ),
        # Saturday 22:00 CEST → Monday 07:00 CET, across the autumn change on 25/10/2026.
        (
            BERLIN_CAL,
            datetime(2026, 10, 24, 20, 0, tzinfo=UTC),
            datetime(2026, 10, 26, 6, 0, tzinfo=UTC),
        ),
        (
            BERLIN_EVERY_DAY,
            datetime(2026, 10, 24, 20, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 6, 0, tzinfo=UTC),
        ),
        # Quiet hours ending at 02:30, a wall time the spring change skips: just after the gap.
        (
            WorkingCalendar(
                tz=BERLIN,
                public_holidays=False,
                rest_weekdays=frozenset(),
                quiet_start=time(1, 0),
                quiet_end=time(2, 30),
            ),
            datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        ),
    ],
)
def test_daylight_saving_zone(calendar: WorkingCalendar, at: datetime, expected: datetime) -> None:
    assert calendar.next_allowed(at) == expected


@pytest.mark.parametrize(
    ("at", "allowed"),
    [
        (datetime(2026, 3, 27, 6, 30, tzinfo=UTC), True),  # Friday 07:30 CET
        (datetime(2026, 3, 27, 5, 30, tzinfo=UTC), False),  # Friday 06:30 CET
        (datetime(2026, 3, 30, 5, 30, tzinfo=UTC), True),  # Monday 07:30 CEST
        (datetime(2026, 3, 30, 4, 30, tzinfo=UTC), False),  # Monday 06:30 CEST
        (datetime(2026, 3, 31, 19, 30, tzinfo=UTC), False),  # Tuesday 21:30 CEST
    ],
)
def test_is_allowed_across_daylight_saving(at: datetime, allowed: bool) -> None:
    assert BERLIN_CAL.is_allowed(at) is allowed


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        DEFAULT.next_allowed(datetime(2026, 3, 31, 8, 0))
    with pytest.raises(ValueError, match="aware"):
        DEFAULT.is_allowed(datetime(2026, 3, 31, 8, 0))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rest_weekdays": frozenset(range(7))},
        {"rest_weekdays": frozenset({7})},
        {
            "extra_days_off": frozenset({date(2026, 3, 1)}),
            "extra_working_days": frozenset({date(2026, 3, 1)}),
        },
        {"quiet_start": time(21, 0, tzinfo=UTC)},
    ],
)
def test_impossible_calendars_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(tz=VN, **kwargs)  # type: ignore[arg-type]


def test_from_default_settings() -> None:
    assert WorkingCalendar.from_settings(Settings(_env_file=None)) == WorkingCalendar(tz=VN)


def test_from_settings() -> None:
    settings = Settings(
        _env_file=None,
        timezone="Europe/Berlin",
        quiet_hours="22:00-06:30",
        rest_weekdays="sat,sun",
        public_holidays=False,
        extra_days_off="2026-12-24,2026-12-31",
        extra_working_days="2026-12-19",
    )
    assert WorkingCalendar.from_settings(settings) == WorkingCalendar(
        tz=BERLIN,
        quiet_start=time(22, 0),
        quiet_end=time(6, 30),
        rest_weekdays=frozenset({5, 6}),
        public_holidays=False,
        extra_days_off=frozenset({date(2026, 12, 24), date(2026, 12, 31)}),
        extra_working_days=frozenset({date(2026, 12, 19)}),
    )
