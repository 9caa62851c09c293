"""The grading pipeline of DESIGN.md, end to end: load, prepare, execute, check, result.

`grade_notebook` is what `grade`, `course check` and the batch grader all call.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grader._fast_imports  # noqa: F401  first: see its docstring
from grader.errors import GraderBroken
from grader.exercise import Exercise
from grader.hints import next_hint
from grader.kernel import RunningKernel, start_kernel
from grader.load import load_notebook, repair_note
from grader.prepare import fill_working_folder
from grader.result import CheckResult, GradeResult, versions
from grader.sandbox import sandbox_notes, sandbox_status
from grader.sandbox.checks_first import ChecksReadFirst

if TYPE_CHECKING:
    from grader.kernel_pool import SpareKernel
    from grader.slow_cells import SlowCellLine


def _import_checking_machinery() -> None:
    """Import pytest and the check plugin while the kernel boots (it takes most of a second)."""
    import grader.checks  # noqa: F401


def grade_notebook(
    notebook: Path,
    exercise: Exercise,
    extra_checks: Path | None = None,
    hints_shown: int = 0,
    spare: SpareKernel | None = None,
    zygote: str | None = None,
    slow_line: SlowCellLine | None = None,
) -> GradeResult:
    """Grade `notebook` against `exercise`'s checks (and hidden `extra_checks`); never writes it.

    `spare` (grade watch): a kernel already started in its own empty working folder by
    grader.kernel_pool; this grading uses it instead of starting one, and ends it.
    `zygote`: the address of a running `grader.zygote.KernelZygote` to fork the kernel from.
    `slow_line`: shows the learner which cell is running when one takes more than a few seconds.
    """
    started = time.perf_counter()
    checks_first = ChecksReadFirst.read(exercise.folder, exercise.check_files, extra_checks)  # before any learner code
    nb = None
    folder: AbstractContextManager[Any]
    if spare:
        nb = load_notebook(notebook, exercise.limits.max_notebook_mb)
        folder = spare.working_folder(nb, exercise)
    else:  # the kernel starts first, in an empty folder, and boots while the notebook is read
        folder = tempfile.TemporaryDirectory(prefix="grade-")
    with folder as workdir_name, ThreadPoolExecutor(1) as pool:
        workdir = Path(workdir_name)
        warm = pool.submit(_import_checking_machinery)
        kernel = None
        try:
            kernel, execution = asyncio.run(
                _boot_and_execute(notebook, nb, workdir, exercise, spare, zygote, slow_line)
            )
            warm.result()
            executed = time.perf_counter()
            checks, broken = _check(kernel, execution, workdir, exercise, checks_first)
        finally:
            if kernel is not None:
                kernel.kill()
    if broken:
        raise GraderBroken(f"The checks of {exercise.id} could not be loaded: {broken[0]}")
    return GradeResult(
        exercise_id=exercise.id,
        title=exercise.title,
        notebook=str(notebook),
        checks=tuple(checks),
        cell_errors=tuple(execution.errors),
        stopped_at=execution.stopped_at,
        stop_reason=execution.stop_reason,
        stopped_where=execution.stopped_where,
        notes=(*filter(None, [repair_note(notebook)]), *execution.notes, *sandbox_notes()),
        out_of_time=execution.out_of_time,
        next_hint=next_hint(exercise, checks, hints_shown),
        timings={
            "execute": round(executed - started, 3),
            "checks": round(time.perf_counter() - executed, 3),
            "total": round(time.perf_counter() - started, 3),
        },
        versions=versions(),
        graded_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        sandbox=sandbox_status(),
    )


async def _boot_and_execute(
    notebook: Path,
    nb,
    workdir: Path,
    exercise: Exercise,
    spare: SpareKernel | None,
    zygote: str | None,
    slow_line: SlowCellLine | None,
):
    """Start the kernel (unless a spare is ready), read and stage the notebook while it boots, run it."""
    kernel = spare.kernel if spare else await start_kernel(workdir, exercise, zygote)
    try:
        if nb is None:
            nb = load_notebook(notebook, exercise.limits.max_notebook_mb)
            fill_working_folder(workdir, nb, exercise)
        from grader.execute import execute_notebook

        return kernel, await execute_notebook(nb, kernel, exercise.limits, slow_line)
    except BaseException:
        kernel.kill()
        raise


def _check(
    kernel: RunningKernel, execution, workdir: Path, exercise: Exercise, checks_first: ChecksReadFirst
) -> tuple[list[CheckResult], list[str]]:
    from grader.checks import run_checks
    from grader.probe import KernelTransport, NotebookHandle

    timeout = exercise.limits.cell_timeout
    handle = NotebookHandle(KernelTransport(kernel, execution, timeout), execution, workdir, exercise.folder, timeout)
    try:
        with checks_first.written() as copy:  # a private copy: the kernel cannot reach it
            return run_checks(
                [*copy.check_files, *copy.hidden_files], handle, copy.rootdir, copy.ini_file, set(copy.hidden_files)
            )
    finally:
        handle.close()
