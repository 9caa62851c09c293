"""Stage 2, prepare: a fresh working folder with a copy of the notebook and the exercise's data.

The learner's own file is only ever read; grading writes nothing beside it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from grader.errors import UngradableInput
from grader.exercise import Exercise


def fill_working_folder(workdir: Path, nb: NotebookNode, exercise: Exercise) -> None:
    """Copy the notebook and the exercise's data files into an empty folder."""
    nbformat.write(nb, workdir / exercise.notebook_name)
    for name in exercise.data:
        source = exercise.folder / name
        if not source.exists():
            raise UngradableInput(
                f"The exercise's data file {name} is missing from {exercise.folder}. "
                "Download the exercise again, or run `grade reset` to restore it."
            )
        target = workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
