"""What one grading costs with a launched kernel and with a kernel forked from the zygote.

The example exercise's solution (greeting) graded N times in one process by `grade_notebook`,
first with kernels launched as `grade` launches them (a new Python each), then with kernels forked
from a zygote (as `grade-batch` and `course check` do); blocks alternate, medians over the blocks.
CPU counts the grader and its kernels: kernels are children (of the grader, or of the zygote,
which is itself the grader's child and is stopped at the end of its block, so its own start-up is
counted too, shared by the block's N gradings).

Run: `.venv/bin/python benchmarks/bench_kernel_start.py [--gradings 20] [--blocks 3]`.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import statistics
import time
from pathlib import Path

import grader._fast_imports
import grader.checks  # noqa: F401  imported once, as in a batch worker
from grader.engine import grade_notebook
from grader.exercise import find_exercise_by_id
from grader.zygote import KernelZygote

REPO = Path(__file__).resolve().parent.parent
SOLUTION = REPO / "solutions" / "00-start-here" / "greeting" / "greeting.ipynb"


def cpu() -> float:
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def block(gradings: int, forked: bool) -> tuple[float, float]:
    """Seconds of wall clock and of CPU per grading, over one block."""
    exercise = find_exercise_by_id("greeting", REPO)
    wall, used = time.perf_counter(), cpu()
    with KernelZygote() if forked else contextlib.nullcontext() as zygote:
        for _ in range(gradings):
            result = grade_notebook(SOLUTION, exercise, zygote=zygote.address if zygote else None)
            assert result.score == result.max_score, result.checks
    return (time.perf_counter() - wall) / gradings, (cpu() - used) / gradings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gradings", type=int, default=20)
    parser.add_argument("--blocks", type=int, default=3)
    args = parser.parse_args()
    block(2, forked=False)  # warm the disk cache
    samples: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(args.blocks):
        for forked in samples:
            samples[forked].append(block(args.gradings, forked))
    print(f"greeting solution, {args.gradings} gradings a block, median of {args.blocks} blocks, per grading:")
    median = {}
    for forked, values in samples.items():
        median[forked] = tuple(statistics.median(v[i] for v in values) for i in range(2))
        label = "forked from the zygote" if forked else "launched kernel"
        print(f"  {label:24} wall {median[forked][0]:.3f} s   CPU {median[forked][1]:.3f} s")
    print(
        f"  zygote / launched: wall {median[True][0] / median[False][0]:.2f}x, "
        f"CPU {median[True][1] / median[False][1]:.2f}x"
    )


if __name__ == "__main__":
    main()
