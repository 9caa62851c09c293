"""The kernel's entry point: limit its memory, tie its life to the grader's, then start ipykernel.

Run as `python -m grader.kernel_main -f CONNECTION_FILE` by the grader, never by a learner.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal

_PR_SET_PDEATHSIG = 1


def _limit_memory() -> None:
    megabytes = int(os.environ.pop("GRADER_MEMORY_MB", "0") or 0)
    if megabytes > 0:
        # RLIMIT_DATA counts the heap and private mappings, not reserved address space, so a
        # large import (numpy's thread pools) is not mistaken for a memory bomb.
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _die_with_grader() -> None:
    """If the grader is killed (even with kill -9), the kernel is killed too: no orphans."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the grader's process-group kill still applies
        pass


def main() -> None:
    _limit_memory()
    _die_with_grader()
    from ipykernel import kernelapp

    import grader._agent  # noqa: F401  loaded before any learner code can patch json or builtins

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
