"""The learner's commands of `grade`: list, next, hint, reset and watch.

Each is a thin layer over one module of this package; heavy imports wait until a command runs,
so that `grade --help` stays instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from grader.cli_errors import one_line_errors
from grader.errors import UngradableInput
from grader.learner.update_command import update_command
from grader.markup import escape

if TYPE_CHECKING:
    from grader.exercise import Exercise


def _console() -> Console:
    return Console(highlight=False, emoji=False, soft_wrap=True)


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON, for scripts.")
def list_command(as_json: bool) -> None:
    """Every exercise by module, with where you stand on each."""
    from grader.course_map import require_course_root
    from grader.learner.listing import course_overview, overview_json, print_overview

    with one_line_errors("grade"):
        overview = course_overview(require_course_root())
    if as_json:
        click.echo(json.dumps(overview_json(overview), indent=2, ensure_ascii=False))
        return
    print_overview(overview, _console())
    if overview.progress.rebuilt:
        click.secho("grade: your progress file could not be read; it will be started afresh.", fg="yellow", err=True)


@click.command("next")
@click.option("--open", "open_it", is_flag=True, help="Open the exercise in Jupyter (jupyter notebook PATH).")
def next_command(open_it: bool) -> None:
    """The first exercise you have not passed yet, in roadmap order."""
    from grader.course_map import require_course_root
    from grader.learner.listing import course_overview
    from grader.learner.next_up import jupyter_command, open_in_jupyter, print_next

    with one_line_errors("grade"):
        overview = course_overview(require_course_root())
    exercise = print_next(overview, _console())
    if exercise is not None and open_it:
        open_in_jupyter(exercise.starter)
        click.secho(
            f"grade: Jupyter could not be started. Run it yourself: {' '.join(jupyter_command(exercise.starter))}",
            fg="red",
            err=True,
        )
        sys.exit(3)


def _exercise_named(exercise: str | None, command: str) -> tuple[Exercise, Path]:
    """The exercise the learner named, or the one whose folder they are in."""
    from grader.exercise import exercise_folder_around, resolve_target

    if exercise is None and exercise_folder_around(Path.cwd()) is None:
        raise UngradableInput(
            f"Which exercise? Name it (grade {command} greeting), or run grade {command} "
            "inside the exercise's folder. `grade list` shows every exercise."
        )
    return resolve_target(exercise)


@click.command("hint")
@click.argument("exercise", required=False)
@click.option("--all", "every", is_flag=True, help="Show every hint at once.")
def hint_command(exercise: str | None, every: bool) -> None:
    """Show the next hint for EXERCISE (one more each time you ask).

    Without EXERCISE: the exercise whose folder you are in.
    """
    from grader.hints import reveal_hints

    with one_line_errors("grade"):
        found, _ = _exercise_named(exercise, "hint")
    hints, warning = reveal_hints(found, every=every)
    console = _console()
    if not hints:
        console.print(
            f"{escape(found.title)} has no hints. Read the checks' messages in the report: they say what was expected."
        )
    for hint in hints:
        console.print(f"[cyan]Hint {hint.number} of {hint.total}:[/] {escape(hint.text)}")
    if hints and not every:
        if hints[-1].is_last:
            console.print("[dim]That is the last hint. After you pass, the report explains the solution.[/]")
        else:
            console.print(f"[dim]Ask again for the next one: grade hint {escape(found.id)}[/]")
    if warning:
        click.secho(f"grade: {warning}", fg="yellow", err=True)


@click.command("reset")
@click.argument("exercise", required=False)
def reset_command(exercise: str | None) -> None:
    """Put back EXERCISE's starter notebook; yours is kept in a backup beside it.

    Without EXERCISE: the exercise whose folder you are in.
    """
    from grader.learner.after_grading import shown_path
    from grader.learner.reset import reset_notebook

    with one_line_errors("grade"):
        found, notebook = _exercise_named(exercise, "reset")
        outcome = reset_notebook(found, notebook)
    if outcome.backup is None:
        click.echo(f"{shown_path(notebook)} is the starter notebook of {found.id} (nothing to keep).")
        return
    click.echo(f"Your notebook was saved as {shown_path(outcome.backup)}")
    click.echo(f"and {shown_path(notebook)} is the starter again. Your progress is kept.")
    click.echo("If the notebook is open in Jupyter, reload it there (File > Reload Notebook from Disk).")


@click.command("watch")
@click.argument("exercise", required=False)
@click.option(
    "--poll",
    is_flag=True,
    help="Look at the files four times a second instead of waiting for "
    "file events (for shared folders and WSL, where events may not arrive).",
)
def watch_command(exercise: str | None, poll: bool) -> None:
    """Grade EXERCISE each time you save its notebook (without EXERCISE: the one here, or any)."""
    from grader.learner.watch import Watcher

    with one_line_errors("grade"):
        targets, first = _watch_targets(exercise)
    watcher = Watcher(targets, _console(), poll=poll)
    try:
        watcher.run(grade_first=first)
    except KeyboardInterrupt:
        click.echo("\nStopped watching. Your progress is saved.")


def _watch_targets(exercise: str | None) -> tuple[dict[Path, Exercise], Path | None]:
    """The notebooks to watch, and the one to grade at once (none when watching the whole course)."""
    from grader.course_map import course_modules, require_course_root
    from grader.exercise import EXERCISE_FILE, resolve_target

    if exercise is not None or (Path.cwd() / EXERCISE_FILE).is_file():
        found, notebook = resolve_target(exercise)
        return {notebook: found}, notebook
    targets = {ex.starter: ex for module in course_modules(require_course_root()) for ex in module.exercises}
    if not targets:
        raise UngradableInput("This course has no exercises to watch yet.")
    return targets, None


LEARNER_COMMANDS = [list_command, next_command, hint_command, reset_command, watch_command, update_command]
