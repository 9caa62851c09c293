"""What every `course` command needs: the course folder, and errors as one line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from grader.errors import GraderError, UngradableInput
from grader.exercise import find_course_root


def course_root() -> Path:
    root = find_course_root()
    if root is None:
        raise UngradableInput("No course folder here: run `course` inside the course repository.")
    return root


@contextmanager
def one_line_errors() -> Iterator[None]:
    """The grader's own errors become `course: message` and their exit code, never a traceback."""
    try:
        yield
    except GraderError as error:
        click.secho(f"course: {error}", fg="red", err=True)
        sys.exit(error.exit_code)
