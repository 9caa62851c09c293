"""The `nb` handle for `check()` inside Jupyter: the same questions, asked of the live namespace.

It is `grader.probe.NotebookHandle` with another transport: instead of sending each request to a
grading kernel over zmq (`KernelTransport`), it hands it to the very dispatcher that kernel runs
(`grader._agent`), in this process. Values still cross through `grader.wire` as data, placeholders still mean "not
attempted" and the learner's exceptions are still mirrored, so a check behaves here as in `grade`.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from grader.cell_errors import CellError, locate_learner_line
from grader.execute import Execution
from grader.probe import CheckTimedOut, NotebookHandle


class _TookTooLong(BaseException):
    """Raised inside the learner's code when a check's call runs past its time limit."""


class LiveTransport:
    """Each request handed to the agent in this very process, on a SIGALRM time limit."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def send(self, request: dict[str, Any], subject: str) -> dict[str, Any]:
        from grader import _agent

        with _time_limit(self.timeout):
            reply: dict[str, Any] = json.loads(_agent.handle(json.dumps(request)))
        if reply.get("raised", {}).get("type") == _TookTooLong.__name__:
            raise CheckTimedOut(
                f"{subject} did not finish within {self.timeout:g} seconds. Look for a loop that never ends."
            )
        return reply

    def close(self) -> None:
        from grader import _agent

        _agent.forget()  # let go of the learner's objects the checks were looking at


def live_handle(execution: Execution, workdir: Path, exercise_dir: Path, timeout: float) -> NotebookHandle:
    """`nb` for checks run in the learner's own kernel; reads `get_ipython().user_ns`."""
    return NotebookHandle(LiveTransport(timeout), execution, workdir, exercise_dir, timeout)


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the learner's code after `seconds` (only possible on the main thread, with SIGALRM)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def too_long(_signum: int, _frame: Any) -> None:
        raise _TookTooLong()

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def live_execution(notebook: Path | None, history: list[str]) -> Execution:
    """What the notebook did, as `grade`'s execution stage would describe it.

    Read from the notebook as last saved (its cells, what they printed, which raised); without a
    saved file, from the kernel's input history, with nothing printed.
    """
    nb = _saved_notebook(notebook)
    if nb is None:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(source) for source in history if source.strip()]
    execution = Execution(notebook=nb)
    by_count = {
        c.get("execution_count"): (i, c.source) for i, c in enumerate(nb.cells, start=1) if c.get("execution_count")
    }
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        execution.printed[index] = "".join(
            o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stdout"
        )
        error = next((o for o in outputs if o.get("output_type") == "error"), None)
        if error is not None:
            line, number, line_cell = locate_learner_line(
                list(error.get("traceback", [])), by_count, (index, cell.source)
            )
            execution.errors.append(
                CellError(
                    cell=index,
                    ename=str(error.get("ename", "Error")),
                    evalue=str(error.get("evalue", "")),
                    line=line,
                    line_number=number,
                    line_cell=line_cell,
                )
            )
    return execution


def _saved_notebook(path: Path | None) -> NotebookNode | None:
    if path is None:
        return None
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError, KeyError, AttributeError):
        return None
