"""`course`: the instructor's command (author, prove sound, publish, grade a cohort).

Each verb lives in its own module; this file only gathers them.
"""

from __future__ import annotations

import click

import grader._fast_imports  # noqa: F401  first: see its docstring
from grader import __version__
from grader.batch.command import grade_batch
from grader.book.command import build_book_command
from grader.instructor.check import check
from grader.instructor.new import new
from grader.instructor.publish import changelog, publish
from grader.instructor.reference import reference
from grader.instructor.sync import sync


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="course")
def main() -> None:
    """Author, check and publish the course, and grade a cohort's submissions."""


main.add_command(sync)
main.add_command(check)
main.add_command(new)
main.add_command(publish)
main.add_command(changelog)
main.add_command(reference)
main.add_command(build_book_command)
main.add_command(grade_batch)

if __name__ == "__main__":
    main()
