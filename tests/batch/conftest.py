"""A tiny course and a small cohort in tmp_path, and a way to run a batch and read what it wrote."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat
import pytest
from rich.console import Console

from grader.batch import BatchOptions, BatchReport, grade_batch
from tests.conftest import REPO, write_exercise, write_nb

GREETING = REPO / "exercises" / "00-start-here" / "greeting"
SOLUTION = REPO / "solutions" / "00-start-here" / "greeting" / "greeting.ipynb"
STARTER = GREETING / "greeting.ipynb"

VALUE_IS_42 = '''
@points(1)
def test_value(nb):
    """value is 42"""
    assert nb.value("value") == 42, "value should be 42"
'''


def make_course(root: Path) -> Path:
    """A course with the real `greeting` exercise and `loop`, whose cells may run one second."""
    shutil.copytree(GREETING, root / "exercises" / "00-start-here" / "greeting")
    write_exercise(
        root / "exercises" / "00-test" / "loop", VALUE_IS_42, "[limits]\ncell_timeout = 1\n", exercise_id="loop"
    )
    return root


@pytest.fixture
def course_root(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course")


def greeting(path: Path, edit: dict[str, str] | None = None, extra_cells: Sequence[str] = ()) -> Path:
    """The solution of `greeting` at `path`, with code cells' text replaced (`edit`) or added."""
    nb = nbformat.read(SOLUTION, as_version=4)
    for cell in nb.cells:
        for old, new in (edit or {}).items():
            cell.source = cell.source.replace(old, new)
    nb.cells[1:1] = [nbformat.v4.new_code_cell(source) for source in extra_cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def loop_notebook(path: Path) -> Path:
    return write_nb(["while True:\n    pass", "value = 1"], path)


def run(submissions: Path, out: Path, course: Path, **options: Any) -> tuple[BatchReport, str]:
    """Run a batch in this process; return its report and what it printed."""
    console = Console(file=io.StringIO(), width=120, highlight=False)
    options = {"unsandboxed": True, **options}  # no effect where kernels are sandboxed; elsewhere it lets them run
    report = grade_batch(BatchOptions(submissions=submissions, out=out, course_root=course, **options), console)
    return report, console.file.getvalue()  # type: ignore[attr-defined]


def result(out: Path, learner: str, key: str) -> dict[str, Any]:
    return json.loads((out / "results" / learner / f"{key}.json").read_text())
