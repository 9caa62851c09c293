"""A kernel's whole process tree, through psutil: where there are no process groups or no RLIMIT
(Windows, and Linux in portable mode), ending a kernel and watching its memory go through here."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psutil

# psutil is imported where it is used: on Linux its backend imports `resource`, and this module is on
# every learner command's import path, which must load where POSIX-only modules do not exist.

_MEMORY_POLL = 0.2  # seconds between two looks at the kernel's memory


def kill_tree(pid: int) -> None:
    """Kill the process `pid` and every process it started, however deep."""
    import psutil

    try:
        root = psutil.Process(pid)
        descendants = root.children(recursive=True)  # read first: once the root dies they are orphans
    except psutil.Error:
        return
    for process in (root, *descendants):
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(descendants, timeout=2)


def tree_memory_mb(root: psutil.Process) -> float:
    """The memory the process and its descendants hold (resident), in MB; 0 once it has gone."""
    import psutil

    try:
        if not root.is_running():  # gone, and its pid perhaps another process's by now
            return 0.0
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total / (1024 * 1024)


class MemoryWatch:
    """A thread that kills the kernel's tree once it holds more than `limit_mb`: the memory limit
    where RLIMIT is missing. The notebook is then stopped, not given a MemoryError, and `exceeded`
    tells the report why."""

    def __init__(self, pid_of: Callable[[], int | None], limit_mb: int) -> None:
        self.exceeded = False
        self._pid_of = pid_of  # read on each look: a kernel restarted after a failed start has a new pid
        self._limit_mb = limit_mb
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="kernel-memory", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        import psutil

        root: psutil.Process | None = None
        while not self._stopped.wait(_MEMORY_POLL):
            pid = self._pid_of()
            if pid is None:
                continue
            if root is None or root.pid != pid:
                try:
                    root = psutil.Process(pid)  # remembers its start time: a reused pid is told apart
                except psutil.Error:
                    continue
            if tree_memory_mb(root) > self._limit_mb:
                self.exceeded = True
                kill_tree(pid)
                return

    def stop(self) -> None:
        self._stopped.set()
