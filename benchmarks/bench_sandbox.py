"""What the sandbox costs a grading: in the kernel, in the grader, and end to end.

1. In the kernel: `grader.sandbox.confine_kernel` timed inside a launched kernel-to-be (a new
   Python that has imported ipykernel, as `grade` starts one) and inside a process forked from a
   preloaded parent (as the zygote forks one); CPU counts the process and the child it forks to
   write its user namespace's id maps.
2. In the grader: reading the checks before the kernel starts, and their private copy.
3. End to end: the greeting solution graded with the sandbox and without (GRADER_NO_SANDBOX),
   launched and forked, alternating, so that a busy machine weighs on both alike.
Each figure is the median of N (default 20).

Run: `.venv/bin/python benchmarks/bench_sandbox.py [--runs 20] [--skip-gradings]`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTION = REPO / "solutions" / "00-start-here" / "greeting" / "greeting.ipynb"
_TIMED = """
import json, os, resource, sys, time
from grader import kernel_main, sandbox
kernel_main.preload()
def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
wall, used = time.perf_counter(), cpu()
sandbox.confine_kernel(["-f", sys.argv[1]])
print(json.dumps([time.perf_counter() - wall, cpu() - used]))
"""


def cpu() -> float:
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def asked() -> str:
    """What the grader asks a kernel for, for an exercise without network, on this machine."""
    from grader.sandbox import sandbox_status

    return "none+namespaces" if sandbox_status().endswith("+namespaces") else "none"


def kernel_folders() -> tuple[tempfile.TemporaryDirectory[str], Path, Path]:
    """A working folder and a runtime folder with a connection file, as `start_kernel` makes them."""
    tmp = tempfile.TemporaryDirectory(prefix="bench-sandbox-")
    workdir, runtime = Path(tmp.name) / "work", Path(tmp.name) / "runtime"
    workdir.mkdir()
    runtime.mkdir()
    connection = runtime / "connection.json"
    connection.write_text(json.dumps({"transport": "ipc", "ip": str(runtime / "socket"), "key": "k"}))
    return tmp, workdir, connection


def confine_launched() -> tuple[float, float]:
    tmp, workdir, connection = kernel_folders()
    with tmp:
        done = subprocess.run(
            [sys.executable, "-c", _TIMED, str(connection)],
            cwd=workdir,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "GRADER_SANDBOX": asked()},
        )
    wall, used = json.loads(done.stdout)
    return wall, used


def confine_forked() -> tuple[float, float]:
    from grader import sandbox

    tmp, workdir, connection = kernel_folders()
    with tmp:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the zygote's child: its own folder and environment, then the sandbox
            try:
                os.chdir(workdir)
                os.environ["GRADER_SANDBOX"] = asked()
                wall, used = time.perf_counter(), cpu()
                sandbox.confine_kernel(["-f", str(connection)])
                os.write(write_end, json.dumps([time.perf_counter() - wall, cpu() - used]).encode())
            finally:
                os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end) as said:
            wall, used = json.loads(said.read())
        os.waitpid(pid, 0)
    return wall, used


def checks_first() -> tuple[float, float]:
    from grader.exercise import find_exercise_by_id
    from grader.sandbox.checks_first import ChecksReadFirst

    exercise = find_exercise_by_id("greeting", REPO)
    wall, used = time.perf_counter(), cpu()
    with ChecksReadFirst.read(exercise.folder, exercise.check_files, None).written():
        pass
    return time.perf_counter() - wall, cpu() - used


def grading(forked: bool, sandboxed: bool, zygote: str | None) -> tuple[float, float]:
    from grader.engine import grade_notebook
    from grader.exercise import find_exercise_by_id
    from grader.sandbox import sandbox_status

    if sandboxed:
        os.environ.pop("GRADER_NO_SANDBOX", None)
    else:
        os.environ["GRADER_NO_SANDBOX"] = "1"
    sandbox_status.cache_clear()
    exercise = find_exercise_by_id("greeting", REPO)
    wall, used = time.perf_counter(), cpu()
    result = grade_notebook(SOLUTION, exercise, zygote=zygote if forked else None)
    assert result.score == result.max_score and (result.sandbox != "unsandboxed") == sandboxed, result
    return time.perf_counter() - wall, cpu() - used


def median_pair(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def medians(measure: Callable[[], tuple[float, float]], runs: int) -> tuple[float, float]:
    return median_pair([measure() for _ in range(runs)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-gradings", action="store_true", help="Only parts 1 and 2 (a few seconds).")
    args = parser.parse_args()
    from grader import kernel_main

    kernel_main.preload(everything=True)  # this process plays the zygote for the forked figures
    print(f"median of {args.runs}, seconds: wall / CPU", flush=True)
    for label, measure in (
        ("confine, launched kernel", confine_launched),
        ("confine, forked kernel", confine_forked),
        ("checks read first + private copy", checks_first),
    ):
        wall, used = medians(measure, args.runs)
        print(f"  {label:<40} {wall:.4f} / {used:.4f}", flush=True)
    if args.skip_gradings:
        return
    from grader.zygote import KernelZygote

    with KernelZygote() as zygote:
        for forked in (False, True):
            samples: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
            for _ in range(args.runs):
                for sandboxed in samples:  # alternating: load on the machine weighs on both
                    samples[sandboxed].append(grading(forked, sandboxed, zygote.address))
            (on_wall, on_cpu), (off_wall, off_cpu) = (median_pair(samples[True]), median_pair(samples[False]))
            kind = "forked" if forked else "launched"
            print(
                f"  grading, {kind:<8} sandboxed {on_wall:.3f} / {on_cpu:.3f}, "
                f"unsandboxed {off_wall:.3f} / {off_cpu:.3f}, difference {on_wall - off_wall:+.3f} / "
                f"{on_cpu - off_cpu:+.3f}"
            )


if __name__ == "__main__":
    main()
