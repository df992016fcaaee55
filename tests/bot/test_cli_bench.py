"""The parse benchmark (``python -m bench.parse``): its figures and its last line."""

from __future__ import annotations

import json

import pytest

from bench import parse
from plans.extract import extract_plan
from plans.readers import read_plan
from tests.shared import SEEDS, SHARED_DIR

CORPUS = sorted(
    p for p in (SHARED_DIR / "corpus" / "plans").iterdir() if p.suffix in {".txt", ".docx"}
)


def test_last_line_is_the_json_summary(capsys: pytest.CaptureFixture[str]) -> None:
    parse.main(["--repeat", "2", "--seeds", str(SHARED_DIR / "seeds")])

    lines = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(lines[-1])
    files = [*SEEDS, *CORPUS]
    assert summary["seeds"] == len(SEEDS) == 5
    assert summary["corpus"] == len(CORPUS)
    assert summary["files"] == len(files)
    assert summary["tasks"] == sum(len(extract_plan(read_plan(path)).tasks) for path in files)
    assert summary["median_seconds_all_files"] > 0
    expected_rate = summary["tasks"] / summary["median_seconds_all_files"]
    assert summary["tasks_per_s"] == pytest.approx(expected_rate, rel=0.01)
    names = [line.split()[0] for line in lines[: len(files)]]
    assert names == [f"seeds/{p.name}" for p in SEEDS] + [f"corpus/{p.name}" for p in CORPUS]
    assert summary["slowest_file"] in names
    assert summary["slowest_ms"] > 0


def test_summary_takes_the_median_round() -> None:
    timings = [parse.SeedTiming("a.txt", 3, [1.0, 2.0, 9.0]), parse.SeedTiming("b.txt", 1, [1.0])]

    figures = parse.summary(timings, [2.0, 4.0, 30.0], seeds=1)

    assert figures == {
        "files": 2,
        "seeds": 1,
        "corpus": 1,
        "tasks": 4,
        "median_seconds_all_files": 4.0,
        "tasks_per_s": 1.0,
        "slowest_file": "a.txt",
        "slowest_ms": 2000.0,
    }


def test_repeat_must_be_positive() -> None:
    with pytest.raises(SystemExit):
        parse.main(["--repeat", "0"])
