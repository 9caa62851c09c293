"""`grade next`: the first exercise not yet passed, in roadmap order, and what it builds on."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rich.console import Console

from grader.course_map import Module
from grader.exercise import Exercise
from grader.learner.after_grading import shown_path
from grader.learner.listing import Overview, status_text
from grader.markup import escape
from grader.progress import Standing


def first_not_passed(overview: Overview) -> tuple[Module, Exercise] | None:
    for module in overview.modules:
        for exercise in module.exercises:
            if overview.progress.of(exercise.id).standing is not Standing.PASSED:
                return module, exercise
    return None


def print_next(overview: Overview, console: Console) -> Exercise | None:
    """Say which exercise comes next and how to work on it; None when everything is passed."""
    found = first_not_passed(overview)
    if found is None:
        console.print("[bold green]You have passed every exercise of the course. Well done![/]")
        return None
    module, exercise = found
    entry = overview.progress.of(exercise.id)
    console.print(
        f"Next: [bold]{escape(exercise.title)}[/] ({escape(exercise.id)}), "
        f"in [bold]{escape(module.title)}[/] ({module.id})"
    )
    if entry.standing is not Standing.NOT_STARTED:
        console.print(f"  So far: {escape(status_text(entry))}.")
    if module.prerequisites:
        titles = {m.id: m for m in overview.modules}
        console.print("  This module builds on:")
        for prerequisite in module.prerequisites:
            known = titles.get(prerequisite)
            if known is None:
                console.print(f"    {escape(prerequisite)}")
                continue
            passed, total = overview.passed(known.exercises), len(known.exercises)
            state = "[green]done[/]" if passed == total else f"[yellow]{passed}/{total} exercises passed[/]"
            console.print(f"    {escape(known.title)} ({known.id}): {state}")
    notebook = escape(shown_path(exercise.starter))
    # soft_wrap: a command cut over two lines could not be copied and pasted
    console.print(f"  Notebook: {notebook}", soft_wrap=True)
    console.print(f"  Open it:  grade next --open   (or: jupyter notebook {notebook})", soft_wrap=True)
    console.print(
        f"  Grade it: grade {escape(exercise.id)}   (or at every save: grade watch {escape(exercise.id)})",
        soft_wrap=True,
    )
    return exercise


def jupyter_command(notebook: Path) -> list[str]:
    """`jupyter notebook PATH`, with the jupyter installed beside this Python when there is one."""
    beside = Path(sys.executable).parent / "jupyter"
    return [str(beside) if beside.exists() else "jupyter", "notebook", str(notebook)]


def open_in_jupyter(notebook: Path) -> None:
    """Become `jupyter notebook PATH`, so that Ctrl-C and its messages are Jupyter's own.

    Returns only if Jupyter could not be started.
    """
    command = jupyter_command(notebook)
    sys.stdout.flush()  # what was printed before must not vanish with this process image
    sys.stderr.flush()
    try:
        os.execvp(command[0], command)
    except OSError:
        pass
