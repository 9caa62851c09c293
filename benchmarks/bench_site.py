"""Time the course site's build: cold (empty caches) and warm (a rebuild with no change).

    .venv/bin/python benchmarks/bench_site.py [--cold-runs 1] [--warm-runs 3] [--lenient]

The course is copied to a temporary folder first, so the repository's own caches are neither
used nor disturbed. Each build is `mkdocs build --strict` in a child process, as `make build`
runs it; the median of the runs is printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COURSE_PARTS = [
    "mkdocs.yml",
    "overrides",
    "docs",
    "exercises",
    "solutions",
    "README.md",
    "LICENSE",
    "pyproject.toml",
    "grader",
    "courselib",
]


def copy_course(target: Path) -> None:
    """The parts of the repository the site is built from, without caches or a built site."""
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", ".cache")
    for name in COURSE_PARTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, target / name)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(root: Path, strict: bool = True) -> tuple[float, float]:
    """(wall, CPU) seconds for one strict build of the course at root; a failure stops the run.

    CPU time counts the build and the kernels it starts; far above the wall time means the
    work ran in parallel, far below means the machine was busy with something else.
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cpu = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []), "-q", "-d", str(root / "site")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"the build failed:\n{result.stderr[-3000:]}")
    return elapsed, _children_cpu() - cpu


def _report(name: str, runs: list[tuple[float, float]]) -> str:
    walls = [wall for wall, _ in runs]
    cpu = statistics.median(c for _, c in runs)
    return (
        f"{name}: median {statistics.median(walls):6.1f} s wall ({cpu:.1f} s CPU) "
        f"of {len(runs)} run(s): {', '.join(f'{t:.1f}' for t in walls)}"
    )


def main() -> None:
    """Run the cold and warm builds and print their medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold-runs", type=int, default=1)
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument(
        "--lenient", action="store_true", help="build without --strict (time a course whose pages have warnings)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        root = Path(tmp)
        copy_course(root)
        lessons = len(list((root / "docs/modules").glob("*/*.ipynb")))
        exercises = len(list((root / "exercises").glob("*/*/exercise.toml")))
        cold = []
        for _ in range(args.cold_runs):
            shutil.rmtree(root / ".cache", ignore_errors=True)
            cold.append(timed_build(root, not args.lenient))
        warm = [timed_build(root, not args.lenient) for _ in range(args.warm_runs)]
    print(
        f"course: {lessons} lesson notebooks, {exercises} exercises; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(_report("cold build (empty caches)", cold))
    print(_report("warm rebuild (no change) ", warm))


if __name__ == "__main__":
    main()
