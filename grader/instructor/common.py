"""What every `course` command needs: the course folder, and errors as one line."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from grader.cli_errors import one_line_errors as _one_line_errors
from grader.errors import UngradableInput
from grader.exercise import find_course_root


def course_root() -> Path:
    root = find_course_root()
    if root is None:
        raise UngradableInput("No course folder here: run `course` inside the course repository.")
    return root


def one_line_errors() -> AbstractContextManager[None]:
    """The grader's own errors become `course: message` and their exit code, never a traceback."""
    return _one_line_errors("course")
