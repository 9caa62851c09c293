"""Stage 3, execute: run every cell in the kernel with nbclient, within the exercise's limits.

Errors are recorded per cell and execution goes on, so one broken cell does not hide the rest;
a cell that runs too long is interrupted; output past the cap is cut; if the notebook stops
Python itself, the cell that did it is recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode

from grader.cell_errors import CellError, cell_label, locate_learner_line
from grader.errors import GraderError, KernelStartError
from grader.exercise import Limits
from grader.kernel import RunningKernel
from grader.no_installs import install_note, without_installs
from grader.slow_cells import SLOW_AFTER, SlowCellLine
from grader.upstream import GradingClient, require_upstream

TIMEOUT_ENAME = "CellTimeoutError"
_quiet = logging.getLogger("grader.nbclient")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


@dataclass
class Execution:
    """What happened when the notebook ran."""

    notebook: NotebookNode
    errors: list[CellError] = field(default_factory=list)
    printed: dict[int, str] = field(default_factory=dict)  # cell position (1-based) -> stdout
    stopped_at: int | None = None  # the cell during which the kernel died
    stopped_where: str = ""  # that cell as the learner sees it (grader.cell_errors.cell_label)
    stop_reason: str = ""
    notes: list[str] = field(default_factory=list)  # what grading did differently, for the report
    out_of_time: bool = False  # the total time limit ran out before every cell ran


async def execute_notebook(
    nb: NotebookNode, kernel: RunningKernel, limits: Limits, slow_line: SlowCellLine | None = None
) -> Execution:
    """Run each code cell of `nb` in `kernel`; never raises for anything the learner's code does.

    `slow_line`: told about each cell that runs longer than a few seconds (`grade` on a terminal).
    """
    require_upstream()
    clock = kernel.clock()  # the whole notebook's limit, on the kernel's clock as each cell's is
    replies: dict[int, dict[str, Any]] = {}

    def cell_timeout(_cell: NotebookNode) -> float:
        return max(0.1, min(limits.cell_timeout, limits.total_timeout - clock.elapsed()))

    def record(cell: NotebookNode, cell_index: int, execute_reply: dict[str, Any]) -> None:
        replies[cell_index] = execute_reply.get("content", {})

    client = GradingClient(
        nb,
        kernel,
        output_cap=limits.output_kb * 1024,
        timeout_func=cell_timeout,
        allow_errors=True,
        interrupt_on_timeout=True,
        startup_timeout=60,
        error_on_timeout={"ename": TIMEOUT_ENAME, "evalue": "", "traceback": []},
        on_cell_executed=record,
        log=_quiet,
        iopub_timeout=2,
        kernel_name="grader",
    )
    execution = Execution(notebook=nb)
    last_of_total: set[int] = set()  # cells started with less time than a cell may take
    try:
        await client.async_start_new_kernel_client()
    except (RuntimeError, TimeoutError) as err:
        raise KernelStartError(
            f"Python started but never became ready to run your notebook ({err}). "
            "Your computer may be busy: close some programs and run grade again."
        ) from None
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if clock.elapsed() >= limits.total_timeout:
                execution.out_of_time = True
                break
            budget = cell_timeout(cell)
            if budget < limits.cell_timeout:
                last_of_total.add(index)  # if it times out, the whole notebook's limit stopped it
            try:
                await _run_cell(client, cell, index, execution, slow_line, budget)
            except DeadKernelError:
                _raise_if_cancelled()
                execution.stopped_at = index + 1
                execution.stop_reason = _death_reason(kernel)
                break
            except Exception:  # the kernel's replies became garbage: learner code broke its messaging
                execution.stopped_at = index + 1
                execution.stop_reason = (
                    "the notebook broke Python's connection to the grader, "
                    "for example by replacing json or another part of Python"
                )
                kernel.kill()
                break
            if replies.get(index, {}).get("ename") == TIMEOUT_ENAME and not client.timeouts_on_kernel_clock:
                raise GraderError(
                    "The grader's copy of nbclient stopped a cell by the wall clock instead of your "
                    "notebook's own running time. Reinstall the course (pip install -e .) and grade again."
                )
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
            client.kc.context.destroy(linger=0)
    _collect(execution, replies, limits, last_of_total)
    if execution.stopped_at is not None:
        execution.stopped_where = cell_label(nb.cells, execution.stopped_at)
    return execution


async def _run_cell(
    client: GradingClient,
    cell: NotebookNode,
    index: int,
    execution: Execution,
    slow_line: SlowCellLine | None,
    limit: float,
) -> None:
    """Run one cell: without its package installs, and with the live line while it is slow."""
    original = cell.source
    if without_installs(original) != original:
        execution.notes.append(install_note(execution.notebook.cells, index + 1, original))
        cell.source = without_installs(original)
    watch = (
        asyncio.create_task(_tell_while_slow(client, execution.notebook.cells, index + 1, slow_line, limit))
        if slow_line
        else None
    )
    try:
        await client.async_execute_cell(cell, index)
    finally:
        cell.source = original  # the checks see the notebook as the learner wrote it
        if watch is not None:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
            assert slow_line is not None
            slow_line.finished()


async def _tell_while_slow(
    client: GradingClient, cells: list[NotebookNode], position: int, slow_line: SlowCellLine | None, limit: float
) -> None:
    await asyncio.sleep(SLOW_AFTER)
    where = cell_label(cells, position)
    while slow_line is not None:
        slow_line.running(where, client._cell_clock.elapsed(), limit)
        await asyncio.sleep(1)


def _raise_if_cancelled() -> None:
    """nbclient reports any cancellation as a dead kernel; Ctrl-C cancels this task (asyncio.run),
    and must end grading, not record a crash the learner did not cause."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def _death_reason(kernel: RunningKernel) -> str:
    code = kernel.exit_code()
    if code is None:
        return "Python stopped answering"
    if code == -9:
        return "Python was killed, most often because it ran out of memory"
    if code < 0:
        return "Python crashed (a fault in a library, or os.kill)"
    return f"the notebook ended Python itself (exit code {code}, as os._exit does)"


def _collect(execution: Execution, replies: dict[int, dict[str, Any]], limits: Limits, last_of_total: set[int]) -> None:
    """Turn nbclient's replies and outputs into per-cell errors and printed text."""
    cells = execution.notebook.cells
    by_count = {c["execution_count"]: (i + 1, c.source) for i, c in enumerate(cells) if c.get("execution_count")}
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        execution.printed[index + 1] = "".join(
            o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stdout"
        )
        reply = replies.get(index)
        if not reply or reply.get("status") != "error":
            continue
        error_output: dict[str, Any] = next((o for o in outputs if o.get("output_type") == "error"), {})
        traceback = reply.get("traceback") or error_output.get("traceback", [])
        ename = str(reply.get("ename", "Error"))
        timed_out = ename == TIMEOUT_ENAME
        evalue = str(reply.get("evalue", ""))
        if timed_out and index in last_of_total:
            execution.out_of_time = True
            ename, evalue = (
                "TimeoutError",
                (f"the notebook ran out of its {limits.total_timeout:g} seconds in all during this cell"),
            )
        elif timed_out:
            ename, evalue = "TimeoutError", f"the cell ran longer than {limits.cell_timeout:g} seconds"
        elif ename == "MemoryError":
            evalue = f"the notebook used more than {limits.memory_mb} MB of memory"
        line, line_number, line_cell = locate_learner_line(traceback, by_count, (index + 1, cell.source))
        execution.errors.append(
            CellError(
                cell=index + 1,
                ename=ename,
                evalue=evalue,
                line_cell=line_cell,
                line=line,
                line_number=line_number,
                timed_out=timed_out,
                where=cell_label(cells, index + 1),
                line_where=cell_label(cells, line_cell),
            )
        )
