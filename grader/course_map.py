"""The course as the learner's commands see it: modules in roadmap order, with their exercises.

A module's title and prerequisites come from the front matter of `docs/modules/<id>/index.md`;
its exercises are the folders under `exercises/<id>/`. Nothing is listed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.course_model import ModuleMeta, page_order, read_module_meta
from grader.errors import CourseError, GraderError, UngradableInput
from grader.exercise import EXERCISE_FILE, Exercise, find_course_root, load_exercise


@dataclass(frozen=True)
class Module:
    """One step of the roadmap."""

    id: str
    title: str
    prerequisites: tuple[str, ...]
    exercises: tuple[Exercise, ...]


def course_modules(course_root: Path) -> list[Module]:
    """Every module that has exercises, in roadmap order (folder names sort as the roadmap)."""
    modules: list[Module] = []
    exercises_folder = course_root / "exercises"
    if not exercises_folder.is_dir():
        return modules
    for folder in sorted(p for p in exercises_folder.iterdir() if p.is_dir()):
        exercises = tuple(_readable_exercises(folder))
        if not exercises:
            continue
        try:
            meta = read_module_meta(course_root / "docs" / "modules" / folder.name / "index.md")
        except CourseError:
            meta = ModuleMeta()  # a learner's list must not break on it; `course check` names it
        modules.append(Module(folder.name, meta.title or folder.name, meta.prerequisites, exercises))
    return modules


def _readable_exercises(module_folder: Path) -> list[Exercise]:
    exercises = []
    for toml_path in sorted(module_folder.glob(f"*/{EXERCISE_FILE}")):
        try:
            exercises.append(load_exercise(toml_path.parent))
        except GraderError:
            pass  # a half-written exercise must not hide the others; grading it says what is wrong
    order = page_order(module_folder.parent.parent / "docs" / "modules" / module_folder.name / "index.md")
    return sorted(exercises, key=lambda e: order(e.id, e.folder.name))


def course_root_of(exercise: Exercise) -> Path | None:
    """The course checkout an exercise belongs to (where its progress is kept)."""
    folder = exercise.folder
    if folder.parent.parent.name == "exercises":
        return folder.parent.parent.parent
    return find_course_root(folder)


def require_course_root() -> Path:
    """The course folder for commands that need the whole course (list, next)."""
    root = find_course_root()
    if root is None:
        raise UngradableInput(
            "No course folder was found here. Run this inside the course folder (the one that holds exercises/)."
        )
    return root


def progress_root(exercise: Exercise) -> Path:
    """Where this exercise's progress is kept: its course checkout, else its own folder."""
    return course_root_of(exercise) or exercise.folder
