"""A kernel for one grading: started from the grader's own Python, killed as a process group."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

from grader.errors import KernelStartError
from grader.exercise import Exercise


class _GraderKernelSpecs(KernelSpecManager):
    """Only one kernel: this interpreter, never a stale kernelspec installed elsewhere."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        python = os.environ.get("GRADER_PYTHON", sys.executable)
        argv = [python, "-Xfrozen_modules=off", "-m", "grader.kernel_main", "-f", "{connection_file}"]
        return KernelSpec(argv=argv, display_name="Python (grader)", language="python")


@dataclass
class RunningKernel:
    """A started kernel: its manager (for nbclient) and how to interrupt or kill it."""

    manager: AsyncKernelManager

    @property
    def pid(self) -> int | None:
        process = getattr(self.manager.provisioner, "process", None)
        return process.pid if process is not None else None

    def alive(self) -> bool:
        process = getattr(self.manager.provisioner, "process", None)
        return process is not None and process.poll() is None

    def exit_code(self) -> int | None:
        process = getattr(self.manager.provisioner, "process", None)
        return process.poll() if process is not None else None

    def interrupt(self) -> None:
        if self.pid and self.alive():
            os.kill(self.pid, signal.SIGINT)

    def kill(self) -> None:
        """Kill the kernel and everything it started (its own process group); reap it."""
        pid = self.pid
        if pid is None:
            return
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process = self.manager.provisioner.process  # type: ignore[union-attr]
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if self.manager._created_context:  # the manager's own zmq context, if it made one
            self.manager.context.destroy(linger=0)


async def start_kernel(workdir: Path, exercise: Exercise) -> RunningKernel:
    """Launch the kernel process in `workdir`; it becomes ready while the grader goes on."""
    manager = AsyncKernelManager(kernel_name="grader", kernel_spec_manager=_GraderKernelSpecs())
    manager.connection_file = str(workdir / ".kernel-connection.json")
    env = {
        **os.environ,
        **exercise.env,
        "GRADER_MEMORY_MB": str(exercise.limits.memory_mb),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "MPLBACKEND": "agg",
        "PYTHONHASHSEED": "0",
    }
    try:
        await manager.start_kernel(cwd=str(workdir), env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
    except Exception as err:
        raise KernelStartError(
            f"The grader could not start Python to run your notebook ({err}). "
            "Reinstall the course (pip install -e .) and try again."
        ) from None
    return RunningKernel(manager)
