"""Stage 5, result: one immutable record of a grading, and its versioned JSON form."""

from __future__ import annotations

import datetime as dt
import platform
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from grader.cell_errors import CellError
from grader.errors import UngradableInput

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
    ERROR = "error"  # the grader or the course failed: never the learner's 0
    UNGRADABLE = "ungradable"  # the learner's file could not be graded at all (not a notebook, no exercise)


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
    problem: str = ""  # why the notebook could not be graded (`not_graded`); then there are no checks
    problem_status: Status | None = None
    declared_max_score: float = 0.0  # the exercise's points, when no check ran to add them up

    @classmethod
    def not_graded(
        cls, exercise_id: str | None, notebook: str, problem: str, status: Status, max_score: float = 0.0
    ) -> GradeResult:
        """The record of a submission that could not be graded: UNGRADABLE (the learner's file) or
        ERROR (the grader or the course), through the same formats as a graded one."""
        return cls(
            exercise_id or "",
            exercise_id or "",
            notebook,
            (),
            problem=problem,
            problem_status=status,
            declared_max_score=max_score,
            graded_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )

    @property
    def score(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.checks) if self.checks else self.declared_max_score

    @property
    def status(self) -> Status:
        if self.problem_status is not None:
            return self.problem_status
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
        return {Status.PASSED: 0, Status.ERROR: 3, Status.UNGRADABLE: 2}.get(self.status, 1)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (schema version 1); see docs/grading.md."""
        return {
            "schema_version": SCHEMA_VERSION,
            "exercise": self.exercise_id or None,
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
            "problem": self.problem,
        }


def result_from_dict(data: dict[str, Any]) -> GradeResult:
    """A graded result back from its JSON form (`GradeResult.to_dict`), as the grading service sends it."""
    checks = tuple(CheckResult(**{**c, "outcome": Outcome(c["outcome"])}) for c in data["checks"])
    errors = tuple(CellError(**{k: v for k, v in e.items() if k != "explanation"}) for e in data["cell_errors"])
    return GradeResult(
        exercise_id=data["exercise"] or "",
        title=data["title"],
        notebook=data["notebook"],
        checks=checks,
        cell_errors=errors,
        stopped_at=data["stopped_at_cell"],
        stopped_where=data["stopped_where"],
        stop_reason=data["stop_reason"],
        notes=tuple(data["notes"]),
        out_of_time=data["out_of_time"],
        next_hint=data["next_hint"],
        timings=data["timings"],
        versions=data["versions"],
        graded_at=data["graded_at"],
        sandbox=data["sandbox"],
        problem=data["problem"],
    )


def problem_status(error: Exception) -> Status:
    """Whose problem a grading that could not happen is: the learner's file, or the grader's or course's."""
    return Status.UNGRADABLE if isinstance(error, UngradableInput) else Status.ERROR


def versions() -> dict[str, str]:
    from grader import __version__

    return {"grader": __version__, "python": platform.python_version()}
