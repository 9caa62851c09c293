"""Kernels forked from a zygote: for graders that start many kernels (a cohort, `course check`).

`KernelZygote` starts `grader.zygote_main`, a process that has imported the kernel once; each
grading then asks it for a kernel through `ZygoteProvisioner`, jupyter_client's own extension point
for how a kernel process is launched. The kernel is the same as a launched one (same entry point,
limits, folder and environment) minus the 0.4 s of CPU its imports cost.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
from multiprocessing.util import Finalize
from pathlib import Path
from types import TracebackType
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner

from grader.errors import KernelStartError

_START_TIMEOUT = 60.0
_KILLED = -9  # what a kernel whose zygote vanished is reported as (as by SIGKILL, a name Windows lacks)


class KernelZygote:
    """The zygote process, for the life of a `with` block; `address` is what gradings are given.

    Its kernels are its children, so a notebook can kill it (os.kill(os.getppid(), 9)); whoever
    owns it sees that through `alive`, and `ensure_running` starts it again.
    """

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="grader-zygote-")
        self.address = str(Path(self._folder.name) / "zygote.sock")
        self._process: subprocess.Popen[str] | None = None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def exit_code(self) -> int | None:
        return self._process.poll() if self._process is not None else None

    def ensure_running(self) -> str:
        """The address, after starting the zygote again if a notebook killed it."""
        if not self.alive:
            self._stop()
            self._start()
        return self.address

    def __enter__(self) -> KernelZygote:
        self._start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop()
        self._folder.cleanup()

    def _start(self) -> None:
        Path(self.address).unlink(missing_ok=True)
        # The kernels' hash seed is fixed at interpreter start, so the zygote starts with theirs.
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        python = os.environ.get("GRADER_PYTHON", sys.executable)
        self._process = subprocess.Popen(
            [python, "-Xfrozen_modules=off", "-m", "grader.zygote_main", self.address],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        said = self._process.stdout
        assert said is not None
        ready, _, _ = select.select([said], [], [], _START_TIMEOUT)
        if not ready or said.readline().strip() != "ready":
            self._stop()
            from grader.kernel import start_failure

            raise start_failure(RuntimeError("the kernel zygote did not start"))

    def _stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()  # it kills every kernel it forked, then exits
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()  # type: ignore[union-attr]


_of_this_process: KernelZygote | None = None


def zygote_of_this_process() -> KernelZygote:
    """This process's zygote, started on first use and stopped when the process exits.

    Linux ties the zygote's life to the thread that starts it, so the first use should be from a
    thread that lives as long as the process; if not, `ensure_running` starts it again.
    """
    global _of_this_process
    if _of_this_process is None:
        _of_this_process = KernelZygote().__enter__()
        # multiprocessing's exit hook: it also runs in worker processes, where atexit does not
        Finalize(_of_this_process, _of_this_process.__exit__, args=(None, None, None), exitpriority=10)
    return _of_this_process


class ForkedKernel:
    """A kernel forked by the zygote, with the part of `subprocess.Popen` that jupyter_client uses.

    It is not this process's child: its end is learnt from the zygote over the kernel's connection,
    and closing that connection ends the kernel.
    """

    stdin = stdout = stderr = None

    def __init__(self, address: str, argv: list[str], cwd: str, env: dict[str, str]) -> None:
        self.returncode: int | None = None
        self._conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._conn.settimeout(_START_TIMEOUT)
            self._conn.connect(address)
            self._conn.sendall(json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode() + b"\n")
            self._lines = self._conn.makefile("rb")
            self.pid = int(self._lines.readline())
        except (OSError, ValueError) as err:
            self._conn.close()
            raise KernelStartError(f"The grader could not start a kernel ({err}).") from None

    def poll(self) -> int | None:
        if self.returncode is None:
            ready, _, _ = select.select([self._conn], [], [], 0)
            if ready:
                self._read_exit()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            ready, _, _ = select.select([self._conn], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired("kernel", timeout or 0)
            self._read_exit()
        assert self.returncode is not None
        return self.returncode

    def _read_exit(self) -> None:
        try:
            line = self._lines.readline().decode()
        except OSError:
            line = ""
        self.returncode = int(line.split()[1]) if line.startswith("exit ") else _KILLED
        self._lines.close()
        self._conn.close()

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ZygoteProvisioner(LocalProvisioner):
    """Launches the kernel by asking the zygote at `address` instead of starting a new Python."""

    address = ""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        argv = cmd[cmd.index("grader.kernel_main") + 1 :]  # the interpreter is the zygote's own
        process = ForkedKernel(self.address, argv, str(kwargs["cwd"]), dict(kwargs["env"]))
        self.process = process  # type: ignore[assignment]  # quacks like the Popen it replaces
        self.pid = self.pgid = process.pid
        self.cwd = kwargs["cwd"]
        return self.connection_info
