"""The first exercise's reports, on a course unzipped from the site's own zip (issue 14, items 4-6).

The course a learner downloads, the exercise they do first, the mistakes they really make: what
the report says must let them go on without reading the grader's code.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from tests.learner.conftest import grade_here

GREETING = Path("exercises/00-start-here/greeting")


def _fill_in(course: Path, sources: list[str]) -> None:
    path = course / GREETING / "greeting.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell, source in zip([c for c in nb.cells if c.cell_type == "code"], sources, strict=True):
        cell.source = source
    nbformat.write(nb, path)


def test_when_greet_cannot_be_read_then_the_report_points_at_step_2_first_and_ties_the_checks_to_it(zip_course: Path):
    _fill_in(
        zip_course,
        ['my_name = "Ada"', 'def greet(name):\n    return "Hello, " + name + "!" +', "print(greet(my_name))"],
    )
    done = grade_here("greeting", cwd=zip_course)
    assert done.returncode == 1, done.stderr
    report = [line.rstrip() for line in done.stdout.splitlines()]
    assert report[:8] == [
        "Say hello  (greeting)",
        "",
        ' The cell `def greet(name):` under "Step 2: a function that greets" raised SyntaxError: invalid syntax',
        '     at the line: return "Hello, " + name + "!" +',
        "     Python could not read this line. Look for a missing bracket, quote, colon or comma, just here or "
        "on the line before.",
        '     Other cells that raised an error: the cell `print(greet(my_name))` under "Step 3: try it". '
        "Fix the first one first.",
        "     The checks below marked ✗ failed because of this error: fix it first.",
        "",
    ]
    assert report[8:11] == [
        " ✓ my_name holds your name as text  1/1",
        ' ✗ greet("Grace") returns "Hello, Grace!"  failed  0/1',
        '     Your notebook does not define `greet`, because the cell `def greet(name):` under "Step 2: a '
        'function that greets", which defines it, raised SyntaxError.',
    ]
    assert report[-1] == " Score 1/4. Fix the error in your notebook first (above), save, and grade again."
    # no hint: never Step 1's, which passed, and the checks that failed need the error fixed first
    assert ".py, line" not in done.stdout


def test_when_greet_prints_instead_of_returning_then_the_report_says_it_returned_nothing(zip_course: Path):
    _fill_in(zip_course, ['my_name = "Ada"', 'def greet(name):\n    print(f"Hello, {name}!")', "print(greet(my_name))"])
    done = grade_here("greeting", cwd=zip_course)
    assert done.returncode == 1, done.stderr
    assert (
        "     `greet` returned nothing (None): is it missing `return`, or does it print the answer instead "
        "of returning it?"
    ) in done.stdout.splitlines()


def test_when_only_step_1_is_done_then_the_report_says_to_write_step_2_next_with_its_hint(zip_course: Path):
    _fill_in(
        zip_course, ['my_name = "Ada"', "def greet(name):\n    # YOUR CODE HERE\n    ...", "print(greet(my_name))"]
    )
    done = grade_here("greeting", cwd=zip_course)
    report = [line.rstrip() for line in done.stdout.splitlines()]
    assert report[-2:] == [
        " Score 1/4. Next, write the part the first check marked · needs (it still holds `...`), save, and "
        "grade again.",
        ' Hint: Step 2 needs one line starting with `return` that gives back the text: "Hello, ", then the name, '
        'then "!". Mind the comma, the space and the exclamation mark.',
    ]
