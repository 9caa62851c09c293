"""The kernel's entry point: limit its memory, tie its life to the grader's, then start ipykernel.

Each of those uses what this computer offers (`grader.platform_support`): no POSIX-only module is
imported at the top, so the same entry point runs on Windows and macOS.

Run as `python -m grader.kernel_main -f CONNECTION_FILE` by the grader, never by a learner, or
called in a process forked by the kernel zygote (`grader.zygote_main`), which has run `preload`.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading

from grader import platform_support, sandbox

_PR_SET_PDEATHSIG = 1
_PR_SET_NAME = 15
KERNEL_NAME = b"grader-kernel"  # what ps and top show for a kernel forked by the zygote
# What ipykernel imports as it starts and runs its first cell, besides ipykernel.kernelapp itself:
# imported ahead by the kernel zygote so that a forked kernel finds them loaded.
_KERNEL_MODULES = (
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.logger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "ipykernel.debugger",
    "ipykernel.ipkernel",
    "psutil",
    "tornado.gen",
    "tornado.locks",
    "tornado.platform.asyncio",
    "tornado.queues",
)


def limit_memory() -> None:
    megabytes = int(os.environ.pop("GRADER_MEMORY_MB", "0") or 0)
    if megabytes > 0 and platform_support.memory_rlimit():  # else the grader watches (grader.kernel)
        import resource

        # RLIMIT_DATA counts the heap and private mappings, not reserved address space, so a
        # large import (numpy's thread pools) is not mistaken for a memory bomb.
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def die_with_parent(parent_pid: int) -> None:
    """When the process that started this one dies (even by kill -9), this one ends too: no orphans."""
    if platform_support.parent_death_signal():
        import signal

        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_end_with, args=(parent_pid,), name="end-with-parent", daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)


def _end_with(parent_pid: int) -> None:
    """Without prctl: look for the parent once a second; once it has gone, end what this process
    started, then this process. psutil tells a reused pid from the parent by its start time."""
    import time

    import psutil

    try:
        parent = psutil.Process(parent_pid)
    except psutil.Error:
        os._exit(1)
    while parent.is_running():
        time.sleep(1.0)
    for child in psutil.Process().children(recursive=True):
        try:
            child.kill()
        except psutil.Error:
            pass
    os._exit(1)


def name_process(name: bytes) -> None:
    if platform_support.parent_death_signal():  # the same prctl; elsewhere processes keep their name
        _prctl(_PR_SET_NAME, name)


def _prctl(option: int, value: int | bytes) -> None:
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value)
    except (OSError, AttributeError):
        pass


def preload(everything: bool = False) -> None:
    """Import what every kernel needs (with `everything`, what it will import later too). The
    debugger (debugpy) is marked absent: a grading never debugs, and it costs 0.14 s per kernel."""
    sys.modules["debugpy"] = None  # type: ignore[assignment]
    from ipykernel import kernelapp  # noqa: F401

    import grader._agent  # noqa: F401  loaded before any learner code can patch json or builtins

    for module in _KERNEL_MODULES if everything else ():
        importlib.import_module(module)


def warm_up() -> None:
    """Do once, for every kernel the zygote forks, what each would repeat before its first cell:
    parsing its command line and transforming cells compile regular expressions, kept in a cache."""
    from ipykernel.kernelapp import IPKernelApp
    from IPython.core.inputtransformer2 import TransformerManager

    IPKernelApp().parse_command_line(["-f", "warm-up.json", "--HistoryManager.enabled=False"])
    TransformerManager().transform_cell("value = 1\nprint(value)\n")


def main(argv: list[str] | None = None) -> None:
    limit_memory()
    die_with_parent(os.getppid())
    sandbox.confine_kernel(sys.argv[1:] if argv is None else argv)  # before any of the learner's code
    preload()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv)


if __name__ == "__main__":
    main()
