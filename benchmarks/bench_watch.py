"""How long `grade watch` takes from a save to its report, against the notebook's own run time.

    .venv/bin/python benchmarks/bench_watch.py [--runs 10]

The example exercise (exercises/00-start-here/greeting) with its reference solution is copied to a
temporary course. Three medians are printed:

- own:   running the notebook's cells in a kernel that is already up (nbclient), the floor;
- watch: from a save (written beside the notebook and renamed over it, as Jupyter saves) to the
         end of `grade watch`'s report, read from its output;
- cold:  a whole `grade` command, for comparison (fewer runs: it is slow).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "exercises" / "00-start-here" / "greeting"
SOLUTION = REPO / "solutions" / "00-start-here" / "greeting" / "greeting.ipynb"


def use_exercise(exercise_id: str) -> None:
    """Benchmark another exercise of the course (its reference solution) instead of greeting."""
    global EXAMPLE, SOLUTION
    import tomllib

    (toml,) = [t for t in REPO.glob("exercises/*/*/exercise.toml") if tomllib.loads(t.read_text())["id"] == exercise_id]
    EXAMPLE = toml.parent
    SOLUTION = REPO / "solutions" / EXAMPLE.parent.name / EXAMPLE.name / tomllib.loads(toml.read_text())["notebook"]


GRADE = [sys.executable, "-m", "grader.cli"]
PAUSE = 2.0  # seconds between saves, as a learner edits: the spare kernel boots meanwhile


def own_execution_times(runs: int) -> list[float]:
    """Run the solution's cells in an already started kernel, `runs` times."""
    from grader.execute import execute_notebook
    from grader.exercise import load_exercise
    from grader.kernel import start_kernel

    exercise = load_exercise(EXAMPLE)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        kernel = asyncio.run(start_kernel(Path(tmp), exercise))
        try:
            for _ in range(runs + 1):  # the first run also waits for the kernel to be ready
                nb = nbformat.read(SOLUTION, as_version=4)
                started = time.perf_counter()
                asyncio.run(execute_notebook(nb, kernel, exercise.limits))
                times.append(time.perf_counter() - started)
        finally:
            kernel.kill()
    return times[1:]


def _course_copy(tmp: Path) -> Path:
    folder = tmp / "exercises" / EXAMPLE.parent.name / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".original", "__pycache__"))
    shutil.copy(SOLUTION, folder / SOLUTION.name)
    return folder / SOLUTION.name


def _save(notebook: Path, number: int) -> None:
    """A save that changes the file, written then renamed over the notebook."""
    nb = nbformat.read(SOLUTION, as_version=4)
    nb.cells[-1].source += f"\n# save {number}"
    temporary = notebook.with_name(f".~{notebook.name}")
    nbformat.write(nb, temporary)
    os.replace(temporary, notebook)


def watch_times(runs: int) -> list[float]:
    """Save `runs` times under `grade watch` and time each save until its report is printed."""
    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    with tempfile.TemporaryDirectory() as tmp:
        notebook = _course_copy(Path(tmp))
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
        watch = subprocess.Popen(
            [*GRADE, "watch", str(notebook)],
            cwd=tmp,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Ctrl-C is what stops it: a benchmark started in the background inherits SIGINT ignored
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )

        def read() -> None:
            assert watch.stdout is not None
            for line in watch.stdout:
                lines.put((time.perf_counter(), line))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            _wait_for_report(lines)  # the first grading, at start
            times = []
            for number in range(runs):
                time.sleep(PAUSE)
                saved = time.perf_counter()
                _save(notebook, number)
                times.append(_wait_for_report(lines) - saved)
        finally:
            watch.send_signal(signal.SIGINT)
            watch.wait(timeout=30)
            reader.join(timeout=10)
            assert watch.stdout is not None
            watch.stdout.close()
    return times


def _wait_for_report(lines: queue.Queue[tuple[float, str]]) -> float:
    while True:
        at, line = lines.get(timeout=120)
        if "Could not grade" in line:
            raise RuntimeError(line)
        if line.startswith("Graded at "):
            return at


def cold_times(runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        notebook = _course_copy(Path(tmp))
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([*GRADE, str(notebook), "--quiet"], cwd=tmp, check=False, capture_output=True)
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--exercise", default="greeting", help="An exercise id (default: greeting).")
    args = parser.parse_args()
    use_exercise(args.exercise)
    own = statistics.median(own_execution_times(args.runs))
    watch = statistics.median(watch_times(args.runs))
    cold = statistics.median(cold_times(args.cold_runs))
    print(f"exercise {args.exercise} (its solution), median of {args.runs} ({args.cold_runs} for cold)")
    print(f"  own execution (cells in a running kernel): {own:6.3f} s")
    print(
        f"  grade watch, save to report:               {watch:6.3f} s   "
        f"{watch / own:4.1f}x own, {watch - own:+.3f} s above it (target < +0.35 s)"
    )
    print(f"  grade, cold (whole command):               {cold:6.3f} s   {cold / own:4.1f}x own")


if __name__ == "__main__":
    main()
