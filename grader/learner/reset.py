"""`grade reset`: put the starter notebook back, after keeping the learner's own in a backup.

Nothing a learner wrote is ever lost: their notebook is copied to `NAME.bak-YYYYmmdd-HHMMSS.ipynb`
beside it before the starter is written (such backups are ignored by git and by the grader).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from grader.course_map import course_root_of
from grader.errors import GraderError, UngradableInput
from grader.exercise import Exercise
from grader.files import backup_path, write_atomically


@dataclass(frozen=True)
class ResetOutcome:
    """What `grade reset` did."""

    notebook: Path
    backup: Path | None  # None when there was nothing to keep


def original_starter(exercise: Exercise) -> str:
    """The starter notebook's text: the download's pristine copy, else made from the solution (one
    source), else read from git. Every way a learner gets the course has one of the three."""
    from grader.starter import starter_text

    if exercise.original.is_file():  # the course zip and each exercise's zip
        return exercise.original.read_text(encoding="utf-8")
    root = course_root_of(exercise)
    if root is not None:
        try:
            return starter_text(exercise, root)
        except GraderError:
            pass  # no solution in this checkout: git may still have the starter
    committed = _from_git(exercise.starter)
    if committed is not None:
        return committed
    raise UngradableInput(
        f"I could not find the original starter of {exercise.id}, so nothing was changed. "
        "Download the exercise again from the course site."
    )


def _from_git(path: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "show", f"HEAD:./{path.name}"], cwd=path.parent, capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 and done.stdout.strip() else None


def reset_notebook(exercise: Exercise, notebook: Path) -> ResetOutcome:
    """Back up `notebook` (if it holds anything but the starter), then write the starter there."""
    text = original_starter(exercise)
    backup = None
    if notebook.exists():
        if notebook.read_bytes() == text.encode("utf-8"):
            return ResetOutcome(notebook, None)
        backup = backup_path(notebook)
        shutil.copy2(notebook, backup)  # a copy, so the notebook is never missing, even for a moment
    write_atomically(notebook, text)
    return ResetOutcome(notebook, backup)
