"""How fast plans are read and extracted:
``python -m bench.parse [--repeat N] [--seeds DIR] [--corpus DIR]``.

Every plan file of the seed folder and of the corpus folder (the shared
``corpus/plans``: text and Word plans) is read and extracted ``--repeat`` times,
round-robin. One line per file gives its task count and the median, fastest and
slowest time of one read + extract; a line names the slowest file (by median) and
one gives the total rate. The last line is one JSON object for scripts::

    {"files": <n>, "seeds": <n>, "corpus": <n>, "tasks": <total>,
     "median_seconds_all_files": <s>, "tasks_per_s": <n>,
     "slowest_file": "corpus/<name>", "slowest_ms": <ms>}

``median_seconds_all_files`` is the median, over the repetitions, of the time to
read and extract every file once; ``tasks_per_s`` is ``tasks`` over it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench._support import emit
from plans.extract import extract_plan
from plans.readers import SUPPORTED_SUFFIXES, read_plan

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("NHACVIEC_SHARED_DIR", REPO_ROOT.parent / "shared"))
DEFAULT_SEEDS_DIR = SHARED_DIR / "seeds"
DEFAULT_CORPUS_DIR = SHARED_DIR / "corpus" / "plans"
DEFAULT_REPEAT = 10
NAME_WIDTH = 58


@dataclass(frozen=True)
class SeedTiming:
    """The task count of one plan file and the seconds each of its runs took."""

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


def run(paths: Sequence[tuple[str, Path]], repeat: int) -> tuple[list[SeedTiming], list[float]]:
    """Time every named file ``repeat`` times, round-robin; also the total of each round."""
    seconds: dict[str, list[float]] = {name: [] for name, _ in paths}
    tasks: dict[str, int] = {}
    rounds: list[float] = []
    for _ in range(repeat):
        total = 0.0
        for name, path in paths:
            count, elapsed = parse_once(path)
            tasks[name] = count
            seconds[name].append(elapsed)
            total += elapsed
        rounds.append(total)
    timings = [SeedTiming(name, tasks[name], seconds[name]) for name, _ in paths]
    return timings, rounds


def slowest(timings: Sequence[SeedTiming]) -> SeedTiming:
    """The file with the largest median time (the first of equals)."""
    return max(timings, key=lambda timing: timing.median)


def summary(
    timings: Sequence[SeedTiming], rounds: Sequence[float], *, seeds: int
) -> dict[str, float | int | str]:
    """The figures of the last output line; the first ``seeds`` timings are seeds."""
    tasks = sum(timing.tasks for timing in timings)
    median_all = statistics.median(rounds)
    worst = slowest(timings)
    return {
        "files": len(timings),
        "seeds": seeds,
        "corpus": len(timings) - seeds,
        "tasks": tasks,
        "median_seconds_all_files": round(median_all, 6),
        "tasks_per_s": round(tasks / median_all, 1) if median_all > 0 else 0.0,
        "slowest_file": worst.name,
        "slowest_ms": round(worst.median * 1000, 2),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print per-file lines, the slowest and the total, then the JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.parse", description=__doc__)
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="runs per file")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS_DIR, help="seed folder")
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS_DIR, help="corpus plan folder"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    named: list[tuple[str, Path]] = []
    for label, folder in (("seeds", args.seeds), ("corpus", args.corpus)):
        if not folder.is_dir():
            parser.error(f"no {label} folder at {folder}")
        paths = seed_paths(folder)
        if not paths:
            parser.error(f"no plan files in {folder}")
        named.extend((f"{label}/{path.name}", path) for path in paths)
    seeds = sum(1 for name, _ in named if name.startswith("seeds/"))
    timings, rounds = run(named, args.repeat)
    for timing in timings:
        print(
            f"{timing.name:<{NAME_WIDTH}} {timing.tasks:>4} tasks  "
            f"median {timing.median * 1000:8.2f} ms  "
            f"min {min(timing.seconds) * 1000:8.2f} ms  "
            f"max {max(timing.seconds) * 1000:8.2f} ms"
        )
    result = summary(timings, rounds, seeds=seeds)
    print(f"slowest: {result['slowest_file']} (median {result['slowest_ms']} ms)")
    print(
        f"total: {result['tasks']} tasks in {result['files']} files, "
        f"median {float(result['median_seconds_all_files']) * 1000:.1f} ms a round, "
        f"{result['tasks_per_s']} tasks/s"
    )
    emit(result)


if __name__ == "__main__":
    main()
