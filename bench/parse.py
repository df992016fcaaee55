"""How fast plans are read and extracted: ``python -m bench.parse [--repeat N] [--seeds DIR]``.

Every seed plan is read and extracted ``--repeat`` times. One line per seed gives
its task count and the median, fastest and slowest time of one read + extract; the
last line is one JSON object for scripts::

    {"seeds": 5, "tasks": <total>, "median_seconds_all_seeds": <s>, "tasks_per_second": <n>}

``median_seconds_all_seeds`` is the median, over the repetitions, of the time to
read and extract all seeds once.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from plans.extract import extract_plan
from plans.readers import SUPPORTED_SUFFIXES, read_plan

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS_DIR = (
    Path(os.environ.get("NHACVIEC_SHARED_DIR", REPO_ROOT.parent / "shared")) / "seeds"
)
DEFAULT_REPEAT = 20


@dataclass(frozen=True)
class SeedTiming:
    """The task count of one seed and the seconds each of its runs took."""

    name: str
    tasks: int
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def seed_paths(folder: Path) -> list[Path]:
    """The plan files of ``folder``, by name."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)


def parse_once(path: Path) -> tuple[int, float]:
    """Read and extract ``path`` once: its task count and the seconds it took."""
    started = time.perf_counter()
    plan = extract_plan(read_plan(path))
    return len(plan.tasks), time.perf_counter() - started


def run(paths: Sequence[Path], repeat: int) -> tuple[list[SeedTiming], list[float]]:
    """Time every seed ``repeat`` times, round-robin; also the total of each round."""
    seconds: dict[Path, list[float]] = {path: [] for path in paths}
    tasks: dict[Path, int] = {}
    rounds: list[float] = []
    for _ in range(repeat):
        total = 0.0
        for path in paths:
            count, elapsed = parse_once(path)
            tasks[path] = count
            seconds[path].append(elapsed)
            total += elapsed
        rounds.append(total)
    timings = [SeedTiming(path.name, tasks[path], seconds[path]) for path in paths]
    return timings, rounds


def summary(timings: Sequence[SeedTiming], rounds: Sequence[float]) -> dict[str, float | int]:
    """The figures of the last output line."""
    tasks = sum(timing.tasks for timing in timings)
    median_all = statistics.median(rounds)
    return {
        "seeds": len(timings),
        "tasks": tasks,
        "median_seconds_all_seeds": round(median_all, 6),
        "tasks_per_second": round(tasks / median_all, 1) if median_all > 0 else 0.0,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print per-seed lines, then the JSON summary."""
    parser = argparse.ArgumentParser(prog="python -m bench.parse", description=__doc__)
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="runs per seed")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS_DIR, help="seed folder")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not args.seeds.is_dir():
        parser.error(f"no seed folder at {args.seeds}")
    paths = seed_paths(args.seeds)
    if not paths:
        parser.error(f"no plan files in {args.seeds}")
    timings, rounds = run(paths, args.repeat)
    for timing in timings:
        print(
            f"{timing.name:<32} {timing.tasks:>4} tasks  "
            f"median {timing.median * 1000:8.2f} ms  "
            f"min {min(timing.seconds) * 1000:8.2f} ms  "
            f"max {max(timing.seconds) * 1000:8.2f} ms"
        )
    print(json.dumps(summary(timings, rounds)))


if __name__ == "__main__":
    main()
