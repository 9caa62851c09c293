"""`course`: the instructor's command (author, prove sound, publish, grade a cohort)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader import __version__
from grader.errors import GraderError, UngradableInput


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="course")
def main() -> None:
    """Author, check and publish the course."""


def _course_root() -> Path:
    from grader.exercise import find_course_root

    root = find_course_root()
    if root is None:
        raise UngradableInput("No course folder here: run `course` inside the course repository.")
    return root


@main.command()
@click.option("--check", "check_only", is_flag=True, help="Change nothing; fail if a starter is out of date.")
def sync(check_only: bool) -> None:
    """Regenerate every exercise's starter notebook from its solution."""
    from grader.exercise import all_exercises
    from grader.starter import starter_text

    try:
        root = _course_root()
        stale = []
        for exercise in all_exercises(root):
            wanted = starter_text(exercise, root)
            current = exercise.starter.read_text(encoding="utf-8") if exercise.starter.exists() else None
            if current == wanted:
                continue
            stale.append(exercise)
            if not check_only:
                exercise.starter.write_text(wanted, encoding="utf-8")
                click.echo(f"wrote {exercise.starter.relative_to(root)}")
    except GraderError as error:
        click.secho(f"course: {error}", fg="red", err=True)
        sys.exit(error.exit_code)
    if check_only and stale:
        for exercise in stale:
            click.echo(f"out of date: {exercise.starter.relative_to(root)} (run `course sync`)", err=True)
        sys.exit(1)
    if not stale:
        click.echo("Every starter is in sync with its solution.")
