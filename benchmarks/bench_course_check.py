"""How long `course check` takes over the whole course, against grading the same notebooks one by one.

course check   every solution and every starter graded in parallel (two per core), plus the static checks
sequential     the same notebooks graded one after another with `grade --quiet` (one process each),
               the way a script without the parallel runner would do it

Run: `.venv/bin/python benchmarks/bench_course_check.py [--runs 1] [--skip-sequential]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--skip-sequential", action="store_true")
    options = parser.parse_args()
    solutions = sorted(REPO.glob("solutions/*/*/*.ipynb"))
    starters = sorted(REPO.glob("exercises/*/*/*.ipynb"))
    checks = [timed([str(BIN / "course"), "check"]) for _ in range(options.runs)]
    print(f"{len(solutions)} solutions and {len(starters)} starters")
    print(
        f"  course check (two per core) median of {options.runs}: {statistics.median(checks):6.1f} s "
        "(target: under 180 s)"
    )
    if not options.skip_sequential:
        sequential = sum(timed([str(BIN / "grade"), str(nb), "--quiet"]) for nb in [*solutions, *starters])
        print(f"  one by one with grade:            {sequential:6.1f} s")
        print(f"  course check / one by one = {statistics.median(checks) / sequential:.2f}x")


if __name__ == "__main__":
    main()
