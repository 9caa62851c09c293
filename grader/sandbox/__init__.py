"""The sandbox every grading kernel runs in: what a submission may reach, and whether this machine
can hold it there. See docs/instructors/sandbox.md for what it allows and why.

The grader asks for it through the kernel's environment (`kernel_env`); the kernel applies it to
itself before any of the learner's code runs (`confine_kernel`). Nothing here imports a
Linux-only module until it is known to run on Linux.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.exercise import Exercise

ENV = "GRADER_SANDBOX"
UNSANDBOXED = "unsandboxed"
NETWORKS = ("none", "loopback")


@functools.cache
def sandbox_status() -> str:
    """How this machine sandboxes kernels: "landlock-7+namespaces" (Landlock ABI 7, and user
    namespaces), "landlock-7" (Landlock alone), or "unsandboxed"."""
    if not sys.platform.startswith("linux") or os.environ.get("GRADER_NO_SANDBOX"):
        return UNSANDBOXED
    from grader.sandbox.landlock import abi_version
    from grader.sandbox.namespaces import namespaces_allowed

    abi = abi_version()
    if not abi:
        return UNSANDBOXED
    return f"landlock-{abi}+namespaces" if namespaces_allowed() else f"landlock-{abi}"


def unsandboxed_reason() -> str:
    """One line for a learner or instructor: why, and what it means."""
    if os.environ.get("GRADER_NO_SANDBOX"):
        why = "The sandbox is switched off here (GRADER_NO_SANDBOX)"
    elif sys.platform.startswith("linux"):
        why = "This Linux kernel cannot sandbox the notebook (it has no Landlock)"
    else:
        why = "This system cannot sandbox the notebook (only Linux can)"
    return f"{why}, so the notebook runs with your own permissions while it is graded; grading works as usual."


def sandbox_notes() -> tuple[str, ...]:
    """The one line a report adds when this machine grades unsandboxed (else nothing)."""
    return (unsandboxed_reason(),) if sandbox_status() == UNSANDBOXED else ()


def kernel_env(exercise: Exercise) -> dict[str, str]:
    """What a kernel's environment carries to sandbox itself for `exercise` (nothing where it cannot)."""
    if sandbox_status() == UNSANDBOXED:
        return {}
    namespaces = "+namespaces" if sandbox_status().endswith("+namespaces") else ""
    return {ENV: getattr(exercise, "network", "none") + namespaces}


def confine_kernel(argv: list[str]) -> None:
    """In the kernel process, before the learner's code: sandbox it if the grader asked for it."""
    if os.environ.get(ENV):
        from grader.sandbox.confine import confine_kernel as confine

        confine(argv)
