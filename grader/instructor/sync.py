"""`course sync`: regenerate every starter notebook from its solution (one source per exercise)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.exercise import Exercise, all_exercises
from grader.instructor.common import course_root, one_line_errors
from grader.starter import starter_text


def stale_starters(root: Path, only: str | None = None) -> list[tuple[Exercise, str]]:
    """Each exercise (whose id or module starts with `only`, when given) whose committed starter
    differs from what its solution makes, with that text."""
    stale = []
    for exercise in all_exercises(root):
        if only and not (exercise.id.startswith(only) or exercise.module.startswith(only)):
            continue
        wanted = starter_text(exercise, root)
        current = exercise.starter.read_text(encoding="utf-8") if exercise.starter.exists() else None
        if current != wanted:
            stale.append((exercise, wanted))
    return stale


@click.command()
@click.option("--check", "check_only", is_flag=True, help="Change nothing; fail if a starter is out of date.")
@click.option("--only", metavar="PREFIX", help="Only exercises whose id or module starts with PREFIX.")
def sync(check_only: bool, only: str | None) -> None:
    """Regenerate every exercise's starter notebook from its solution."""
    with one_line_errors():
        root = course_root()
        stale = stale_starters(root, only)
    for exercise, wanted in stale:
        where = exercise.starter.relative_to(root)
        if check_only:
            click.echo(f"out of date: {where} (run `course sync`)", err=True)
        else:
            exercise.starter.write_text(wanted, encoding="utf-8")
            click.echo(f"wrote {where}")
    if check_only and stale:
        sys.exit(1)
    if not stale:
        click.echo("Every starter is in sync with its solution.")
