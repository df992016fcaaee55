"""``nhacviec reminders …``: preview, stats and policy, in Vietnamese."""

from __future__ import annotations

import pytest

from tests.bot.conftest import Cli, assert_fits, flat
from tests.shared import SEEDS

SEED_000 = next(seed for seed in SEEDS if seed.name.startswith("000"))


def _activated(cli: Cli) -> None:
    assert cli("plan", "import", SEED_000).exit_code == 0
    assert cli("plan", "activate", "1").exit_code == 0


def test_preview_lists_reminders_with_vietnamese_dates(cli: Cli) -> None:
    _activated(cli)

    result = cli("reminders", "preview", "--plan", "1", "--days", "40")

    assert result.exit_code == 0, result.stderr
    assert "lời nhắc trong 40 ngày tới" in flat(result.stdout)
    assert "hỏi tiến độ" in result.stdout
    assert "Thứ" in result.stdout
    assert_fits(result.stdout)


def test_preview_for_one_unit_and_unknown_unit(cli: Cli) -> None:
    _activated(cli)

    one = cli("reminders", "preview", "--plan", "1", "--unit", "van phong dang uy", "--days", "40")
    unknown = cli("reminders", "preview", "--plan", "1", "--unit", "Chi bộ Sao Hỏa")

    assert one.exit_code == 0
    assert "Văn phòng Đảng ủy" in one.stdout
    assert "Ủy ban nhân dân xã" not in one.stdout
    assert unknown.exit_code == 2
    assert "Chi bộ Sao Hỏa" in unknown.stderr


def test_activation_enqueues_reminders_only_for_registered_contacts(cli: Cli) -> None:
    _activated(cli)
    assert cli.scalar("SELECT count(*) FROM reminders") == 0


def test_stats_in_vietnamese(cli: Cli) -> None:
    _activated(cli)

    result = cli("reminders", "stats")

    assert result.exit_code == 0
    assert "chờ gửi: 0" in result.stdout


def test_policy_change_is_stored_and_a_bad_one_changes_nothing(cli: Cli) -> None:
    _activated(cli)

    changed = cli("reminders", "policy", "--plan", "1", "--before", "5,2", "--no-weekly")
    before = cli.dump()
    refused = cli("reminders", "policy", "--plan", "1", "--before", "0")
    not_numbers = cli("reminders", "policy", "--plan", "1", "--overdue", "một")

    assert changed.exit_code == 0, changed.stderr
    assert "5, 2" in changed.stdout
    stored = cli.scalar("SELECT reminder_policy FROM plans WHERE id = 1")
    assert '"before_days": [5, 2]' in stored and '"overdue_weekly": false' in stored
    assert refused.exit_code == 1 and "Giá trị không hợp lệ" in refused.stderr
    assert not_numbers.exit_code == 1 and "số nguyên" in not_numbers.stderr
    assert cli.dump() == before


def test_run_without_a_chat_channel_says_which_settings(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("ZALO_BOT_TOKEN", raising=False)

    result = cli("reminders", "run")

    assert result.exit_code != 0
    assert "TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN" in result.stderr
