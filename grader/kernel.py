"""A kernel for one grading: started from the grader's own Python, killed with all it started.

Where a POSIX way is missing (`grader.platform_support`), the portable one is taken: TCP for Unix
sockets, psutil's process tree for a process group, a memory watch for RLIMIT, the wall clock for
Linux's scheduler statistics, a launched kernel for a forked one.
"""

from __future__ import annotations

import asyncio
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

import zmq
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

from grader import libraries, platform_support, sandbox
from grader.errors import KernelStartError
from grader.exercise import Exercise
from grader.process_tree import MemoryWatch, kill_tree
from grader.upstream import START_ATTEMPTS, owns_zmq_context

if hasattr(asyncio, "WindowsSelectorEventLoopPolicy"):
    # Windows' default event loop lacks what ZeroMQ's sockets need (add_reader): pyzmq would warn
    # in the learner's terminal and start a helper thread. Jupyter's own servers do the same.
    asyncio.set_event_loop_policy(asyncio.WindowsSelectorEventLoopPolicy())


def _kernel_python() -> str:
    return os.environ.get("GRADER_PYTHON", sys.executable)


class _GraderKernelSpecs(KernelSpecManager):
    """Only one kernel: this interpreter, never a stale kernelspec installed elsewhere."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        python = _kernel_python()
        # History off: a grading's code must not land in the user's IPython history (nor wait on its lock)
        argv = [
            python,
            "-Xfrozen_modules=off",
            "-m",
            "grader.kernel_main",
            "-f",
            "{connection_file}",
            "--HistoryManager.enabled=False",
        ]
        return KernelSpec(argv=argv, display_name="Python (grader)", language="python")


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
        self._schedstat = Path(f"/proc/{pid}/schedstat") if pid and platform_support.schedstat() else None
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
_KILLED_FOR_MEMORY = -9  # as a POSIX kernel killed by SIGKILL is reported
_CRASHED = -11  # as a POSIX kernel that crashed (SIGSEGV) is reported
_WINDOWS_FAULT = 0xC0000000  # the exit codes Windows gives a process it ended for a fault (NTSTATUS errors)


@dataclass
class RunningKernel:
    """A started kernel: its manager (for nbclient) and how to interrupt or kill it."""

    manager: AsyncKernelManager
    runtime: Path  # its connection file and sockets, outside the learner's folder
    memory: MemoryWatch | None = None  # where RLIMIT is missing: the grader stops a kernel over its limit

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
        code = process.poll() if process is not None else None
        if code is not None and self.memory is not None and self.memory.exceeded:
            return _KILLED_FOR_MEMORY  # what RLIMIT's kill looks like, whatever the system reports
        if code is not None and code >= _WINDOWS_FAULT:  # a Windows crash (an access violation, say)
            return _CRASHED  # reported as a POSIX crash by a signal is
        return code

    def interrupt(self) -> None:
        if not (self.pid and self.alive()):
            return
        process = getattr(self.manager.provisioner, "process", None)
        event = getattr(process, "win32_interrupt_event", None)
        if event is not None:  # Windows: os.kill(pid, SIGINT) would end the kernel, not interrupt it
            from jupyter_client.win_interrupt import send_interrupt

            send_interrupt(event)
        else:
            os.kill(self.pid, signal.SIGINT)

    def kill(self) -> None:
        """Kill the kernel and everything it started (its process group, or its process tree); reap it."""
        pid = self.pid
        if pid is None:
            return
        if self.memory is not None:
            self.memory.stop()
        if platform_support.process_groups():
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        else:
            kill_tree(pid)
        process = self.manager.provisioner.process  # type: ignore[union-attr]
        if process is None:
            return
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if owns_zmq_context(self.manager):
            self.manager.context.destroy(linger=0)
        shutil.rmtree(self.runtime, ignore_errors=True)


async def start_kernel(workdir: Path, exercise: Exercise, zygote: str | None = None) -> RunningKernel:
    """Launch the kernel process in `workdir`; it becomes ready while the grader goes on.

    `zygote`: the address of a `grader.zygote.KernelZygote`, which forks the kernel instead.
    """
    # Unix sockets in a folder of the kernel's own, not TCP ports: a port the grader picks can be
    # taken by another kernel starting at the same moment (a known jupyter_client race that
    # parallel grading hits), and the learner's folder holds only the learner's files.
    # Where there are no Unix sockets (Windows), or TMPDIR is too long for one, TCP on localhost.
    runtime = Path(tempfile.mkdtemp(prefix="grader-kernel-"))
    sockets = str(runtime / "socket")
    ipc = platform_support.unix_sockets() and zmq.has("ipc") and len(sockets) + 3 < _UNIX_SOCKET_PATH_MAX
    manager = AsyncKernelManager(
        kernel_name="grader",
        kernel_spec_manager=_GraderKernelSpecs(),
        client_class="grader.upstream.GraderKernelClient",
        transport="ipc" if ipc else "tcp",
        **({"ip": sockets} if ipc else {}),
        connection_file=str(runtime / "connection.json"),
    )
    forked = zygote is not None and platform_support.fork()  # else the usual launch: the zygote needs fork
    if zygote is not None and forked:
        from grader.zygote import ZygoteProvisioner

        manager.kernel_id = str(uuid.uuid4())
        manager.provisioner = ZygoteProvisioner(
            kernel_id=manager.kernel_id, kernel_spec=manager.kernel_spec, parent=manager
        )
        manager.provisioner.address = zygote
    env = {
        # A learner's real provider (COURSE_LLM_*) is for lessons: grading always talks to the course's
        # own stand-in, or to what a check points the kernel at, never to a paid model.
        **{name: value for name, value in os.environ.items() if not name.startswith("COURSE_LLM_")},
        **exercise.env,
        "GRADER_MEMORY_MB": str(exercise.limits.memory_mb),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "MPLBACKEND": "agg",
        "PYTHONHASHSEED": "0",
        **sandbox.kernel_env(exercise),  # the kernel sandboxes itself (grader.sandbox)
    }
    if forked:  # the zygote imports the exercise's libraries before it forks (taken out of the kernel's env)
        env[libraries.ENV] = libraries.libraries_of(exercise.starter)
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            await manager.start_kernel(cwd=str(workdir), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            break
        except Exception as err:
            if attempt == START_ATTEMPTS:
                shutil.rmtree(runtime, ignore_errors=True)
                raise start_failure(err) from None
    kernel = RunningKernel(manager, runtime)
    if not platform_support.memory_rlimit() and exercise.limits.memory_mb > 0:
        kernel.memory = MemoryWatch(lambda: kernel.pid, exercise.limits.memory_mb)
    return kernel


def start_failure(err: BaseException) -> KernelStartError:
    """What the learner is told once a kernel has failed to start twice. Reinstalling is the advice
    only when this Python cannot load the kernel at all; otherwise the computer was too busy."""
    python = _kernel_python()
    try:
        probe = subprocess.run(
            [python, "-c", "import ipykernel, grader.kernel_main"],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        said = probe.stderr.strip().splitlines() or [f"exit code {probe.returncode}"]
        broken = said[-1] if probe.returncode else ""
    except OSError as missing:
        broken = str(missing)
    except subprocess.TimeoutExpired:
        broken = ""
    if broken:
        return KernelStartError(
            f"The grader could not start Python to run your notebook: {python} cannot "
            f"load the grader ({broken}). Reinstall the course (pip install -e .) and try again."
        )
    return KernelStartError(
        f"Python did not start to run your notebook, twice in a row ({err}). "
        "Your computer may be busy: close some programs and run grade again."
    )
