"""check() and hint() in a learner's running notebook: a real kernel, driven by nbclient."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from grader.progress import load_progress


def _text(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def _html(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)


@pytest.mark.portable
def test_when_check_runs_in_the_live_kernel_then_it_judges_the_live_namespace(course: Path):
    folder = course / "exercises" / "00-test" / "demo"
    nb = nbformat.read(folder / "demo.ipynb", as_version=4)
    nb.metadata["course"] = {"exercise": "demo"}
    cells = [
        "from grader import check, hint\ncheck()",  # 1: the untouched starter
        "value = 41\ncheck()",  # 2: a wrong answer
        "value = 42\nresult = check()\nresult",  # 3: right
        "print(repr(result))",  # 4: the plain-text form
        "hint()",  # 5: recorded in progress
        "del value\ncheck()",  # 6: a name that is gone
    ]
    nb.cells = [nb.cells[0], *(new_code_cell(c) for c in cells)]
    nbformat.write(nb, folder / "demo.ipynb")
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    untouched, wrong, right, plain, hinted, gone = nb.cells[1:]

    assert "<table>" in _html(untouched) and "not attempted" in _html(untouched)
    assert "✗ value is 42  [failed]  0/1" in _text(wrong) and "expected: 42" in _text(wrong)
    assert "got: 41" in _text(wrong) and "Hint: a nudge" in _text(wrong)
    assert "All checks passed, 2/2. Well done!" in _html(right)
    assert "✓ the notebook runs in the folder it was copied to" in _text(plain)
    assert "Why it works: Forty-two is the answer." in _text(plain)
    assert "the result that counts is `grade demo`, which runs it afresh" in _text(plain)
    assert "Hint 1 of 3: a nudge" in _text(hinted)
    assert "Your notebook does not define `value`" in _text(gone)
    assert load_progress(course).of("demo").hints_shown == 1
    assert load_progress(course).of("demo").best is None  # only `grade` records a result


def test_when_the_saved_notebook_has_an_error_output_then_nb_errors_names_its_cell_and_line(tmp_path: Path):
    from grader.live_probe import live_execution

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell(
            "x = 1\ny = x / 0",
            execution_count=2,
            outputs=[
                nbformat.v4.new_output("stream", name="stdout", text="before\n"),
                nbformat.v4.new_output(
                    "error",
                    ename="ZeroDivisionError",
                    evalue="division by zero",
                    traceback=["Cell In[2], line 2", "ZeroDivisionError"],
                ),
            ],
        ),
    ]
    nbformat.write(nb, tmp_path / "saved.ipynb")
    execution = live_execution(tmp_path / "saved.ipynb", history=[])
    assert execution.printed == {2: "before\n"}
    [error] = execution.errors
    assert (error.cell, error.ename, error.line, error.line_number) == (2, "ZeroDivisionError", "y = x / 0", 2)
    assert live_execution(None, ["a = 1", ""]).notebook.cells[0].source == "a = 1"
