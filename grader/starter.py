"""One source per exercise: make the learner's starter notebook from the reference solution.

Markers in the solution's code cells:
- `# BEGIN SOLUTION` ... `# END SOLUTION`: the lines between become `# YOUR CODE HERE` and `...`;
- `value = 42  # SOLUTION`: the line becomes `value = ...`; a dict entry `"key": 42,  # SOLUTION`
  becomes `"key": ...,`; any other line becomes `...`;
- a cell tagged `solution-only` is dropped.
Outputs are cleared, cell ids kept (so a learner's diff stays small) and the exercise id stored in
the notebook's metadata, where `grade` and `check()` find it.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from grader.errors import UngradableInput
from grader.exercise import NOTEBOOK_METADATA_KEY, Exercise

SOLUTION_ONLY_TAG = "solution-only"
_BEGIN = re.compile(r"^(\s*)#\s*BEGIN SOLUTION\b")
_END = re.compile(r"^\s*#\s*END SOLUTION\b")
_LINE = re.compile(r"^(\s*)(.*?)\s*#\s*SOLUTION\s*$")
_ASSIGNMENT = re.compile(r"^([A-Za-z_][\w.\[\]'\", ]*?)\s*(=|\+=|-=)\s*[^=]")
_DICT_ENTRY = re.compile(r"^((?:\"[^\"]*\"|'[^']*')\s*:)")  # "key": value,  inside a dict literal
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "# SOLUTION")


class MarkerError(UngradableInput):
    """A solution's markers are malformed (an unclosed block, an END without a BEGIN)."""


def _placeholder(code: str) -> str:
    """`x = 42` -> `x = ...`; `"key": 42,` -> `"key": ...,` (a dict entry stays valid); else `...`."""
    if assignment := _ASSIGNMENT.match(code):
        return f"{assignment.group(1).rstrip()} {assignment.group(2)} ..."
    if entry := _DICT_ENTRY.match(code):
        return f"{entry.group(1)} ...{',' if code.rstrip().endswith(',') else ''}"
    return "..."


def strip_source(source: str, where: str) -> str:
    """The starter version of one code cell's source."""
    out: list[str] = []
    block_start: int | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        if begin := _BEGIN.match(line):
            if block_start is not None:
                raise MarkerError(
                    f"{where}, line {number}: BEGIN SOLUTION inside another solution block "
                    f"(opened at line {block_start})."
                )
            block_start = number
            indent = begin.group(1)
            out += [f"{indent}# YOUR CODE HERE", f"{indent}..."]
        elif _END.match(line):
            if block_start is None:
                raise MarkerError(f"{where}, line {number}: END SOLUTION without a BEGIN SOLUTION above it.")
            block_start = None
        elif block_start is not None:
            continue
        elif single := _LINE.match(line):
            indent, code = single.groups()
            out.append(indent + _placeholder(code))
        else:
            out.append(line)
    if block_start is not None:
        raise MarkerError(f"{where}, line {block_start}: BEGIN SOLUTION is never closed by END SOLUTION.")
    return "\n".join(out)


def make_starter(solution: NotebookNode, exercise_id: str, solution_path: Path) -> NotebookNode:
    """The learner's starter notebook for `solution`."""
    starter = copy.deepcopy(solution)
    cells = []
    for number, cell in enumerate(solution.cells, start=1):
        if SOLUTION_ONLY_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.source = strip_source(cell.source, f"{solution_path}, cell {number}")
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
        cells.append(cell)
    starter.cells = cells
    starter.metadata[NOTEBOOK_METADATA_KEY] = {"exercise": exercise_id}
    starter.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return starter


def render(nb: NotebookNode) -> str:
    """A notebook's text exactly as it is committed (so "in sync" is a plain text comparison)."""
    return nbformat.writes(nb) + "\n"


def starter_text(exercise: Exercise, course_root: Path) -> str:
    """What the exercise's starter notebook should contain, made from its solution."""
    solution_path = exercise.solution(course_root)
    if not solution_path.is_file():
        raise UngradableInput(f"{exercise.id} has no solution at {solution_path.relative_to(course_root)}.")
    solution = nbformat.read(solution_path, as_version=4)
    return render(make_starter(solution, exercise.id, solution_path.relative_to(course_root)))
