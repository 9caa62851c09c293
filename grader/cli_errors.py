"""How both commands end on a problem: one line, the right exit code, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from grader.errors import GraderError


@contextmanager
def one_line_errors(prog: str) -> Iterator[None]:
    """The grader's own errors become `PROG: message` and their exit code; Ctrl-C exits 130."""
    try:
        yield
    except GraderError as error:
        click.secho(f"{prog}: {error}", fg="red", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo(f"\n{prog}: stopped (Ctrl-C). Nothing was changed.", err=True)
        sys.exit(130)
