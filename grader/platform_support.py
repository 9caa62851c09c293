"""What this computer offers the grader, each found by looking for it, never guessed from its name.

Every check answers "can the POSIX way be used here?"; where it cannot, the grader takes a portable
way that works on Windows, macOS and Linux alike (see each function). `GRADER_PORTABLE=1` takes every
portable way even where the POSIX one exists: that is how a Linux machine proves the Windows and
macOS paths (tests/portable). Nothing here imports a POSIX-only module at the top.
"""

from __future__ import annotations

import importlib
import os
import signal
import socket
import sys
from functools import cache
from pathlib import Path

from grader.errors import UngradableInput

PORTABLE_ENV = "GRADER_PORTABLE"


def portable_mode() -> bool:
    """Whether every portable way is forced (tests, or a learner working around a broken POSIX way)."""
    return os.environ.get(PORTABLE_ENV, "") not in ("", "0")


def _module_has(name: str, *attributes: str) -> bool:
    try:
        module = importlib.import_module(name)
    except ImportError:
        return False
    return all(hasattr(module, attribute) for attribute in attributes)


@cache
def memory_rlimit() -> bool:
    """RLIMIT_DATA in the kernel (a MemoryError at the limit); else the grader watches the kernel's
    memory with psutil and stops it when it goes over. macOS has the limit but does not apply it
    to large allocations (its malloc maps them outside the data segment), so there the watch too."""
    return (
        not portable_mode() and _module_has("resource", "setrlimit", "RLIMIT_DATA") and sys.platform.startswith("linux")
    )


@cache
def process_groups() -> bool:
    """One kill for a kernel and everything it started (its process group); else psutil's process tree."""
    return not portable_mode() and hasattr(os, "killpg") and hasattr(signal, "SIGKILL")


@cache
def unix_sockets() -> bool:
    """Unix sockets, for ZeroMQ's `ipc` transport and the zygote's requests; else TCP on localhost."""
    return not portable_mode() and hasattr(socket, "AF_UNIX")


@cache
def fork() -> bool:
    """A zygote that forks kernels (it talks over a Unix socket); else each kernel is a new Python."""
    return not portable_mode() and hasattr(os, "fork") and unix_sockets()


@cache
def schedstat() -> bool:
    """Linux's /proc/PID/schedstat, for time limits on the kernel's own clock; else the wall clock."""
    return not portable_mode() and Path(f"/proc/{os.getpid()}/schedstat").is_file()


@cache
def parent_death_signal() -> bool:
    """Linux's prctl(PR_SET_PDEATHSIG); else a thread in the kernel watches for its parent's end."""
    if portable_mode():
        return False
    try:
        import ctypes

        return hasattr(ctypes.CDLL(None), "prctl")
    except (OSError, TypeError, AttributeError):  # TypeError: Windows has no CDLL(None)
        return False


def lock_kind() -> str:
    """How a results folder is locked: "fcntl" (POSIX), "msvcrt" (Windows), else "lockfile"."""
    if portable_mode():
        return "lockfile"
    if _module_has("fcntl", "flock"):
        return "fcntl"
    return "msvcrt" if _module_has("msvcrt", "locking") else "lockfile"


def require_linux(command: str) -> None:
    """Refuse, in one line, an instructor's command that needs what only Linux offers here."""
    missing = [
        name
        for name, present in (
            ("fork", fork()),
            ("process groups", process_groups()),
            ("memory limits", memory_rlimit()),
        )
        if not present
    ]
    if missing:
        raise UngradableInput(
            f"`{command}` needs Linux (this computer lacks {', '.join(missing)}); "
            "learners' commands such as `grade` work here."
        )
