"""Build the book: HTML that opens from disk, and a PDF through LaTeX where TeX is installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from grader.book.source import write_book_source
from grader.errors import GraderBroken


def _jupyter_book() -> str:
    command = Path(sys.executable).parent / "jupyter-book"
    if not command.exists():
        raise GraderBroken("The book needs jupyter-book 1.x: pip install -e '.[book]'.")
    return str(command)


def _run_builder(source: Path, out: Path, builder: str) -> None:
    done = subprocess.run([_jupyter_book(), "build", str(source), "--path-output", str(out), "--builder", builder],
                          capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        raise GraderBroken(f"The book did not build ({builder}): {lines[-1] if lines else 'jupyter-book failed'}")


def build_book(course_root: Path, out: Path, pdf: bool = False) -> tuple[Path, Path | None, str]:
    """Build the HTML book under `out`; with `pdf`, the LaTeX sources and, where TeX exists, the PDF.

    Returns the HTML folder, the PDF (or None) and a note for the author (empty when all went well).
    """
    source = write_book_source(course_root, out / "src", course_root / ".cache" / "book-jupyter-cache",
                               "katex/loader.js")
    _run_builder(source, out, "html")
    html = out / "_build" / "html"
    if not pdf:
        return html, None, ""
    missing = [tool for tool in ("xelatex", "latexmk") if shutil.which(tool) is None]
    if missing:
        _run_builder(source, out, "latex")
        return html, None, (f"No PDF: {' and '.join(missing)} not found (install a TeX distribution, e.g. Debian's "
                            f"texlive-xetex and latexmk). The LaTeX sources are in {out / '_build' / 'latex'}.")
    _run_builder(source, out, "pdflatex")
    return html, out / "_build" / "latex" / "course.pdf", ""
