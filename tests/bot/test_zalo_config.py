"""The Zalo settings and what the running bot builds from them."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from bot.app import has_chat_channel, zalo_webhook_config
from bot.config import Settings
from bot.wiring import channel_limits

ZALO_VARIABLES = (
    "ZALO_BOT_TOKEN",
    "ZALO_API_BASE",
    "ZALO_WEBHOOK_URL",
    "ZALO_WEBHOOK_SECRET",
    "ZALO_WEBHOOK_LISTEN",
    "ZALO_PER_SECOND_LIMIT",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_URL",
    "TELEGRAM_WEBHOOK_LISTEN",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ZALO_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


def test_defaults() -> None:
    plain = settings()

    assert plain.zalo_bot_token is None
    assert plain.zalo_api_base == "https://bot-api.zaloplatforms.com"
    assert plain.zalo_webhook_url is None
    assert plain.zalo_webhook_secret is None
    assert plain.zalo_webhook_listen == "0.0.0.0:8081"
    assert plain.zalo_per_second_limit == 5.0
    assert not has_chat_channel(plain)
    assert zalo_webhook_config(plain) is None


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZALO_BOT_TOKEN", "123:zalo")
    monkeypatch.setenv("ZALO_API_BASE", "http://127.0.0.1:9999/")
    monkeypatch.setenv("ZALO_WEBHOOK_URL", "https://bot.example.vn/zalo/hook")
    monkeypatch.setenv("ZALO_WEBHOOK_SECRET", "Secret_token-123")
    monkeypatch.setenv("ZALO_WEBHOOK_LISTEN", "127.0.0.1:8090")
    monkeypatch.setenv("ZALO_PER_SECOND_LIMIT", "2.5")

    configured = Settings(_env_file=None)

    assert configured.zalo_bot_token is not None
    assert configured.zalo_bot_token.get_secret_value() == "123:zalo"
    assert "123:zalo" not in repr(configured)
    assert configured.zalo_api_base == "http://127.0.0.1:9999"
    assert configured.zalo_per_second_limit == 2.5
    assert has_chat_channel(configured)
    webhook = zalo_webhook_config(configured)
    assert webhook is not None
    assert (webhook.url, webhook.secret, webhook.host, webhook.port, webhook.path) == (
        "https://bot.example.vn/zalo/hook",
        "Secret_token-123",
        "127.0.0.1",
        8090,
        "/zalo/hook",
    )
    assert channel_limits(configured)["zalo"].per_second == 2.5
    assert "telegram" not in channel_limits(configured)


def test_a_webhook_without_a_secret_gets_a_random_one_each_time() -> None:
    configured = settings(zalo_webhook_url="https://bot.example.vn/zalo")

    first, second = zalo_webhook_config(configured), zalo_webhook_config(configured)

    assert first is not None and second is not None
    assert len(first.secret) >= 32 and first.secret != second.secret
    assert (first.host, first.port) == ("0.0.0.0", 8081)


@pytest.mark.parametrize(
    "values",
    [
        {"zalo_webhook_secret": SecretStr("short")},
        {"zalo_webhook_secret": SecretStr("có dấu tiếng Việt")},
        {"zalo_webhook_secret": SecretStr("x" * 257)},
        {"zalo_webhook_listen": "8081"},
        {"zalo_per_second_limit": 0},
        {"zalo_api_base": "bot-api.zaloplatforms.com"},
    ],
)
def test_invalid_values_are_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        settings(**values)


def test_both_webhooks_cannot_listen_on_the_same_address() -> None:
    both = {
        "telegram_webhook_url": "https://bot.example.vn/tg",
        "zalo_webhook_url": "https://bot.example.vn/zalo",
    }
    with pytest.raises(ValidationError, match="must differ"):
        settings(**both, telegram_webhook_listen="0.0.0.0:8080", zalo_webhook_listen="0.0.0.0:8080")
    with pytest.raises(ValidationError, match="must differ"):
        settings(
            **both, telegram_webhook_listen="0.0.0.0:8080", zalo_webhook_listen="127.0.0.1:8080"
        )

    apart = settings(**both)
    beside = settings(
        **both, telegram_webhook_listen="10.0.0.1:8080", zalo_webhook_listen="10.0.0.2:8080"
    )
    # Only one of them on a webhook: the other polls, so any addresses will do.
    one = settings(
        zalo_webhook_url="https://bot.example.vn/zalo",
        telegram_webhook_listen="0.0.0.0:8080",
        zalo_webhook_listen="0.0.0.0:8080",
    )

    assert apart.zalo_webhook_listen != apart.telegram_webhook_listen
    assert beside.zalo_webhook_listen == "10.0.0.2:8080"
    assert one.zalo_webhook_listen == "0.0.0.0:8080"
