"""Runtime settings, read once from the environment and an optional ``.env`` file.

Every field can be overridden by an environment variable of the same name in upper
case, without prefix (``DATABASE_URL``, ``TIMEZONE``, ``LANGUAGE``, ...). Use
:func:`get_settings` everywhere; tests that need different values build their own
:class:`Settings` and pass it down explicitly.
"""

from __future__ import annotations

import functools
import re
from datetime import date, time
from pathlib import Path
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from summaries.schedule import WeeklySchedule, parse_setting

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LOCALES_DIR = REPO_ROOT / "locales"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/nhacviec.db"
MIB = 1024 * 1024
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2})|[hH](\d{2})?)")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_ZALO_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")
DEFAULT_ZALO_API_BASE = "https://bot-api.zaloplatforms.com"
_ANY_HOST = frozenset({"", "0.0.0.0", "::"})


def parse_clock(text: str) -> time:
    """Read a local time of day written ``08:00``, ``8:00``, ``8h`` or ``8h30``."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a time of day (HH:MM): {text!r}")
    hour, minute = int(match[1]), int(match[2] or match[3] or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"not a time of day (HH:MM): {text!r}")
    return time(hour, minute)


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """Read ``START-END`` (``21:00-07:00``); an empty text means no quiet hours (equal ends)."""
    if not text.strip():
        return time(0, 0), time(0, 0)
    parts = re.split(r"\s*[-–]\s*", text.strip())
    if len(parts) != 2:
        raise ValueError(f"quiet hours must look like 21:00-07:00, got {text!r}")
    return parse_clock(parts[0]), parse_clock(parts[1])


def parse_weekdays(text: str) -> frozenset[int]:
    """Read a comma list of weekdays (``mon``..``sun``, or longer English names) into weekday
    numbers (Monday = 0); may be empty."""
    days: set[int] = set()
    for item in _comma_items(text):
        name = item.lower()
        day = next((n for n, full in enumerate(_WEEKDAY_FULL) if full.startswith(name)), None)
        if len(name) < 3 or day is None:
            raise ValueError(f"unknown weekday {item!r}: use {', '.join(WEEKDAY_NAMES)}")
        days.add(day)
    return frozenset(days)


def parse_dates(text: str) -> frozenset[date]:
    """Read a comma list of ISO dates (``2026-02-13,2026-02-23``); may be empty."""
    dates: set[date] = set()
    for item in _comma_items(text):
        try:
            dates.add(date.fromisoformat(item))
        except ValueError as exc:
            raise ValueError(f"not an ISO date (YYYY-MM-DD): {item!r}") from exc
    return frozenset(dates)


def parse_listen_address(text: str) -> tuple[str, int]:
    """Read ``HOST:PORT`` (``0.0.0.0:8080``, ``[::]:8080``) into host and port."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"not a listen address (HOST:PORT): {text!r}")
    return host.removeprefix("[").removesuffix("]"), int(port)


def _comma_items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


class Settings(BaseSettings):
    """All configuration of the bot; field names match environment variables case-insensitively."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    """SQLAlchemy async URL (``DATABASE_URL``). SQLite file databases get their folder
    created on first connect; ``postgresql+asyncpg://...`` is the production alternative."""

    timezone: str = Field(default="Asia/Ho_Chi_Minh")
    """IANA time zone (``TIMEZONE``) in which deadlines, quiet hours and summaries are read."""

    language: str = Field(default="vi")
    """Default language of user-facing text (``LANGUAGE``): a folder name under ``locales/``."""

    locales_dir: Path = Field(default=DEFAULT_LOCALES_DIR)
    """Folder holding the gettext catalogs (``LOCALES_DIR``); defaults to the repository's."""

    max_plan_bytes: PositiveInt = Field(default=20 * MIB)
    """Largest plan file accepted for import, in bytes (``MAX_PLAN_BYTES``)."""

    telegram_bot_token: SecretStr | None = None
    """Bot API token from BotFather (``TELEGRAM_BOT_TOKEN``); no Telegram channel without it."""

    telegram_api_base: str | None = None
    """Base URL of a self-hosted Bot API server (``TELEGRAM_API_BASE``); Telegram's own
    server when unset."""

    telegram_bot_username: str | None = None
    """The bot's Telegram username without "@" (``TELEGRAM_BOT_USERNAME``), for invite links
    ``https://t.me/<username>?start=CODE``; without it invites give the code only."""

    telegram_webhook_url: str | None = None
    """Public HTTPS address Telegram posts updates to (``TELEGRAM_WEBHOOK_URL``); when set the
    bot registers it with ``setWebhook`` and serves it, otherwise it polls with
    ``getUpdates``. Its path is the path served (``https://bot.example.vn/tg`` → ``/tg``)."""

    telegram_webhook_secret: SecretStr | None = None
    """Secret Telegram sends in ``X-Telegram-Bot-Api-Secret-Token`` with every webhook
    request (``TELEGRAM_WEBHOOK_SECRET``): 1-256 of ``A-Z a-z 0-9 _ -``. A random one is
    made at each start when unset; requests without it are refused."""

    telegram_webhook_listen: str = Field(default="0.0.0.0:8080")
    """``HOST:PORT`` the webhook server listens on (``TELEGRAM_WEBHOOK_LISTEN``), behind the
    reverse proxy that terminates HTTPS for ``TELEGRAM_WEBHOOK_URL``."""

    zalo_bot_token: SecretStr | None = None
    """Zalo bot access token (``ZALO_BOT_TOKEN``); no Zalo channel without it."""

    zalo_api_base: str = Field(default=DEFAULT_ZALO_API_BASE)
    """Base URL of the Zalo Bot API (``ZALO_API_BASE``); the tests point it at a local fake."""

    zalo_webhook_url: str | None = None
    """Public HTTPS address Zalo posts messages to (``ZALO_WEBHOOK_URL``); when set the bot
    registers it with ``setWebhook`` and serves it, otherwise it polls with ``getUpdates``.
    Its path is the path served (``https://bot.example.vn/zalo`` → ``/zalo``)."""

    zalo_webhook_secret: SecretStr | None = None
    """Secret Zalo sends in ``X-Bot-Api-Secret-Token`` with every webhook request
    (``ZALO_WEBHOOK_SECRET``): 8-256 of ``A-Z a-z 0-9 _ -``. A random one is made at each
    start when unset; requests without it are refused."""

    zalo_webhook_listen: str = Field(default="0.0.0.0:8081")
    """``HOST:PORT`` the Zalo webhook server listens on (``ZALO_WEBHOOK_LISTEN``). It must
    differ from ``TELEGRAM_WEBHOOK_LISTEN`` when both channels use webhooks: each channel
    serves its own; the reverse proxy sends each public path to its port."""

    zalo_picture_dir: Path | None = None
    """Folder a web server publishes at ``ZALO_PICTURE_URL`` (``ZALO_PICTURE_DIR``): Zalo
    takes photos only by address, so charts go there. Without both, Zalo gets text only."""

    zalo_picture_url: str | None = None
    """Public address of ``ZALO_PICTURE_DIR`` (``ZALO_PICTURE_URL``), e.g.
    ``https://bot.example.vn/charts``."""

    zalo_per_second_limit: PositiveFloat = Field(default=5.0)
    """Messages a second the bot sends on Zalo in all (``ZALO_PER_SECOND_LIMIT``): Zalo
    publishes no limit, so the default is conservative; a 429 pauses sending anyway."""

    quiet_hours: str = Field(default="21:00-07:00")
    """Local hours without messages (``QUIET_HOURS``), ``START-END``; an end earlier than the
    start runs past midnight. Empty: no quiet hours."""

    rest_weekdays: str = Field(default="sun")
    """Weekdays without messages (``REST_WEEKDAYS``): a comma list of ``mon``..``sun``, may be
    empty; at least one weekday must stay a working day."""

    public_holidays: bool = Field(default=True)
    """Whether Vietnamese public holidays, Tết included, are days without messages
    (``PUBLIC_HOLIDAYS``)."""

    extra_days_off: str = Field(default="")
    """Further days without messages (``EXTRA_DAYS_OFF``): a comma list of ISO dates, e.g. the
    days off the government adds around Tết."""

    extra_working_days: str = Field(default="")
    """Days that are working days although a rest weekday or holiday (``EXTRA_WORKING_DAYS``):
    a comma list of ISO dates, e.g. a Saturday or Sunday worked in exchange for a bridge day."""

    reminder_time: str = Field(default="08:00")
    """Local time of day at which reminders are sent (``REMINDER_TIME``), ``HH:MM``."""

    weekly_summary: str = Field(default="thứ 2 08:00")
    """When summary groups (and, on Zalo, office members) get the weekly summary
    (``WEEKLY_SUMMARY``): a day and a local time ("thứ 2 08:00", "T6 16h30", "mon 8:00"),
    or "tắt" for none. A group may choose its own with ``/lichtonghop``."""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone: {value!r}") from exc
        return value

    @field_validator("language")
    @classmethod
    def _normalised_language(cls, value: str) -> str:
        # LANGUAGE is also the POSIX locale priority list ("en_US:en"), so a value
        # inherited from the shell is reduced to its first language code.
        first = value.strip().split(":", 1)[0]
        return first.split(".", 1)[0].split("_", 1)[0].lower() or "vi"

    @field_validator("telegram_bot_username")
    @classmethod
    def _bare_username(cls, value: str | None) -> str | None:
        bare = (value or "").strip().lstrip("@")
        return bare or None

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _valid_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError(
                "the webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
            )
        return value

    @field_validator("telegram_webhook_listen")
    @classmethod
    def _valid_listen_address(cls, value: str) -> str:
        parse_listen_address(value)
        return value.strip()

    @field_validator("zalo_webhook_secret")
    @classmethod
    def _valid_zalo_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _ZALO_WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError(
                "the Zalo webhook secret must be 8-256 characters of A-Z, a-z, 0-9, _ and -"
            )
        return value

    @field_validator("zalo_webhook_listen")
    @classmethod
    def _valid_zalo_listen_address(cls, value: str) -> str:
        parse_listen_address(value)
        return value.strip()

    @field_validator("zalo_api_base")
    @classmethod
    def _valid_zalo_api_base(cls, value: str) -> str:
        base = value.strip().rstrip("/")
        if not base.startswith(("https://", "http://")):
            raise ValueError(f"ZALO_API_BASE must be an http(s) URL, got {value!r}")
        return base

    @field_validator("quiet_hours")
    @classmethod
    def _valid_quiet_hours(cls, value: str) -> str:
        start, end = parse_quiet_hours(value)
        return "" if start == end else f"{start:%H:%M}-{end:%H:%M}"

    @field_validator("rest_weekdays")
    @classmethod
    def _valid_rest_weekdays(cls, value: str) -> str:
        days = parse_weekdays(value)
        if len(days) == len(WEEKDAY_NAMES):
            raise ValueError("every weekday is a rest day: no reminder could ever be sent")
        return ",".join(WEEKDAY_NAMES[d] for d in sorted(days))

    @field_validator("extra_days_off", "extra_working_days")
    @classmethod
    def _valid_dates(cls, value: str) -> str:
        return ",".join(d.isoformat() for d in sorted(parse_dates(value)))

    @field_validator("reminder_time")
    @classmethod
    def _valid_reminder_time(cls, value: str) -> str:
        return f"{parse_clock(value):%H:%M}"

    @field_validator("weekly_summary")
    @classmethod
    def _valid_weekly_summary(cls, value: str) -> str:
        try:
            parse_setting(value)
        except ValueError:
            raise ValueError(
                f'WEEKLY_SUMMARY must be a day and a time such as "thứ 2 08:00", or "tắt": '
                f"{value!r}"
            ) from None
        return value

    @model_validator(mode="after")
    def _days_off_and_working_days_apart(self) -> Self:
        both = self.extra_days_off_dates & self.extra_working_days_dates
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"dates both in EXTRA_DAYS_OFF and EXTRA_WORKING_DAYS: {listed}")
        return self

    @model_validator(mode="after")
    def _webhooks_listen_apart(self) -> Self:
        if self.telegram_webhook_url and self.zalo_webhook_url:
            telegram_host, telegram_port = parse_listen_address(self.telegram_webhook_listen)
            zalo_host, zalo_port = parse_listen_address(self.zalo_webhook_listen)
            same_host = telegram_host == zalo_host or {telegram_host, zalo_host} & _ANY_HOST
            if telegram_port == zalo_port and same_host:
                raise ValueError(
                    "TELEGRAM_WEBHOOK_LISTEN and ZALO_WEBHOOK_LISTEN must differ: each channel "
                    "serves its webhook on its own port"
                )
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone as a ``tzinfo``."""
        return ZoneInfo(self.timezone)

    @property
    def quiet_window(self) -> tuple[time, time]:
        """Quiet hours as (start, end) local times; equal ends mean none."""
        return parse_quiet_hours(self.quiet_hours)

    @property
    def rest_weekday_numbers(self) -> frozenset[int]:
        """Rest weekdays as numbers, Monday = 0 … Sunday = 6."""
        return parse_weekdays(self.rest_weekdays)

    @property
    def extra_days_off_dates(self) -> frozenset[date]:
        """``extra_days_off`` as dates."""
        return parse_dates(self.extra_days_off)

    @property
    def extra_working_days_dates(self) -> frozenset[date]:
        """``extra_working_days`` as dates."""
        return parse_dates(self.extra_working_days)

    @property
    def weekly_schedule(self) -> WeeklySchedule | None:
        """``weekly_summary`` read; ``None`` when turned off."""
        return parse_setting(self.weekly_summary)

    @property
    def reminder_clock(self) -> time:
        """``reminder_time`` as a local time of day."""
        return parse_clock(self.reminder_time)


@functools.cache
def get_settings() -> Settings:
    """Return the process-wide settings, built on first call."""
    return Settings()
