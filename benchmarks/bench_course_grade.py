"""`grade` on every exercise of the course, against `pytest --nbmake` on the same notebook.

    .venv/bin/python benchmarks/bench_course_grade.py [--runs 3] [--only PREFIX]

Each exercise folder is copied (data included) with its reference solution in place of the starter;
then, interleaved so a busy machine slows both alike, `grade NOTEBOOK --quiet` (execute the notebook
and judge it with the exercise's checks) and `pytest --nbmake NOTEBOOK` (execute it, judge nothing)
run `--runs` times each. Printed: the median of each per exercise with their ratio, then the
course-wide median ratio. `grade` is timed as a learner runs it: the first call may start the
background grading service (`grader.service`); later calls use it, as a learner re-grading does.
Set GRADER_NO_SERVICE=1 to time `grade` without it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def exercises(only: str | None) -> list[tuple[str, Path, Path]]:
    """(id, exercise folder, solution notebook) for every exercise, in course order."""
    found = []
    for toml in sorted(REPO.glob("exercises/*/*/exercise.toml")):
        meta = tomllib.loads(toml.read_text(encoding="utf-8"))
        folder = toml.parent
        if only and not (meta["id"].startswith(only) or folder.parent.name.startswith(only)):
            continue
        found.append((meta["id"], folder, REPO / "solutions" / folder.parent.name / folder.name / meta["notebook"]))
    return found


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", metavar="PREFIX", help="Only exercises whose id or module starts with PREFIX.")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-course-grade-") as tmp:
        for exercise_id, folder, solution in exercises(args.only):
            copy = Path(tmp) / folder.parent.name / folder.name
            shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".original", "__pycache__"))
            notebook = copy / solution.name
            shutil.copy(solution, notebook)
            commands = {
                "grade": [str(BIN / "grade"), str(notebook), "--quiet"],
                "nbmake": [str(BIN / "pytest"), "--nbmake", "-q", "-p", "no:cacheprovider", str(notebook)],
            }
            samples: dict[str, list[float]] = {name: [] for name in commands}
            for _ in range(args.runs):
                for name, command in commands.items():
                    samples[name].append(timed(command, copy))
            grade, nbmake = (statistics.median(samples[n]) for n in commands)
            rows.append((exercise_id, grade, nbmake))
            print(
                f"{exercise_id:<26} grade {grade:5.2f} s   nbmake {nbmake:5.2f} s   {grade / nbmake:4.2f}x", flush=True
            )
    ratios = [g / n for _, g, n in rows]
    print(f"\nmedian of {args.runs} runs per exercise, {len(rows)} exercises")
    print(f"course-wide median grade / nbmake = {statistics.median(ratios):.2f}x   (target <= 0.35x)")
    print(f"slowest grade: {max(rows, key=lambda r: r[1])[0]} {max(r[1] for r in rows):.2f} s   (target <= 2.5 s)")
    print(f"highest ratio: {max(rows, key=lambda r: r[1] / r[2])[0]} {max(ratios):.2f}x   (target <= 0.60x)")


if __name__ == "__main__":
    main()
