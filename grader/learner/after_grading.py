"""What happens after each grading on the learner's side: record progress, offer what comes next."""

from __future__ import annotations

import os
from pathlib import Path

from rich.console import Console

from grader.course_map import course_root_of, progress_root
from grader.exercise import Exercise
from grader.markup import escape
from grader.progress import load_progress, update_progress
from grader.result import GradeResult, Status


def hints_already_shown(exercise: Exercise) -> int:
    """How many of the exercise's hints the learner has seen, so the report shows the next one."""
    return load_progress(progress_root(exercise)).of(exercise.id).hints_shown


def record_grading(result: GradeResult, exercise: Exercise, notebook: Path) -> str | None:
    """Remember this grading in progress; returns a warning if that could not be done cleanly."""
    root = course_root_of(exercise)
    if root is not None and notebook.resolve().is_relative_to(root / "solutions"):
        return None  # grading the reference solution says nothing about the learner's own work
    _, warning = update_progress(progress_root(exercise), lambda progress: progress.record(result))
    return warning


def print_after_pass(result: GradeResult, exercise: Exercise, console: Console) -> None:
    """After a pass: why the reference solution works, and where to read it."""
    if result.status is not Status.PASSED:
        return
    if exercise.explanation:  # paragraphs kept; the lines inside each one joined, as TOML wraps them
        paragraphs = [" ".join(p.split()) for p in exercise.explanation.split("\n\n") if p.strip()]
        console.print(f"\n [bold]Why it works:[/] {escape(paragraphs[0])}")
        for paragraph in paragraphs[1:]:
            console.print(f"\n {escape(paragraph)}")
    root = course_root_of(exercise)
    solution = exercise.solution(root) if root else None
    if solution is not None and solution.is_file():
        console.print(f" [dim]Compare with the reference solution:[/] {escape(shown_path(solution))}")
    console.print(" [dim]What next?[/] grade next")


def shown_path(path: Path) -> str:
    """A path as short as it can be for the learner: relative to where they are, if it is below."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd().resolve()) else str(path)
    except ValueError:
        return str(path)
