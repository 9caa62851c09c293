"""The learner's progress: one small state file per course checkout, `.course-progress.json`.

For each exercise it keeps the best and the latest grading (score and status) and how many hints
were shown. It is written atomically; a missing or unreadable file is started afresh, so a broken
state file can never stop `grade` from grading.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from grader.files import write_atomically
from grader.result import GradeResult, Status

PROGRESS_FILE = ".course-progress.json"
SCHEMA_VERSION = 1
T = TypeVar("T")


@dataclass(frozen=True)
class Attempt:
    """One grading, as progress remembers it."""

    score: float
    max_score: float
    status: str  # a grader.result.Status value
    graded_at: str = ""

    @classmethod
    def of(cls, result: GradeResult) -> Attempt:
        return cls(result.score, result.max_score, str(result.status), result.graded_at)

    def beats(self, other: Attempt | None) -> bool:
        """Whether this attempt is better than `other` (a pass wins, then the larger share)."""
        if other is None:
            return True
        if (self.status == Status.PASSED) != (other.status == Status.PASSED):
            return self.status == Status.PASSED
        return _share(self) > _share(other)


def _share(attempt: Attempt) -> float:
    return attempt.score / attempt.max_score if attempt.max_score else 0.0


class Standing(StrEnum):
    """Where a learner stands on one exercise, as `grade list` shows it."""

    NOT_STARTED = "not started"
    NOT_ATTEMPTED = "not attempted"
    PARTIAL = "partial"
    PASSED = "passed"


@dataclass
class ExerciseProgress:
    """What progress knows about one exercise."""

    best: Attempt | None = None
    latest: Attempt | None = None
    hints_shown: int = 0

    @property
    def standing(self) -> Standing:
        if self.best is None:
            return Standing.NOT_STARTED
        if self.best.status == Status.PASSED:
            return Standing.PASSED
        if self.best.status == Status.NOT_ATTEMPTED:
            return Standing.NOT_ATTEMPTED
        return Standing.PARTIAL


@dataclass
class Progress:
    """Every exercise's progress, read from and written to `path`."""

    path: Path
    exercises: dict[str, ExerciseProgress] = field(default_factory=dict)
    rebuilt: bool = False  # the file existed but could not be read, so it was started afresh

    @classmethod
    def load(cls, path: Path) -> Progress:
        """Read the state file; a missing or broken one gives empty progress, never an error."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError):
            return cls(path, rebuilt=True)
        entries = data.get("exercises") if isinstance(data, dict) else None
        if not isinstance(entries, dict):
            return cls(path, rebuilt=True)
        progress = cls(path)
        for exercise_id, entry in entries.items():
            parsed = _parse_entry(entry)
            if parsed is None:
                progress.rebuilt = True  # keep what is readable, drop the rest
            else:
                progress.exercises[str(exercise_id)] = parsed
        return progress

    def of(self, exercise_id: str) -> ExerciseProgress:
        """This exercise's progress (empty if it was never graded)."""
        return self.exercises.get(exercise_id) or ExerciseProgress()

    def record(self, result: GradeResult) -> None:
        """Remember a grading as the latest, and as the best if it is better."""
        entry = self.exercises.setdefault(result.exercise_id, ExerciseProgress())
        attempt = Attempt.of(result)
        entry.latest = attempt
        # A grading the course itself broke says nothing about the learner's work.
        if result.status is not Status.ERROR and attempt.beats(entry.best):
            entry.best = attempt

    def note_hints_shown(self, exercise_id: str, count: int) -> None:
        """Remember that the first `count` hints were shown (the count never goes down)."""
        entry = self.exercises.setdefault(exercise_id, ExerciseProgress())
        entry.hints_shown = max(entry.hints_shown, count)

    def save(self) -> None:
        """Write the state file atomically: a reader sees the old file or the new one."""
        data = {
            "schema_version": SCHEMA_VERSION,
            "exercises": {k: _entry_dict(v) for k, v in sorted(self.exercises.items())},
        }
        write_atomically(self.path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def progress_file(course_root: Path) -> Path:
    return course_root / PROGRESS_FILE


def _entry_dict(entry: ExerciseProgress) -> dict[str, Any]:
    return {
        "best": asdict(entry.best) if entry.best else None,
        "latest": asdict(entry.latest) if entry.latest else None,
        "hints_shown": entry.hints_shown,
    }


def _parse_entry(entry: Any) -> ExerciseProgress | None:
    if not isinstance(entry, dict):
        return None
    try:
        hints = int(entry.get("hints_shown", 0))
        return ExerciseProgress(_parse_attempt(entry.get("best")), _parse_attempt(entry.get("latest")), max(0, hints))
    except (TypeError, ValueError, KeyError):
        return None


def _parse_attempt(data: Any) -> Attempt | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ValueError("an attempt should be an object")
    status = str(data["status"])
    Status(status)  # refuse a status this grader does not know
    return Attempt(float(data["score"]), float(data["max_score"]), status, str(data.get("graded_at", "")))


def load_progress(course_root: Path) -> Progress:
    """The progress kept in this course checkout."""
    return Progress.load(progress_file(course_root))


def update_progress(course_root: Path, change: Callable[[Progress], T]) -> tuple[T, str | None]:
    """Read, change and save progress in one short step (another `grade` may be writing too).

    Returns what `change` returned, and a warning for the learner if the file could not be
    read or saved; grading goes on either way.
    """
    progress = load_progress(course_root)
    outcome = change(progress)
    warning = None
    if progress.rebuilt:
        warning = f"Your progress file {progress.path.name} could not be read, so it was started afresh."
    try:
        progress.save()
    except OSError as err:
        warning = f"Your progress could not be saved in {progress.path} ({err.strerror or err})."
    return outcome, warning
