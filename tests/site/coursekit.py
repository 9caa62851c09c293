"""A tiny course for the site tests, written in a temporary folder, and its build.

The fixture course uses the real mkdocs.yml, theme overrides and site pages, with its own
modules, lessons, exercise and solution, so the tests do not depend on the course's content.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[2]
SEARCH_WORD = "zanzibarquokka"  # appears in one lesson of the fixture course only
SOLUTION_LINE = 'return "Hello, " + name + "!"  # the secret-sauce-4711 line'
SOLUTION_MARK = "secret-sauce-4711"


def write_nb(cells: Sequence[str], path: Path) -> Path:
    """A notebook whose cells are code, or Markdown when they start with '#md '."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [new_markdown_cell(c[4:]) if c.startswith("#md ") else new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def write(path: Path, text: str) -> Path:
    """Write a text file, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


LESSON_CELLS = [
    "#md # Counting quokkas\n\n"
    f"The word {SEARCH_WORD} appears in this lesson only.\n\n"
    "Pythagoras in math: $a^2 + b^2 = c^2$.\n\n"
    '<div class="admonition warning">\n<p class="admonition-title">Common mistake</p>\n'
    "<p>Forgetting the quotes gives <code>NameError</code>.</p>\n</div>\n\n"
    '<details class="question">\n<summary>Question 1: what does <code>len("abc")</code> '
    "return?</summary>\n\n**3.** `len` counts the characters.\n\n</details>",
    "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.title('A small plot')\nplt.show()",
    "print('quokkas counted:', 2 + 2)",
]


def write_course(root: Path) -> Path:
    """The fixture course: real site config and pages, two modules, one exercise."""
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("modules"))
    write(root / "README.md", "# Fixture course\n")
    write(root / "pyproject.toml", "[project]\nname = 'fixture-course'\nversion = '0'\n")
    mod = root / "docs/modules/00-first-steps"
    write(
        mod / "index.md",
        "---\ntitle: First steps\nobjectives:\n  - Count quokkas\n"
        "  - Say hello\nprerequisites: []\nhours: 2\n---\n\n# First steps\n\nWelcome.\n",
    )
    write_nb(LESSON_CELLS, mod / "01-counting.ipynb")
    later = root / "docs/modules/01-next-step"
    write(
        later / "index.md",
        "---\ntitle: The next step\nobjectives: [Read a table]\n"
        "prerequisites: [00-first-steps]\nhours: 3\n---\n\nNo exercises here yet.\n",
    )
    write(later / "01-tables.md", "# Reading tables\n\nA table has rows and columns.\n")
    ex = root / "exercises/00-first-steps/hello"
    write(
        ex / "exercise.toml",
        'id = "hello"\ntitle = "Say hello"\npoints = 3\n'
        'hints = ["Use `return`.", "Join text with `+`.", "Return \\"Hello, \\" + name"]\n'
        'explanation = "Returning lets the checks see the value."\ndata = ["names.csv"]\n',
    )
    write_nb(
        ["#md # Say hello\n\nFill in `greet`.", "def greet(name):\n    # YOUR CODE HERE\n    ..."], ex / "hello.ipynb"
    )
    write(ex / "test_hello.py", 'def test_greets(nb):\n    """greets"""\n')
    write(ex / "names.csv", "name\nAda\n")
    write_nb(
        [
            "#md # Say hello\n\nFill in `greet`.",
            f"def greet(name):\n    # BEGIN SOLUTION\n    {SOLUTION_LINE}\n    # END SOLUTION",
        ],
        root / "solutions/00-first-steps/hello/hello.ipynb",
    )
    return root


def build(root: Path, site: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of the course at root into site, in a child process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site), *extra],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
