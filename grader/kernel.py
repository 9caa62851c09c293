"""A kernel for one grading: started from the grader's own Python, killed as a process group."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from queue import Empty

from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

from grader import sandbox
from grader.errors import KernelStartError
from grader.exercise import Exercise


class _GraderKernelSpecs(KernelSpecManager):
    """Only one kernel: this interpreter, never a stale kernelspec installed elsewhere."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        python = os.environ.get("GRADER_PYTHON", sys.executable)
        # History off: a grading's code must not land in the user's IPython history (nor wait on its lock)
        argv = [python, "-Xfrozen_modules=off", "-m", "grader.kernel_main", "-f", "{connection_file}",
                "--HistoryManager.enabled=False"]
        return KernelSpec(argv=argv, display_name="Python (grader)", language="python")


class GraderKernelClient(AsyncKernelClient):  # type: ignore[misc]
    """jupyter_client's client, ready as soon as the kernel is. Its own wait ends by listening to
    IOPub until it has been quiet for 0.2 s: a fifth of a second idle in every grading."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while not await self._answered_and_idle(self.kernel_info()):
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    async def _answered_and_idle(self, msg_id: str) -> bool:
        """Whether the kernel answered `msg_id` and IOPub then reported it idle: IOPub is connected
        (its first messages are lost until it is) and holds nothing more of the start-up."""
        try:
            reply = await self._async_recv_reply(msg_id, timeout=1)
        except TimeoutError:
            return False
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=0.2)
            except Empty:
                return False
            if msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id \
                    and msg["content"].get("execution_state") == "idle":
                self._handle_kernel_info_reply(reply)
                return True


def default_parallel_gradings() -> int:
    """Two gradings per core: a grading waits for its kernel about half of its time, and the
    kernel's clock (below) keeps time limits fair when two kernels share a core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 * cores


class KernelClock:
    """The time a kernel has had since this clock started: the wall clock minus the time it was
    ready to run but waited for a CPU taken by other work (Linux's /proc/PID/schedstat). A time
    limit then means the same on a machine busy with other gradings as on an idle one; where
    schedstat cannot be read, this is the wall clock."""

    def __init__(self, pid: int | None) -> None:
        self._schedstat = Path(f"/proc/{pid}/schedstat") if pid else None
        self._waited = 0.0
        self._started_waited = self._read_waited()
        self._started = time.monotonic()

    def _read_waited(self) -> float:
        if self._schedstat is not None:
            try:  # "time running, time waiting to run, slices", in nanoseconds
                self._waited = int(self._schedstat.read_text().split()[1]) / 1e9
            except (OSError, ValueError, IndexError):  # gone, or no schedstat: the last reading holds
                pass
        return self._waited

    def elapsed(self) -> float:
        return time.monotonic() - self._started - (self._read_waited() - self._started_waited)


_UNIX_SOCKET_PATH_MAX = 104  # bytes, on macOS; 108 on Linux


@dataclass
class RunningKernel:
    """A started kernel: its manager (for nbclient) and how to interrupt or kill it."""

    manager: AsyncKernelManager
    runtime: Path  # its connection file and sockets, outside the learner's folder

    @property
    def pid(self) -> int | None:
        process = getattr(self.manager.provisioner, "process", None)
        return process.pid if process is not None else None

    def clock(self) -> KernelClock:
        return KernelClock(self.pid)

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
        if process is None:
            return
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if self.manager._created_context:  # the manager's own zmq context, if it made one
            self.manager.context.destroy(linger=0)
        shutil.rmtree(self.runtime, ignore_errors=True)


async def start_kernel(workdir: Path, exercise: Exercise, zygote: str | None = None) -> RunningKernel:
    """Launch the kernel process in `workdir`; it becomes ready while the grader goes on.

    `zygote`: the address of a `grader.zygote.KernelZygote`, which forks the kernel instead.
    """
    # Unix sockets in a folder of the kernel's own, not TCP ports: a port the grader picks can be
    # taken by another kernel starting at the same moment (a known jupyter_client race that
    # parallel grading hits), and the learner's folder holds only the learner's files.
    runtime = Path(tempfile.mkdtemp(prefix="grader-kernel-"))
    sockets = str(runtime / "socket")
    ipc = len(sockets) + 3 < _UNIX_SOCKET_PATH_MAX  # else (a very long TMPDIR) TCP, as jupyter_client does
    manager = AsyncKernelManager(kernel_name="grader", kernel_spec_manager=_GraderKernelSpecs(),
                                 client_class="grader.kernel.GraderKernelClient",
                                 transport="ipc" if ipc else "tcp", **({"ip": sockets} if ipc else {}),
                                 connection_file=str(runtime / "connection.json"))
    if zygote:
        from grader.zygote import ZygoteProvisioner

        manager.kernel_id = str(uuid.uuid4())
        manager.provisioner = ZygoteProvisioner(kernel_id=manager.kernel_id, kernel_spec=manager.kernel_spec,
                                                parent=manager)
        manager.provisioner.address = zygote
    env = {
        **os.environ,
        **exercise.env,
        "GRADER_MEMORY_MB": str(exercise.limits.memory_mb),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "MPLBACKEND": "agg",
        "PYTHONHASHSEED": "0",
        **sandbox.kernel_env(exercise),  # the kernel sandboxes itself (grader.sandbox)
    }
    try:
        await manager.start_kernel(cwd=str(workdir), env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
    except Exception as err:
        shutil.rmtree(runtime, ignore_errors=True)
        raise KernelStartError(
            f"The grader could not start Python to run your notebook ({err}). "
            "Reinstall the course (pip install -e .) and try again."
        ) from None
    return RunningKernel(manager, runtime)
