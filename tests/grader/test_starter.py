"""One source: starters are made from solutions by replacing markers."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader.starter import MarkerError, make_starter, strip_source


def test_when_a_block_is_marked_then_it_becomes_a_prompt_and_dots_at_its_indent():
    source = "def f(x):\n    # BEGIN SOLUTION\n    y = x * 2\n    return y\n    # END SOLUTION\nprint(f(1))"
    assert strip_source(source, "cell 1") == "def f(x):\n    # YOUR CODE HERE\n    ...\nprint(f(1))"


@pytest.mark.parametrize(
    "line, starter",
    [
        ("value = 42  # SOLUTION", "value = ..."),
        ("    total += price  # SOLUTION", "    total += ..."),
        ("print(answer)  # SOLUTION", "..."),
        ('    "problem": "churn is up 4%",  # SOLUTION', '    "problem": ...,'),
        ("    'owner': 'Ada'  # SOLUTION", "    'owner': ..."),
        ("keep = 1  # a comment that mentions no marker", "keep = 1  # a comment that mentions no marker"),
    ],
)
def test_when_a_line_is_marked_then_its_value_becomes_dots(line, starter):
    assert strip_source(line, "cell 1") == starter


@pytest.mark.parametrize(
    "source, message",
    [
        (
            "x = 1\n# BEGIN SOLUTION\ny = 2",
            "sol.ipynb, cell 3, line 2: BEGIN SOLUTION is never closed by END SOLUTION.",
        ),
        ("# END SOLUTION", "sol.ipynb, cell 3, line 1: END SOLUTION without a BEGIN SOLUTION above it."),
        (
            "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION",
            "sol.ipynb, cell 3, line 2: BEGIN SOLUTION inside another solution block (opened at line 1).",
        ),
    ],
)
def test_when_markers_are_malformed_then_the_error_names_cell_and_line(source, message):
    with pytest.raises(MarkerError) as caught:
        strip_source(source, "sol.ipynb, cell 3")
    assert str(caught.value) == message


def test_when_a_starter_is_made_then_outputs_go_ids_stay_and_solution_only_cells_are_dropped():
    nb = new_notebook(
        cells=[
            new_code_cell("x = 1  # SOLUTION", execution_count=4, outputs=[]),
            new_code_cell("secret = 1", metadata={"tags": ["solution-only"]}),
        ]
    )
    nb.cells[0].outputs = [{"output_type": "stream", "name": "stdout", "text": "1"}]
    starter = make_starter(nb, "demo", "sol.ipynb")
    assert [c.source for c in starter.cells] == ["x = ..."]
    assert starter.cells[0].id == nb.cells[0].id
    assert starter.cells[0].outputs == [] and starter.cells[0].execution_count is None
    assert starter.metadata["course"] == {"exercise": "demo"}
