"""Which notebook was graded, when the exercise folder holds others the learner may have worked in.

Jupyter fills folders with notebooks: File > New gives `Untitled.ipynb`, Duplicate gives
`NAME-Copy1.ipynb`. `grade ID` grades the exercise's own notebook; when another one in the folder
was saved after it and holds code of its own, the learner probably worked there, so the report
ends by saying which notebook it graded and the exact command that grades the other.
"""

from __future__ import annotations

import json
from pathlib import Path

from grader.exercise import Exercise, notebooks_in
from grader.learner.after_grading import shown_path


def worked_in_copy(exercise: Exercise, graded: Path) -> Path | None:
    """The newest other notebook beside the exercise's own one that looks like the learner's work."""
    own = exercise.starter
    if graded.resolve() != own.resolve() or not own.is_file():
        return None  # the learner named a notebook: that is the one they meant
    own_bytes, own_time = own.read_bytes(), own.stat().st_mtime
    candidates = [exercise.folder / name for name in notebooks_in(exercise.folder) if name != own.name]
    newer = [p for p in candidates if p.stat().st_mtime > own_time and p.read_bytes() != own_bytes and _has_code(p)]
    return max(newer, key=lambda p: p.stat().st_mtime, default=None)


def copy_note(exercise: Exercise, graded: Path) -> str | None:
    """One paragraph for the end of the report, or None when no other notebook is likelier."""
    other = worked_in_copy(exercise, graded)
    if other is None:
        return None
    path = shown_path(other)
    command = f'grade "{path}"' if " " in path else f"grade {path}"
    return (
        f"This graded {graded.name}, the exercise's own notebook. {other.name}, in the same folder, "
        f"was saved after it: if you worked there, grade it with: {command}"
    )


def _has_code(notebook: Path) -> bool:
    try:
        cells = json.loads(notebook.read_bytes()).get("cells", [])
        return any(c.get("cell_type") == "code" and "".join(c.get("source", "")).strip() for c in cells)
    except (OSError, ValueError, AttributeError, TypeError):
        return False
