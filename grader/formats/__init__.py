"""Machine formats of a result, one module each, registered here.

Every result, graded or not (`GradeResult.not_graded`), goes through the same formats; `grade`
offers each as an option (`--json FILE`, ...), `grade-batch` writes the ones it is asked for.
Adding a format is one module with a `render(result) -> str` and one line in `FORMATS`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.files import write_atomically
from grader.formats import as_json, gradescope, junit
from grader.result import GradeResult


@dataclass(frozen=True)
class Format:
    """One machine format: its option name, what it is for, and how a result is written in it."""

    name: str
    help: str
    render: Callable[[GradeResult], str]


FORMATS: tuple[Format, ...] = (
    Format("json", "Also write the result as JSON (- for stdout).", as_json.render),
    Format("junit", "Also write a JUnit XML report.", junit.render),
    Format("gradescope", "Also write Gradescope's results.json.", gradescope.render),
)


def format_named(name: str) -> Format:
    return next(f for f in FORMATS if f.name == name)


def emit(text: str, destination: str) -> None:
    """Write to a file, or to standard output when the destination is `-`."""
    if destination == "-":
        sys.stdout.write(text)
    else:
        write_atomically(Path(destination), text)
