"""Settings defaults and environment overrides."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import DEFAULT_LOCALES_DIR, Settings

CALENDAR_VARIABLES = (
    "QUIET_HOURS",
    "REST_WEEKDAYS",
    "PUBLIC_HOLIDAYS",
    "EXTRA_DAYS_OFF",
    "EXTRA_WORKING_DAYS",
    "REMINDER_TIME",
)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DATABASE_URL",
        "TIMEZONE",
        "LANGUAGE",
        "LOCALES_DIR",
        "MAX_PLAN_BYTES",
        "TELEGRAM_BOT_TOKEN",
        "ZALO_BOT_TOKEN",
        *CALENDAR_VARIABLES,
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///./data/nhacviec.db"
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.language == "vi"
    assert settings.locales_dir == DEFAULT_LOCALES_DIR
    assert (settings.locales_dir / "vi" / "LC_MESSAGES" / "nhacviec.po").is_file()
    assert settings.max_plan_bytes == 20 * 1024 * 1024
    assert settings.telegram_bot_token is None
    assert settings.zalo_bot_token is None
    assert settings.tz.key == "Asia/Ho_Chi_Minh"
    assert settings.quiet_window == (time(21, 0), time(7, 0))
    assert settings.rest_weekday_numbers == frozenset({6})
    assert settings.public_holidays is True
    assert settings.extra_days_off_dates == frozenset()
    assert settings.extra_working_days_dates == frozenset()
    assert settings.reminder_clock == time(8, 0)


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///x.db")
    monkeypatch.setenv("TIMEZONE", "UTC")
    monkeypatch.setenv("MAX_PLAN_BYTES", "1000")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///x.db"
    assert settings.timezone == "UTC"
    assert settings.max_plan_bytes == 1000
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(settings)


def test_env_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZALO_BOT_TOKEN", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("ZALO_BOT_TOKEN=zalo-secret\nLANGUAGE=en\n", encoding="utf-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    settings = Settings(_env_file=env_file)
    assert settings.zalo_bot_token is not None
    assert settings.zalo_bot_token.get_secret_value() == "zalo-secret"
    assert settings.language == "en"


def test_posix_language_lists_are_reduced_to_one_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "en_US.UTF-8:en")
    assert Settings(_env_file=None).language == "en"


@pytest.mark.parametrize(("name", "value"), [("TIMEZONE", "Mars/Olympus"), ("MAX_PLAN_BYTES", "0")])
def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_calendar_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIET_HOURS", " 22:00 - 6:30 ")
    monkeypatch.setenv("REST_WEEKDAYS", "Sunday, SAT")
    monkeypatch.setenv("PUBLIC_HOLIDAYS", "false")
    monkeypatch.setenv("EXTRA_DAYS_OFF", "2026-02-23, 2026-02-13")
    monkeypatch.setenv("EXTRA_WORKING_DAYS", "2026-02-28")
    monkeypatch.setenv("REMINDER_TIME", "7h30")
    settings = Settings(_env_file=None)
    assert settings.quiet_hours == "22:00-06:30"
    assert settings.quiet_window == (time(22, 0), time(6, 30))
    assert settings.rest_weekdays == "sat,sun"
    assert settings.rest_weekday_numbers == frozenset({5, 6})
    assert settings.public_holidays is False
    assert settings.extra_days_off == "2026-02-13,2026-02-23"
    assert settings.extra_days_off_dates == frozenset({date(2026, 2, 13), date(2026, 2, 23)})
    assert settings.extra_working_days_dates == frozenset({date(2026, 2, 28)})
    assert settings.reminder_time == "07:30"
    assert settings.reminder_clock == time(7, 30)


def test_empty_calendar_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIET_HOURS", "")
    monkeypatch.setenv("REST_WEEKDAYS", "")
    settings = Settings(_env_file=None)
    start, end = settings.quiet_window
    assert start == end
    assert settings.rest_weekday_numbers == frozenset()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("QUIET_HOURS", "21:00", "21:00-07:00"),
        ("QUIET_HOURS", "21:00-25:00", "time of day"),
        ("QUIET_HOURS", "night", "21:00-07:00"),
        ("REST_WEEKDAYS", "sun,cn", "unknown weekday"),
        ("REST_WEEKDAYS", "sundays", "unknown weekday"),
        ("REST_WEEKDAYS", "mon,tue,wed,thu,fri,sat,sun", "every weekday"),
        ("PUBLIC_HOLIDAYS", "sometimes", "bool"),
        ("EXTRA_DAYS_OFF", "13/02/2026", "ISO date"),
        ("EXTRA_WORKING_DAYS", "2026-02-30", "ISO date"),
        ("REMINDER_TIME", "8", "time of day"),
        ("REMINDER_TIME", "24:00", "time of day"),
    ],
)
def test_invalid_calendar_settings_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None)


def test_a_day_cannot_be_both_off_and_working(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRA_DAYS_OFF", "2026-02-13,2026-02-14")
    monkeypatch.setenv("EXTRA_WORKING_DAYS", "2026-02-14")
    with pytest.raises(ValidationError, match="2026-02-14"):
        Settings(_env_file=None)
