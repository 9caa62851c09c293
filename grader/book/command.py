"""`course build-book`: the course as a book, for reading offline and printing."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.instructor.common import course_root, one_line_errors


@click.command("build-book")
@click.option("--pdf", is_flag=True, help="Also build a PDF through LaTeX (needs xelatex and latexmk).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/book"),
    show_default=True,
    help="Where the book is built.",
)
def build_book_command(pdf: bool, out: Path) -> None:
    """Build the book edition (jupyter-book 1.x) from the course folders; solutions are left out."""
    from grader.book.build import build_book

    with one_line_errors():
        root = course_root()
        click.echo("Building the book (lessons run once, then come from the cache)...")
        book = build_book(root, out if out.is_absolute() else root / out, pdf)
    click.echo(f"Book: {book.html / 'index.html'} (opens from disk)")
    if book.pdf:
        click.echo(f"PDF: {book.pdf}")
    if book.note:
        click.secho(book.note, fg="yellow", err=True)
        sys.exit(3)
