"""``nhacviec reply parse``: one JSON reading per reply, in order, Vietnamese kept."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

from typer.testing import Result

from bot.cli_reply import reply_app
from tests.bot.conftest import Cli
from tests.shared import GOLD_DIR, load_tool

GOLD = GOLD_DIR / "replies.jsonl"
FIELDS = {"intent", "percent", "problem", "snooze_days"}


def _reply(cli: Cli, *args: str, stdin: str | None = None) -> Result:
    return cli.runner.invoke(reply_app, list(args), input=stdin)


def test_jsonl_gold_gives_one_valid_line_per_reply_and_scores(cli: Cli, tmp_path: Path) -> None:
    gold = GOLD.read_text(encoding="utf-8")

    result = _reply(cli, "parse", "--jsonl", stdin=gold)

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len([line for line in gold.splitlines() if line.strip()])
    readings = [json.loads(line) for line in lines]
    assert all(set(reading) == FIELDS for reading in readings)
    parsed = tmp_path / "parsed.jsonl"
    parsed.write_text(result.stdout, encoding="utf-8")
    report = io.StringIO()
    with redirect_stdout(report):
        assert load_tool("score_replies").main([str(GOLD), str(parsed)]) == 0
    exact = re.search(r"exact=([\d.]+)", report.getvalue())
    assert exact is not None and float(exact.group(1)) >= 0.90, report.getvalue()


def test_vietnamese_is_printed_as_is(cli: Cli) -> None:
    result = _reply(cli, "parse", "--jsonl", stdin='{"text": "60%, vướng kinh phí"}\n')

    assert result.exit_code == 0, result.stderr
    assert "vướng kinh phí" in result.stdout
    assert "\\u" not in result.stdout
    assert json.loads(result.stdout) == {
        "intent": "progress",
        "percent": 60,
        "problem": "vướng kinh phí",
        "snooze_days": None,
    }


def test_bad_lines_answer_in_place_and_blank_lines_are_skipped(cli: Cli) -> None:
    stdin = "\n".join(
        [
            '{"text": "xong"}',
            "",
            "not json",
            '{"note": "no text"}',
            '{"text": 70}',
            "[1, 2]",
            "   ",
            '{"text": "Nhắc lại sau 3 ngày"}',
        ]
    )

    result = _reply(cli, "parse", "--jsonl", stdin=stdin + "\n")

    assert result.exit_code == 0, result.stderr
    readings = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(readings) == 6
    assert readings[0]["intent"] == "done"
    assert all(set(reading) == {"error"} for reading in readings[1:5])
    assert all(isinstance(reading["error"], str) and reading["error"] for reading in readings[1:5])
    assert readings[5] == {"intent": "snooze", "percent": None, "problem": None, "snooze_days": 3}


def test_byte_order_mark_is_ignored(cli: Cli) -> None:
    result = cli.runner.invoke(
        reply_app, ["parse", "--jsonl"], input='\ufeff{"text": "đạt 80%"}\n'.encode()
    )

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["percent"] == 80


def test_one_reply_as_argument(cli: Cli) -> None:
    result = _reply(cli, "parse", "Khó khăn do thiếu tài liệu")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "intent": "problem",
        "percent": None,
        "problem": "Khó khăn do thiếu tài liệu",
        "snooze_days": None,
    }


def test_without_reply_or_jsonl_is_a_usage_error(cli: Cli) -> None:
    result = _reply(cli, "parse")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--jsonl" in result.stderr
