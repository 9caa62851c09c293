"""`grade list`: every exercise by module, where the learner stands, and progress bars."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.course_map import Module, course_modules
from grader.exercise import Exercise
from grader.markup import escape
from grader.progress import ExerciseProgress, Progress, Standing, load_progress

_BAR_WIDTH = 20
_MARKS = {
    Standing.PASSED: ("✓", "green"),
    Standing.PARTIAL: ("◐", "yellow"),
    Standing.NOT_ATTEMPTED: ("·", "yellow"),
    Standing.NOT_STARTED: ("○", "dim"),
}


@dataclass(frozen=True)
class Overview:
    """The whole course with the learner's progress on each exercise."""

    course_root: Path
    modules: list[Module]
    progress: Progress

    def passed(self, exercises: tuple[Exercise, ...] | list[Exercise]) -> int:
        return sum(self.progress.of(e.id).standing is Standing.PASSED for e in exercises)

    @property
    def exercises(self) -> list[Exercise]:
        return [e for m in self.modules for e in m.exercises]


def course_overview(course_root: Path) -> Overview:
    return Overview(course_root, course_modules(course_root), load_progress(course_root))


def status_text(entry: ExerciseProgress) -> str:
    """ "passed", "partial 2/4", "not attempted", "not started"."""
    if entry.standing is Standing.PARTIAL and entry.best is not None:
        return f"partial {entry.best.score:g}/{entry.best.max_score:g}"
    return str(entry.standing)


def print_overview(overview: Overview, console: Console) -> None:
    """Each module with a progress bar and its exercises, then the whole course."""
    for module in overview.modules:
        passed, total = overview.passed(module.exercises), len(module.exercises)
        console.print()
        console.print(_bar_row(f"[bold]{escape(module.title)}[/] [dim]({module.id})[/]", passed, total))
        rows = Table.grid(padding=(0, 2))
        for exercise in module.exercises:
            entry = overview.progress.of(exercise.id)
            mark, colour = _MARKS[entry.standing]
            rows.add_row(
                f"  [{colour}]{mark}[/]",
                escape(exercise.id),
                escape(exercise.title),
                f"[{colour}]{escape(status_text(entry))}[/]",
            )
        console.print(rows)
    everything = overview.exercises
    console.print()
    console.print(_bar_row("[bold]Whole course[/]", overview.passed(everything), len(everything)))


def _bar_row(label: str, passed: int, total: int) -> Text:
    """`label  ██████░░░░░░  1/2 passed`: readable with colours and without (NO_COLOR, a pipe)."""
    done = round(_BAR_WIDTH * passed / total) if total else 0
    return Text.assemble(
        Text.from_markup(label),
        "  ",
        ("█" * done, "green"),
        ("░" * (_BAR_WIDTH - done), "dim"),
        f"  {passed}/{total} passed",
    )


def overview_json(overview: Overview) -> dict[str, Any]:
    """The same, for machines (`grade list --json`)."""
    everything = overview.exercises
    return {
        "course_root": str(overview.course_root),
        "passed": overview.passed(everything),
        "total": len(everything),
        "modules": [
            {
                "id": module.id,
                "title": module.title,
                "prerequisites": list(module.prerequisites),
                "passed": overview.passed(module.exercises),
                "total": len(module.exercises),
                "exercises": [_exercise_json(e, overview.progress.of(e.id)) for e in module.exercises],
            }
            for module in overview.modules
        ],
    }


def _exercise_json(exercise: Exercise, entry: ExerciseProgress) -> dict[str, Any]:
    def attempt(a: Any) -> dict[str, Any] | None:
        return (
            None
            if a is None
            else {"score": a.score, "max_score": a.max_score, "status": a.status, "graded_at": a.graded_at}
        )

    return {
        "id": exercise.id,
        "title": exercise.title,
        "notebook": str(exercise.starter),
        "status": str(entry.standing),
        "score": entry.best.score if entry.best else None,
        "max_score": exercise.points,
        "hints_shown": entry.hints_shown,
        "hints_total": len(exercise.hints),
        "best": attempt(entry.best),
        "latest": attempt(entry.latest),
    }
