"""Shared helpers: tiny notebooks and exercises written in one line each."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

# Every test grades on its own: no background grading service shared between tests (it would
# outlive them, and keep one test's settings for the next); tests/grader/test_service.py starts
# its own, in a folder of its own.
os.environ["GRADER_NO_SERVICE"] = "1"

REPO = Path(__file__).resolve().parent.parent
GRADE = [sys.executable, "-m", "grader.cli"]


def write_nb(cells: Sequence[str], path: Path) -> Path:
    """Write a notebook whose cells are code, or Markdown when they start with '#md '."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [new_markdown_cell(c[4:]) if c.startswith("#md ") else new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def write_exercise(
    folder: Path, checks: str, toml_extra: str = "", exercise_id: str = "demo", cells: Sequence[str] = ("value = ...",)
) -> Path:
    """An exercise folder with a starter notebook, its checks and exercise.toml."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "exercise.toml").write_text(
        f'id = "{exercise_id}"\ntitle = "Demo"\npoints = 1\n'
        'hints = ["a nudge", "the concept", "almost the answer"]\n' + toml_extra
    )
    (folder / "test_demo.py").write_text("from grader import points\n\n" + checks)
    write_nb(cells, folder / "demo.ipynb")
    return folder


@pytest.fixture
def exercise(tmp_path: Path) -> Callable[..., Path]:
    """Make an exercise folder in tmp_path: exercise(checks, toml_extra=...)."""

    def make(checks: str, toml_extra: str = "", cells: Sequence[str] = ("value = ...",)) -> Path:
        return write_exercise(tmp_path / "exercises" / "00-test" / "demo", checks, toml_extra, cells=cells)

    return make


def run_grade(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real `grade` command, as a learner would."""
    import os

    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [*GRADE, *args], cwd=cwd or REPO, env=full_env, capture_output=True, text=True, timeout=timeout
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow builds first (a stable sort): under pytest-xdist their files then start at once
    instead of last, and the run does not end with one worker busy on a site build."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
