"""The example reports in How grading works (docs/grading.md) are real output of the current grader.

Each example names the notebook it shows; this grades that notebook with the real `grade` (and
`grade watch`) on a copy of the course's first exercise, and the page's block must be part of the
output, word for word (the page may wrap a long line where a terminal would).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO, run_grade
from tests.learner.test_watch import WatchProcess

PAGE = REPO / "docs" / "grading.md"
EXERCISE = Path("exercises") / "00-start-here" / "greeting"
SOLUTION = Path("solutions") / "00-start-here" / "greeting"
FORGOT_COMMA = ['my_name = "Ada"', 'def greet(name):\n    return "Hello " + name', "print(greet(my_name))"]
PRINTS = ['my_name = "Ada"', 'def greet(name):\n    print(f"Hello, {name}!")', "print(greet(my_name))"]
CLOCK = re.compile(r"Graded at \d\d:\d\d:\d\d in \d+\.\d\d s")


def page_blocks() -> list[str]:
    """The ```text blocks of the page, in order."""
    return re.findall(r"```text\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.DOTALL)


def words(text: str) -> list[str]:
    return CLOCK.sub("Graded at HH:MM:SS in N s", text).split()


def assert_shown(block: str, output: str) -> None:
    """`block`, apart from its `$ command` line, is a contiguous part of `output`, word for word."""
    expected = words("\n".join(line for line in block.splitlines() if not line.startswith("$ ")))
    got = words(output)
    starts = [i for i in range(len(got)) if got[i : i + len(expected)] == expected]
    assert starts, f"docs/grading.md shows:\n{block}\nbut the grader printed:\n{output}"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """The first exercise and its reference solution, in a course folder of their own."""
    shutil.copytree(REPO / EXERCISE, tmp_path / EXERCISE, ignore=shutil.ignore_patterns(".*"))
    shutil.copytree(REPO / SOLUTION, tmp_path / SOLUTION)
    return tmp_path


def fill_in(course: Path, sources: list[str]) -> None:
    """The starter with its three code cells replaced by `sources`, saved as the learner would."""
    path = course / EXERCISE / "greeting.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell, source in zip([c for c in nb.cells if c.cell_type == "code"], sources, strict=True):
        cell.source = source
    nbformat.write(nb, path)


def test_when_greet_forgets_the_comma_then_the_report_is_the_one_on_the_page(course):
    fill_in(course, FORGOT_COMMA)
    done = run_grade("greeting", cwd=course)
    assert done.returncode == 1
    assert_shown(page_blocks()[0], done.stdout)


def test_when_every_check_passes_then_the_ending_is_the_one_on_the_page(course):
    shutil.copy(course / SOLUTION / "greeting.ipynb", course / EXERCISE / "greeting.ipynb")
    done = run_grade("greeting", cwd=course)
    assert done.returncode == 0
    assert_shown(page_blocks()[1], done.stdout)


def test_when_watching_then_the_report_is_the_one_on_the_page(course):
    fill_in(course, PRINTS)
    watch = WatchProcess(["greeting"], course)
    try:
        report = watch.report()
    finally:
        watch.end()
    assert_shown(page_blocks()[2], "\n".join(report))
