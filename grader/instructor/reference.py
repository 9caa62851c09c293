"""`course reference`: the CLI reference page, generated from the commands' own --help.

A test regenerates it and fails when the committed page differs, so the docs stay true.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.instructor.common import course_root

PAGE = Path("docs") / "instructors" / "cli-reference.md"


def _help(command: click.Command, path: list[str], parent: click.Context | None = None) -> list[str]:
    # Built as the CLI builds it (settings inherited from the group), so the text is what --help prints.
    context = click.Context(
        command,
        parent=parent,
        info_name=path[-1],
        terminal_width=100,
        max_content_width=100,
        **command.context_settings,
    )
    parts = [f"{'#' * min(len(path) + 1, 4)} `{' '.join(path)}`", "", "```text", command.get_help(context), "```", ""]
    if isinstance(command, click.Group):
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None:
                parts += _help(sub, [*path, name], context)
    return parts


def reference_text() -> str:
    """The whole page: `grade` and `course`, every subcommand, as their --help prints it."""
    from grader.cli import main as grade
    from grader.course_cli import main as course

    lines = [
        "---",
        "title: Command reference",
        "---",
        "",
        "# Command reference",
        "",
        "Generated from each command's `--help` by `course reference --write`; a test keeps it true.",
        "",
    ]
    for command, name in ((grade, "grade"), (course, "course")):
        lines += _help(command, [name])
    return "\n".join(lines).rstrip() + "\n"


@click.command("reference")
@click.option("--write", is_flag=True, help=f"Write {PAGE} instead of printing it.")
def reference(write: bool) -> None:
    """Print (or --write) the command reference page generated from --help."""
    text = reference_text()
    if not write:
        sys.stdout.write(text)
        return
    (course_root() / PAGE).write_text(text, encoding="utf-8")
    click.echo(f"wrote {PAGE}")
