"""Build the book: HTML that opens from disk, and a PDF through LaTeX where TeX is installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.book.source import write_book_source
from grader.errors import GraderBroken


def _jupyter_book() -> str:
    command = Path(sys.executable).parent / "jupyter-book"
    if not command.exists():
        raise GraderBroken("The book needs jupyter-book 1.x: pip install -e '.[book]'.")
    return str(command)


def _run_builder(source: Path, out: Path, builder: str) -> str:
    done = subprocess.run(
        [_jupyter_book(), "build", str(source), "--path-output", str(out), "--builder", builder],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        raise GraderBroken(f"The book did not build ({builder}): {lines[-1] if lines else 'jupyter-book failed'}")
    return done.stdout


@dataclass(frozen=True)
class BookBuild:
    """Where the book went, and what the author should know."""

    html: Path
    pdf: Path | None
    note: str  # empty when everything asked for was built
    log: str  # jupyter-book's output of the HTML build (says what was re-read)


def build_book(course_root: Path, out: Path, pdf: bool = False, execute: bool = True) -> BookBuild:
    """Build the HTML book under `out`; with `pdf`, the LaTeX sources and, where TeX exists, the PDF.

    `execute=False` leaves lessons as they are stored (without outputs): a quick build for checking
    the book's structure, not one to publish."""
    source = write_book_source(
        course_root, out / "src", course_root / ".cache" / "book-jupyter-cache", "katex/loader.js", execute
    )
    log = _run_builder(source, out, "html")
    html = out / "_build" / "html"
    if not pdf:
        return BookBuild(html, None, "", log)
    missing = [tool for tool in ("xelatex", "latexmk") if shutil.which(tool) is None]
    if missing:
        _run_builder(source, out, "latex")
        return BookBuild(
            html,
            None,
            f"No PDF: {' and '.join(missing)} not found (install a TeX distribution, e.g. "
            f"Debian's texlive-xetex and latexmk). The LaTeX sources are in {out / '_build' / 'latex'}.",
            log,
        )
    _run_builder(source, out, "pdflatex")
    return BookBuild(html, out / "_build" / "latex" / "course.pdf", "", log)
