"""``nhacviec report summary``: the summary text of a plan, read-only."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot import cli_report
from bot.config import get_settings
from storage.db import open_database
from storage.models import Summary, SummaryState
from tests.bot.conftest import Cli, flat
from tests.summaries.scenario import TODAY, build, utc


@pytest.fixture
def plan_id(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> int:
    """The scripted plan in the command line's database, on the scenario's day."""
    monkeypatch.setattr(cli_report, "today", lambda: TODAY)

    async def main() -> int:
        async with open_database(get_settings()) as database, database.transaction() as session:
            scenario = await build(session)
            return scenario.plan.id

    return asyncio.run(main())


def _store_sent_summary(plan: int | None, counts: dict[str, int]) -> None:
    async def main() -> None:
        async with open_database(get_settings()) as database, database.transaction() as session:
            session.add(
                Summary(
                    plan_id=plan,
                    state=SummaryState.SENT,
                    numbers={"plan_id": plan, "counts": counts},
                    sent_at=utc(2026, 6, 8, 1, 0),
                )
            )

    asyncio.run(main())


def test_summary_of_a_plan_in_vietnamese_changes_nothing(cli: Cli, plan_id: int) -> None:
    before = cli.dump()

    result = cli("report", "summary", "--plan", str(plan_id))

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "📊 Kế hoạch thực hiện Nghị quyết Đại hội",
        "Số: 12-KH/ĐU",
        # The period is the last 7 days by default.
        "Tổng hợp đến ngày 15/06/2026 (báo cáo từ ngày 08/06/2026)",
    ]
    for line in [
        "7 phần việc phải thực hiện",
        "✅ Hoàn thành đúng hạn: 1 · 14%",
        "☑️ Hoàn thành quá hạn: 1 · 14%",
        "🔄 Đang thực hiện (trong hạn): 3 · 43%",
        "⛔ Quá hạn chưa hoàn thành: 2 · 29%",
        "📭 Chưa báo cáo: 3",
        "📈 Tỷ lệ hoàn thành: 29% (2/7)",
        "Tiến độ bình quân: 18%",
        "🔁 Nhiệm vụ thường xuyên: 1/2 phần việc có báo cáo trong kỳ (50%)",
        "1. Chi bộ Bắc Sơn: 2 việc quá hạn",
        "• 14/06/2026: thiếu người (Nắm bắt dư luận xã hội)",
        "📭 Đơn vị chưa báo cáo trong kỳ (2):",
        "Chi bộ Cầu Mới; Chi bộ Phú Lộc",
    ]:
        assert line in lines
    assert "so với lần tổng hợp trước" not in result.stdout
    assert cli.dump() == before


def test_the_change_since_the_last_summary_sent(cli: Cli, plan_id: int) -> None:
    _store_sent_summary(plan_id, {"done_on_time": 0, "overdue": 3, "in_progress": 3})
    _store_sent_summary(None, {"done_on_time": 5})

    result = cli("report", "summary", "--plan", str(plan_id))

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "✅ Hoàn thành đúng hạn: 1 (+1) · 14%" in lines
    assert "⛔ Quá hạn chưa hoàn thành: 2 (-1) · 29%" in lines
    assert "🔄 Đang thực hiện (trong hạn): 3 · 43%" in lines
    assert "(+/-: tăng, giảm so với lần tổng hợp trước)" in lines
    assert cli.scalar("SELECT count(*) FROM summaries") == 2


def test_every_active_plan_in_english_since_a_date(cli: Cli, plan_id: int) -> None:
    _store_sent_summary(None, {"done_on_time": 5})

    result = cli("report", "summary", "--lang", "en", "--since", "1/1/2026")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["📊 All active plans", "Summary of 15/06/2026 (reports since 01/01/2026)"]
    assert "✅ Done on time: 1 (-4) · 14%" in lines
    # Since New Year, C's report of May counts: only F did not answer.
    assert "📭 Unit with no report in the period (1):" in lines
    assert "Chi bộ Phú Lộc" in lines


def test_unknown_plan_and_bad_options(cli: Cli, plan_id: int) -> None:
    unknown = cli("report", "summary", "--plan", "999")
    bad_day = cli("report", "summary", "--since", "31/02/2026")
    bad_language = cli("report", "summary", "--lang", "fr")

    assert unknown.exit_code == 2
    assert "999" in unknown.stderr and "nhacviec plan list" in flat(unknown.stderr)
    assert bad_day.exit_code == 2
    assert "31/02/2026" in bad_day.stderr
    assert bad_language.exit_code == 2


def test_an_empty_database(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_report, "today", lambda: date(2026, 6, 15))

    result = cli("report", "summary")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "Chưa có phần việc nào đến kỳ thực hiện."
