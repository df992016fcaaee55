"""The parse benchmark (``python -m bench.parse``): its figures and its last line."""

from __future__ import annotations

import json

import pytest

from bench import parse
from plans.extract import extract_plan
from plans.readers import read_plan
from tests.shared import SEEDS, SHARED_DIR


def test_last_line_is_the_json_summary(capsys: pytest.CaptureFixture[str]) -> None:
    parse.main(["--repeat", "2", "--seeds", str(SHARED_DIR / "seeds")])

    lines = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(lines[-1])
    assert summary["seeds"] == len(SEEDS) == 5
    assert summary["tasks"] == sum(len(extract_plan(read_plan(seed)).tasks) for seed in SEEDS)
    assert summary["median_seconds_all_seeds"] > 0
    expected_rate = summary["tasks"] / summary["median_seconds_all_seeds"]
    assert summary["tasks_per_second"] == pytest.approx(expected_rate, rel=0.01)
    assert len(lines) == len(SEEDS) + 1
    for seed, line in zip(SEEDS, lines, strict=False):
        assert line.startswith(seed.name)


def test_summary_takes_the_median_round() -> None:
    timings = [parse.SeedTiming("a.txt", 3, [1.0, 2.0, 9.0]), parse.SeedTiming("b.txt", 1, [1.0])]

    figures = parse.summary(timings, [2.0, 4.0, 30.0])

    assert figures == {
        "seeds": 2,
        "tasks": 4,
        "median_seconds_all_seeds": 4.0,
        "tasks_per_second": 1.0,
    }


def test_repeat_must_be_positive() -> None:
    with pytest.raises(SystemExit):
        parse.main(["--repeat", "0"])
