"""The grader's exceptions: each carries the exit code and a one-line message for the learner."""

from __future__ import annotations


class GraderError(Exception):
    """Base class: a problem the CLI reports as one line and an exit code, never a traceback."""

    exit_code = 3


class UngradableInput(GraderError):
    """The input cannot be graded: a bad path, an unknown exercise, a malformed notebook."""

    exit_code = 2


class GraderBroken(GraderError):
    """The grader itself could not run: the kernel failed to start, the environment is broken."""

    exit_code = 3


class KernelStartError(GraderBroken):
    """The kernel process could not be started or never became ready."""


class CourseError(UngradableInput):
    """A course file (exercise.toml, a module's front matter) is wrong; the message names the file
    and the field. The grader, `course check`, the site and the book all raise this same error."""
