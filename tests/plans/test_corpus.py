"""Extraction on the shared corpus of real plans: a Word plan and its text twin give the
same tasks, and every plan scores against its gold extraction."""

from __future__ import annotations

import functools
import json
import statistics
from datetime import date
from pathlib import Path

import pytest

from plans.extract import extract_plan
from plans.readers import read_plan
from plans.text import fold
from tests.shared import SHARED_DIR, load_tool

CORPUS_DIR = SHARED_DIR / "corpus" / "plans"
CORPUS_GOLD_DIR = SHARED_DIR / "corpus" / "gold"
PLAN_SUFFIXES = (".txt", ".docx")
CORPUS_PLANS = sorted(p for p in CORPUS_DIR.glob("*") if p.suffix in PLAN_SUFFIXES)
TWINS = sorted(p.stem for p in CORPUS_PLANS if p.suffix == ".docx")
"""The stems of the plans given both as a Word file and as a text file (w01–w05)."""

FILE_RECALL = 0.80
"""The recall every single corpus plan must reach."""

MEAN_THRESHOLDS = {
    "recall": 0.92,
    "precision": 0.90,
    "lead_acc": 0.85,
    "kind_acc": 0.90,
    "due_acc": 0.90,
}
"""The figures the mean over all corpus plan files must reach."""

TaskKey = tuple[str, tuple[str, ...], str, date | None]
TASK_FIELDS = ("content", "lead", "kind", "due")


def _tasks(path: Path) -> list[TaskKey]:
    """What a plan's tasks come to: folded content, lead units, time kind and due date."""
    plan = extract_plan(read_plan(path))
    return [(fold(t.content), tuple(t.lead), t.when.kind.value, t.when.due) for t in plan.tasks]


def _differences(docx: list[TaskKey], text: list[TaskKey]) -> list[str]:
    """The differences of two task lists, position by position and field by field."""
    lines = [f"docx {len(docx)} tasks, txt {len(text)} tasks"]
    for index in range(max(len(docx), len(text))):
        if index >= len(docx) or index >= len(text):
            extra, side = (docx, "docx") if index < len(docx) else (text, "txt")
            lines.append(f"task {index} only in {side}: {extra[index]!r}")
            continue
        for field, ours, theirs in zip(TASK_FIELDS, docx[index], text[index], strict=True):
            if ours != theirs:
                lines.append(f"task {index} {field}: docx {ours!r} != txt {theirs!r}")
    return lines


@functools.cache
def _scores(path: Path) -> dict[str, float]:
    """The scorer's figures for one corpus plan against its gold."""
    scorer = load_tool("score_extraction")
    gold = json.loads((CORPUS_GOLD_DIR / f"{path.stem}.json").read_text(encoding="utf-8"))
    result = scorer.score(gold, extract_plan(read_plan(path)).to_json())
    return {name: float(result[name]) for name in MEAN_THRESHOLDS}


def test_corpus_is_there() -> None:
    assert len(CORPUS_PLANS) == 19
    assert [stem[:3] for stem in TWINS] == ["w01", "w02", "w03", "w04", "w05"]
    for stem in TWINS:
        assert (CORPUS_DIR / f"{stem}.txt").is_file(), stem
    for path in CORPUS_PLANS:
        assert (CORPUS_GOLD_DIR / f"{path.stem}.json").is_file(), path.name


@pytest.mark.parametrize("stem", TWINS, ids=lambda stem: stem[:3])
def test_word_plan_and_its_text_give_the_same_tasks(stem: str) -> None:
    from_docx = _tasks(CORPUS_DIR / f"{stem}.docx")
    from_text = _tasks(CORPUS_DIR / f"{stem}.txt")
    assert from_docx == from_text, "\n".join(_differences(from_docx, from_text))


@pytest.mark.parametrize("path", CORPUS_PLANS, ids=lambda path: path.name[:3] + path.suffix)
def test_each_corpus_plan_reaches_the_file_recall(path: Path) -> None:
    recall = _scores(path)["recall"]
    assert recall >= FILE_RECALL, f"{path.name}: recall {recall:.3f} < {FILE_RECALL}"


def test_corpus_means_reach_the_thresholds() -> None:
    assert CORPUS_PLANS
    means = {
        name: statistics.fmean(_scores(path)[name] for path in CORPUS_PLANS)
        for name in MEAN_THRESHOLDS
    }
    failing = {
        name: f"{means[name]:.3f} < {floor}"
        for name, floor in MEAN_THRESHOLDS.items()
        if means[name] < floor
    }
    assert not failing, failing
