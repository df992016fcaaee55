"""Settings defaults and environment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import DEFAULT_LOCALES_DIR, Settings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DATABASE_URL",
        "TIMEZONE",
        "LANGUAGE",
        "LOCALES_DIR",
        "MAX_PLAN_BYTES",
        "TELEGRAM_BOT_TOKEN",
        "ZALO_BOT_TOKEN",
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
