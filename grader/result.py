"""Stage 5, result: one immutable record of a grading, and its versioned JSON form."""

from __future__ import annotations

import platform
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from grader.cell_errors import CellError

SCHEMA_VERSION = 1


class Outcome(StrEnum):
    """How one check ended."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the check itself broke: the course's fault, never the learner's
    NOT_ATTEMPTED = "not attempted"
    TIMED_OUT = "timed out"


class Status(StrEnum):
    """How the whole grading ended."""

    PASSED = "passed"
    PARTIAL = "partial"
    FAILED = "failed"
    NOT_ATTEMPTED = "not attempted"
    ERROR = "error"


@dataclass(frozen=True)
class CheckResult:
    """One check: what it checks, how it ended, and what the learner should read."""

    name: str
    description: str
    outcome: Outcome
    points: float
    max_points: float
    message: str = ""
    expected: str | None = None
    got: str | None = None
    hint: str | None = None
    hidden: bool = False
    seconds: float = 0.0
    explanation: str = ""  # what the difference means, in plain words (text, not a number; None...)
    because_of_cell: int | None = None  # the cell whose error kept this check from passing


@dataclass(frozen=True)
class GradeResult:
    """Everything one grading found, for the report, the machine formats and progress."""

    exercise_id: str
    title: str
    notebook: str
    checks: tuple[CheckResult, ...]
    cell_errors: tuple[CellError, ...] = ()
    stopped_at: int | None = None
    stopped_where: str = ""  # the cell that stopped Python, as the learner sees it
    stop_reason: str = ""
    notes: tuple[str, ...] = ()  # what grading did differently (a %pip line skipped)
    out_of_time: bool = False
    next_hint: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    graded_at: str = ""
    sandbox: str = ""  # how the kernel was held (grader.sandbox.sandbox_status), e.g. "landlock-7" or "unsandboxed"

    @property
    def score(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.checks)

    @property
    def status(self) -> Status:
        outcomes = {c.outcome for c in self.checks}
        if Outcome.ERROR in outcomes or not self.checks:
            return Status.ERROR
        if outcomes == {Outcome.PASSED}:
            return Status.PASSED
        if outcomes == {Outcome.NOT_ATTEMPTED}:
            return Status.NOT_ATTEMPTED
        return Status.PARTIAL if Outcome.PASSED in outcomes else Status.FAILED

    @property
    def exit_code(self) -> int:
        return {Status.PASSED: 0, Status.ERROR: 3}.get(self.status, 1)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (schema version 1); see docs/grading.md."""
        return {
            "schema_version": SCHEMA_VERSION,
            "exercise": self.exercise_id,
            "title": self.title,
            "notebook": self.notebook,
            "status": str(self.status),
            "score": self.score,
            "max_score": self.max_score,
            "checks": [{**asdict(c), "outcome": str(c.outcome)} for c in self.checks],
            "cell_errors": [e.to_dict() for e in self.cell_errors],
            "stopped_at_cell": self.stopped_at,
            "stopped_where": self.stopped_where,
            "stop_reason": self.stop_reason,
            "notes": list(self.notes),
            "out_of_time": self.out_of_time,
            "next_hint": self.next_hint,
            "timings": self.timings,
            "versions": self.versions,
            "graded_at": self.graded_at,
            "sandbox": self.sandbox,
        }


def versions() -> dict[str, str]:
    from grader import __version__

    return {"grader": __version__, "python": platform.python_version()}
