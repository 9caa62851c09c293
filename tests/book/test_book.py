"""The book edition builds from the course folders, holds every module and exercise, and no solution."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from grader.book.build import BookBuild, build_book
from grader.exercise import all_exercises
from grader.starter import MARKERS
from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BookBuild]:
    """The whole course's book, its lessons not executed: that the lessons run in the book is proven on
    one module by tests/course/test_instructor.py's publish test, and for every lesson by the site build."""
    out = tmp_path_factory.mktemp("book")
    return out, build_book(REPO, out, execute=False)


def _toc_files(toc: dict) -> set[str]:
    files: set[str] = set()

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            files.add(entry["file"])
            walk(entry.get("sections", []))

    for part in toc["parts"]:
        walk(part["chapters"])
    return files


def test_every_module_lesson_and_exercise_is_in_the_table_of_contents(book):
    out, built = book
    files = _toc_files(yaml.safe_load((out / "src" / "_toc.yml").read_text()))
    for module in sorted(p.parent for p in (REPO / "docs" / "modules").glob("*/index.md")):
        assert f"modules/{module.name}/index" in files
        for lesson in module.glob("*.ipynb"):
            assert f"modules/{module.name}/{lesson.stem}" in files
    for exercise in all_exercises(REPO):
        assert f"exercises/{exercise.module}/{exercise.id}" in files
        assert (built.html / "exercises" / exercise.module / f"{exercise.id}.html").is_file()
    assert (built.html / "index.html").is_file()


def _solution_lines(solution: Path) -> set[str]:
    """Distinctive lines that exist only in a solution: inside its markers, and not taught in a lesson."""
    lines: set[str] = set()
    for cell in nbformat.read(solution, as_version=4).cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN SOLUTION" in line:
                inside = True
            elif "END SOLUTION" in line:
                inside = False
            elif inside or line.rstrip().endswith("# SOLUTION"):
                code = re.sub(r"#\s*SOLUTION\s*$", "", line).strip()
                if len(code) >= 30 and not code.startswith("#"):
                    lines.add(code)
    return lines


def test_no_solution_code_appears_anywhere_in_the_book(book):
    out, _ = book
    # Lessons may teach the same line, and an exercise's last hint is allowed to be almost the answer.
    public = "".join(cell.source for p in (REPO / "docs").rglob("*.ipynb") for cell in nbformat.read(p, 4).cells)
    public += "".join(hint for exercise in all_exercises(REPO) for hint in exercise.hints)
    secret = {line for s in (REPO / "solutions").rglob("*.ipynb") for line in _solution_lines(s)}
    secret = {line for line in secret if line not in public}
    assert secret, "the solutions should have distinctive lines to look for"
    text_files = [p for p in out.rglob("*") if p.suffix in (".md", ".ipynb", ".txt", ".html", ".tex", ".yml")]
    leaks = [(p.name, line) for p in text_files for line in secret if line in p.read_text(errors="ignore")]
    assert leaks == []
    assert not any(m in p.read_text(errors="ignore") for p in text_files if p.suffix == ".ipynb" for m in MARKERS[:2])


def test_the_book_opens_from_disk_with_nothing_from_the_web(book):
    _, built = book
    pages = list(built.html.rglob("*.html"))
    loads = re.compile(r'(<script[^>]+src|<link[^>]+href|<img[^>]+src)="https?://')  # links to read on are fine
    remote = [p.name for p in pages if loads.search(p.read_text())]
    assert pages and remote == []


def test_a_second_build_with_no_change_rereads_nothing(book):
    out, _ = book
    again = build_book(REPO, out, execute=False)
    assert "0 added, 0 changed, 0 removed" in again.log
