"""How fast `course grade-batch` grades a cohort with one worker, one per core and two per core (its default).

The cohort is generated from the example exercise (greeting): in every 20 submissions, 9 correct,
4 partly wrong, 3 not attempted, 2 not JSON, 1 that kills its own kernel and 1 that loops until
the exercise's 10-second cell limit stops it. Each run starts from an empty results folder, so
everything is graded; runs alternate between the settings so that a busy machine slows them all
alike, and every run must produce the same gradebook.

Run: `.venv/bin/python benchmarks/bench_batch.py [--submissions 20] [--runs 3]`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from grader.kernel import default_parallel_gradings

REPO = Path(__file__).resolve().parent.parent
SOLUTION = REPO / "solutions" / "00-start-here" / "greeting" / "greeting.ipynb"
STARTER = REPO / "exercises" / "00-start-here" / "greeting" / "greeting.ipynb"
COURSE = [sys.executable, "-m", "grader.course_cli"]

# (kind, replacement in the solution's code); None copies the starter, "" writes a broken file
MIX = (
    [("correct", {})] * 9
    + [("partly wrong", {'f"Hello, {name}!"': 'f"Hello {name}"'})] * 4
    + [("not attempted", None)] * 3
    + [("not JSON", "")] * 2
    + [("kernel crash", {'my_name = "Ada"': "import os\nos._exit(1)"})]
    + [("loops", {'my_name = "Ada"': "while True:\n    pass"})]
)


def write_cohort(folder: Path, count: int) -> None:
    for n in range(count):
        _kind, edit = MIX[n % len(MIX)]
        target = folder / f"learner{n:04d}" / "greeting.ipynb"
        target.parent.mkdir(parents=True)
        if edit is None:
            shutil.copy(STARTER, target)
        elif edit == "":
            target.write_text('{"cells": [')
        else:
            nb = nbformat.read(SOLUTION, as_version=4)
            for cell in nb.cells:
                for old, new in edit.items():
                    cell.source = cell.source.replace(old, new)
            nbformat.write(nb, target)


def timed_batch(cohort: Path, out: Path, workers: int) -> tuple[float, str]:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [*COURSE, "grade-batch", str(cohort), "--out", str(out), "--workers", str(workers)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started, (out / "gradebook.csv").read_text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        cohort = Path(tmp) / "cohort"
        write_cohort(cohort, args.submissions)
        default = default_parallel_gradings()  # two per core
        samples: dict[int, list[float]] = {1: [], default // 2: [], default: []}
        gradebooks = set()
        for _ in range(args.runs):
            for workers in samples:
                seconds, gradebook = timed_batch(cohort, Path(tmp) / "out", workers)
                samples[workers].append(seconds)
                gradebooks.add(gradebook)
    if len(gradebooks) != 1:
        sys.exit("The runs produced different gradebooks: grading is not deterministic.")
    median = {workers: statistics.median(values) for workers, values in samples.items()}
    print(f"{args.submissions} submissions of greeting, median of {args.runs} runs, whole command")
    for workers, seconds in median.items():
        print(f"  --workers {workers}  {seconds:6.1f} s  {args.submissions / seconds:5.2f} submissions/s")
    for workers in list(median)[1:]:
        print(f"  speed-up with {workers} workers: {median[1] / median[workers]:.2f}x")


if __name__ == "__main__":
    main()
