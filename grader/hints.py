"""Tiered hints: a nudge, then the concept, then almost the answer, one more each time asked.

How many were shown is kept in progress, so `grade hint`, `hint()` in Jupyter and the report all
agree on which hint comes next.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.course_map import progress_root
from grader.exercise import Exercise
from grader.progress import Progress, update_progress
from grader.result import CheckResult, Outcome


@dataclass(frozen=True)
class Hint:
    """One of an exercise's hints, with its place among them."""

    number: int  # 1-based
    total: int
    text: str

    @property
    def is_last(self) -> bool:
        return self.number == self.total


def reveal_hints(exercise: Exercise, every: bool = False) -> tuple[list[Hint], str | None]:
    """The next unseen hint (the last one again once all were seen), or every hint with `every`.

    Records how many were shown. Returns the hints and a warning if progress could not be saved.
    """
    total = len(exercise.hints)

    def reveal(progress: Progress) -> list[Hint]:
        if not total:
            return []
        if every:
            progress.note_hints_shown(exercise.id, total)
            return [Hint(i + 1, total, text) for i, text in enumerate(exercise.hints)]
        index = min(progress.of(exercise.id).hints_shown, total - 1)
        progress.note_hints_shown(exercise.id, index + 1)
        return [Hint(index + 1, total, exercise.hints[index])]

    return update_progress(progress_root(exercise), reveal)


def next_hint(exercise: Exercise, checks: list[CheckResult], hints_shown: int) -> str | None:
    """The hint a report ends with (`grade` and `check()` alike), for the first check that did not
    pass: its own hint when it has one (the most specific), else the exercise's next tiered hint,
    which is also the hint while nothing is attempted yet. None after a pass, and for checks that
    failed only because a cell raised. A check that broke by itself is the course's fault: no hint."""
    failing = [c for c in checks if c.outcome not in (Outcome.PASSED, Outcome.ERROR)]
    first = next((c for c in failing if c.because_of_cell is None), None)
    if first is None:  # nothing failed, or only because a cell raised: the report says to fix that first
        return None
    if first.hint and not all(c.outcome is Outcome.NOT_ATTEMPTED for c in checks):
        return first.hint  # once started; before, the exercise's gentlest nudge is the way in
    if exercise.hints:
        return exercise.hints[min(hints_shown, len(exercise.hints) - 1)]
    return None
