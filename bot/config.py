"""Runtime settings, read once from the environment and an optional ``.env`` file.

Every field can be overridden by an environment variable of the same name in upper
case, without prefix (``DATABASE_URL``, ``TIMEZONE``, ``LANGUAGE``, ...). Use
:func:`get_settings` everywhere; tests that need different values build their own
:class:`Settings` and pass it down explicitly.
"""

from __future__ import annotations

import functools
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PositiveInt, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LOCALES_DIR = REPO_ROOT / "locales"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/nhacviec.db"
MIB = 1024 * 1024


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

    zalo_bot_token: SecretStr | None = None
    """Zalo bot access token (``ZALO_BOT_TOKEN``); no Zalo channel without it."""

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

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone as a ``tzinfo``."""
        return ZoneInfo(self.timezone)


@functools.cache
def get_settings() -> Settings:
    """Return the process-wide settings, built on first call."""
    return Settings()
