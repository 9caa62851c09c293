"""`course new MODULE SLUG`: scaffold an exercise from one source, ready to be written."""

from __future__ import annotations

import re
from pathlib import Path

import click
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.errors import UngradableInput
from grader.exercise import load_exercise
from grader.instructor.common import course_root, one_line_errors
from grader.instructor.proofs import PROOFS_FILE
from grader.starter import starter_text

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

CHECKS = '''"""Checks for {slug}: each says, in the learner's words, what it checks."""

from grader import points


@points(1)
def test_answer_is_right(nb):
    """answer() returns 42"""
    answer = nb.function("answer")
    assert answer() == 42, "answer() should return the number 42"
'''

TOML = """id = "{slug}"
notebook = "{slug}.ipynb"
title = "{title}"
points = 1
hints = [
    "A nudge: what is the question really asking?",
    "The concept: point to the lesson that teaches it.",
    "Almost the solution: the shape of the answer, without the last step.",
]
explanation = "Shown after a pass: why the reference solution works."
data = []

[limits]
cell_timeout = 30
"""

# The scaffold's own proofs: rewrite them with the exercise (`course check` grades every one).
PROOFS = """[[alternative]]
notebook = "proofs/computed.ipynb"
why = "computes 6 * 7 instead of writing 42"

[[wrong]]
notebook = "proofs/text.ipynb"
mistake = 'returns the text "42" instead of the number'
loses = {{ test_answer_is_right = "should return the number 42" }}

[[wrong]]
notebook = "proofs/prints.ipynb"
mistake = "prints 42 instead of returning it"
loses = {{ test_answer_is_right = "should return the number 42" }}
"""
PROOF_BODIES = {"computed": "return 6 * 7", "text": 'return "42"', "prints": "print(42)"}


def scaffold(root: Path, module: str, slug: str) -> Path:
    """Write the solution, checks and exercise.toml of a new exercise; return its exercise folder."""
    if not _SLUG.match(slug):
        raise UngradableInput(f"'{slug}' is not a good exercise name: use lower-case words joined by '-'.")
    if not (root / "docs" / "modules" / module / "index.md").is_file():
        raise UngradableInput(f"There is no module {module} (docs/modules/{module}/index.md).")
    folder = root / "exercises" / module / slug
    solution = root / "solutions" / module / slug / f"{slug}.ipynb"
    if folder.exists() or solution.exists():
        raise UngradableInput(f"{module}/{slug} exists already.")
    title = slug.replace("-", " ").capitalize()
    solution.parent.mkdir(parents=True)
    nbformat.write(_notebook(title, "return 42"), solution)
    (solution.parent / "proofs").mkdir()
    for name, body in PROOF_BODIES.items():
        nbformat.write(_notebook(title, body), solution.parent / "proofs" / f"{name}.ipynb")
    (solution.parent / PROOFS_FILE).write_text(PROOFS.format(), encoding="utf-8")
    folder.mkdir(parents=True)
    (folder / "exercise.toml").write_text(TOML.format(slug=slug, title=title), encoding="utf-8")
    (folder / f"test_{slug.replace('-', '_')}.py").write_text(CHECKS.format(slug=slug), encoding="utf-8")
    exercise = load_exercise(folder)
    exercise.starter.write_text(starter_text(exercise, root), encoding="utf-8")
    return folder


def _notebook(title: str, body: str) -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                f"# {title}\n\nSay what the learner will build and why it matters. "
                "**Where to work:** the cells with `...`."
            ),
            new_code_cell(
                f'def answer():\n    """Return the answer."""\n    # BEGIN SOLUTION\n    {body}\n    # END SOLUTION'
            ),
            new_code_cell("print(answer())"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@click.command("new")
@click.argument("module")
@click.argument("slug")
def new(module: str, slug: str) -> None:
    """Scaffold exercise SLUG in MODULE: solution with markers, checks, exercise.toml, starter."""
    with one_line_errors():
        root = course_root()
        folder = scaffold(root, module, slug)
    click.echo(f"Created solutions/{module}/{slug}/{slug}.ipynb (write the solution between the markers),")
    click.echo(
        f"        solutions/{module}/{slug}/proofs.toml and proofs/ (an alternative solution and "
        "known-wrong ones that prove the checks),"
    )
    click.echo(f"        {folder.relative_to(root)}/ (checks and exercise.toml).")
    click.echo("Next:")
    click.echo("  1. course sync                              make the starter from your solution")
    click.echo(f"  2. grade solutions/{module}/{slug}/{slug}.ipynb   the solution should score full marks")
    click.echo(f"  3. course check --only {slug}              prove the exercise sound")
