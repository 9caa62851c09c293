"""`grade`: the learner's command. `grade TARGET` grades; `grade COMMAND` runs one of the others.

Every problem the learner can cause is one line and an exit code (DESIGN.md): 0 all passed,
1 some checks did not pass, 2 the input cannot be graded, 3 the grader itself could not run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

import grader._fast_imports  # noqa: F401  first: see its docstring
from grader import __version__
from grader.cli_errors import one_line_errors
from grader.formats import FORMATS, emit

EXIT_STOPPED = 130  # the shell's own code for a command ended by Ctrl-C


class _GradeGroup(click.Group):
    """A group whose first argument is a command name, or else something to grade."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["run", *args]
        elif not args:
            args = ["run"]
        return super().parse_args(ctx, args)


@click.group(cls=_GradeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grade")
def main() -> None:
    """Grade an exercise notebook and see what to do next.

    \b
    grade greeting                 grade an exercise by its id
    grade path/to/notebook.ipynb   grade a notebook
    grade                          inside an exercise folder: grade its notebook

    \b
    Options when grading (see `grade run --help`):
      --json FILE         also write the result as JSON (- for stdout)
      --junit FILE        also write a JUnit XML report
      --gradescope FILE   also write Gradescope's results.json
      --extra-checks DIR  add hidden checks (instructors)
      -q, --quiet         no report, only the exit code

    Exit codes: 0 every check passed, 1 some did not, 2 the input cannot be
    graded, 3 the grader itself could not run.
    """
    _warn_if_an_update_was_cut_short()


def _warn_if_an_update_was_cut_short() -> None:
    """An update stopped mid-swap leaves old and new files side by side until `grade update` runs again."""
    from grader.exercise import UPDATE_DIR, UPDATE_PLAN, find_course_root

    root = find_course_root()
    if root is not None and (root / UPDATE_DIR / UPDATE_PLAN).is_file():
        click.secho(
            "grade: an update of your course was cut short; run `grade update` again to finish it (your work is safe).",
            fg="yellow",
            err=True,
        )


def _format_options(command: Any) -> Any:
    """One `--NAME FILE` option per machine format (grader.formats.FORMATS)."""
    for fmt in reversed(FORMATS):
        command = click.option(f"--{fmt.name}", fmt.name, metavar="FILE", help=fmt.help)(command)
    return command


@main.command("run", hidden=True)
@click.argument("target", required=False)
@_format_options
@click.option(
    "--extra-checks",
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder of hidden checks (test_*.py) to add, for instructors.",
)
@click.option("--quiet", "-q", is_flag=True, help="No report on the terminal; only the exit code.")
def run(target: str | None, extra_checks: Path | None, quiet: bool, **destinations: str | None) -> None:
    """Grade TARGET: a notebook, an exercise folder or an exercise id."""
    from grader.errors import GraderError
    from grader.exercise import resolve_target
    from grader.learner.after_grading import print_after_pass, record_grading
    from grader.result import GradeResult, problem_status

    with one_line_errors("grade"):
        exercise, notebook = resolve_target(target, commands=[n for n, c in main.commands.items() if not c.hidden])
        if extra_checks is not None and not extra_checks.is_dir():
            raise click.UsageError(f"--extra-checks {extra_checks} is not a folder.")
        try:
            result = _grade_unless_stopped(notebook, exercise, extra_checks, live=not quiet)
        except GraderError as problem:  # a CI or an autograder still gets its file, saying why
            _write_formats(
                GradeResult.not_graded(
                    exercise.id, str(notebook), str(problem), problem_status(problem), exercise.points
                ),
                destinations,
            )
            raise
    warning = record_grading(result, exercise, notebook)
    _write_formats(result, destinations)
    if not quiet and destinations.get("json") != "-":
        from rich.console import Console

        from grader.report import print_report

        console = Console(highlight=False, emoji=False, soft_wrap=True)
        print_report(result, console)
        print_after_pass(result, exercise, console)
        _print_copy_note(exercise, notebook, console)
    if warning:
        click.secho(f"grade: {warning}", fg="yellow", err=True)
    sys.exit(result.exit_code)


def _grade_unless_stopped(notebook: Path, exercise: Any, extra_checks: Path | None, live: bool) -> Any:
    """Grade, with the live line for slow cells; Ctrl-C ends it all, and nothing counts as a result."""
    from grader.learner.after_grading import hints_already_shown
    from grader.slow_cells import SlowCellLine

    slow_line = SlowCellLine() if live else None
    hints_shown = hints_already_shown(exercise)
    try:
        if extra_checks is None:  # the background service, when it runs (grader.service); else here
            from grader.service import grade_via_service

            if (result := grade_via_service(notebook, exercise, hints_shown, slow_line)) is not None:
                return result
        from grader.engine import grade_notebook

        return grade_notebook(
            notebook, exercise, extra_checks=extra_checks, hints_shown=hints_shown, slow_line=slow_line
        )
    except KeyboardInterrupt:
        if slow_line is not None:
            slow_line.finished()
        click.echo(
            "\ngrade: you stopped grading (Ctrl-C). Nothing was recorded, so your progress is as it was; "
            "grade again when you are ready.",
            err=True,
        )
        sys.exit(EXIT_STOPPED)


def _print_copy_note(exercise: Any, notebook: Path, console: Any) -> None:
    """Whether the notebook graded may not be the one the learner meant (a copy saved later)."""
    from grader.learner.other_notebooks import copy_note
    from grader.markup import escape

    if note := copy_note(exercise, notebook):
        console.print(f"\n [yellow]Note:[/] {escape(note)}")


def _write_formats(result: Any, destinations: dict[str, str | None]) -> None:
    for fmt in FORMATS:
        if destination := destinations.get(fmt.name):
            emit(fmt.render(result), destination)


def _add_learner_commands() -> None:
    from grader.learner.commands import LEARNER_COMMANDS

    for command in LEARNER_COMMANDS:
        main.add_command(command)


_add_learner_commands()

if __name__ == "__main__":
    main()
