"""The course's grader: run a learner's notebook in an isolated kernel, judge it with checks.

Only the public API lives here; it is imported lazily so that `grade` starts fast and a check
file's `from grader import points` does not pull in the engine.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("ai-engineer-course")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["LearnerError", "NotAttempted", "__version__", "check", "hint", "points"]


def __getattr__(name: str) -> Any:
    if name == "points":
        from grader.checks import points

        return points
    if name == "LearnerError":  # what a check catches to tell the learner's own exceptions apart
        from grader.probe import LearnerException

        return LearnerException
    if name == "NotAttempted":  # what a check raises when the learner has not started this part
        from grader.probe import NotAttempted

        return NotAttempted
    if name in ("check", "hint"):
        from grader import inside_jupyter

        return getattr(inside_jupyter, name)
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
