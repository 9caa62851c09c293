"""Exercises: their `exercise.toml`, and finding one from what the learner typed."""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grader.course_model import EXERCISE_FILE, Limits, exercise_id_of, page_order, read_exercise_meta
from grader.errors import UngradableInput
from grader.files import is_backup

ORIGINAL_DIR = ".original"  # the downloads keep a pristine starter here, for `grade reset`
UPDATE_DIR = ".course-update"  # `grade update` stages here; its plan file says a swap is under way
UPDATE_PLAN = "plan.json"
NOTEBOOK_METADATA_KEY = "course"  # notebook.metadata.course.exercise holds the exercise id


@dataclass(frozen=True)
class Exercise:
    """One exercise folder: the starter notebook, its checks and its metadata."""

    id: str
    title: str
    folder: Path
    notebook_name: str
    points: float
    hints: tuple[str, ...] = ()
    explanation: str = ""
    data: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    network: str = "none"  # "loopback": the kernel may use a network of its own, for a course server on 127.0.0.1

    @property
    def module(self) -> str:
        return self.folder.parent.name

    @property
    def starter(self) -> Path:
        return self.folder / self.notebook_name

    @property
    def original(self) -> Path:
        """The pristine starter the course's downloads carry (absent in a git clone)."""
        return self.folder / ORIGINAL_DIR / self.notebook_name

    @property
    def check_files(self) -> list[Path]:
        return sorted(self.folder.glob("test_*.py"))

    def solution(self, course_root: Path) -> Path:
        return course_root / "solutions" / self.module / self.folder.name / self.notebook_name


def load_exercise(folder: Path) -> Exercise:
    """Read an exercise folder; a broken or incomplete one is an `UngradableInput` (a `CourseError`
    naming the file and the field when exercise.toml itself is wrong)."""
    meta = read_exercise_meta(folder)
    notebook_name = meta.notebook or _guess_notebook(folder, meta.id)
    if not notebook_name:
        raise UngradableInput(f"{folder / EXERCISE_FILE} must say which notebook is the exercise (notebook = ...).")
    if not list(folder.glob("test_*.py")):
        raise UngradableInput(f"{folder} has no checks (test_*.py): there is nothing to grade with.")
    return Exercise(
        id=meta.id,
        title=meta.title,
        folder=folder.resolve(),
        notebook_name=notebook_name,
        points=meta.points,
        hints=meta.hints,
        explanation=meta.explanation,
        data=meta.data,
        env=meta.env,
        limits=meta.limits,
        network=meta.network,
    )


def notebooks_in(folder: Path) -> list[str]:
    """The notebooks of a folder, without grade reset's backups."""
    return sorted(p.name for p in folder.glob("*.ipynb") if not is_backup(p))


def _guess_notebook(folder: Path, exercise_id: str) -> str:
    """For an exercise.toml without `notebook = ...`: the one notebook that can be meant, else "".

    Jupyter adds notebooks to a folder (Untitled.ipynb, NAME-Copy1.ipynb), so several are no reason
    to give up: the solution's name, then the folder's name, then the one whose metadata names the
    exercise, decide.
    """
    here = notebooks_in(folder)
    twin = notebooks_in(_solution_twin(folder))
    if len(twin) == 1:
        return twin[0]
    if len(here) == 1:
        return here[0]
    if f"{folder.name}.ipynb" in here:
        return f"{folder.name}.ipynb"
    claimed = [name for name in here if exercise_id and _id_from_metadata(folder / name) == exercise_id]
    return claimed[0] if len(claimed) == 1 else ""


def _solution_twin(exercise_folder: Path) -> Path:
    """solutions/MODULE/SLUG for exercises/MODULE/SLUG (a new exercise has no starter yet)."""
    return exercise_folder.parent.parent.parent / "solutions" / exercise_folder.parent.name / exercise_folder.name


def find_course_root(start: Path | None = None) -> Path | None:
    """The folder holding `exercises/`: $COURSE_ROOT, else upwards from `start`, else the install."""
    if env_root := os.environ.get("COURSE_ROOT"):
        return Path(env_root).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises").is_dir():
            return folder
    installed = Path(__file__).resolve().parent.parent  # an editable install of the course repo
    return installed if (installed / "exercises").is_dir() else None


def all_exercises(course_root: Path) -> list[Exercise]:
    """Every exercise of the course, in roadmap order: by module, then as the module page names them."""
    exercises = [load_exercise(p.parent) for p in sorted(course_root.glob(f"exercises/*/*/{EXERCISE_FILE}"))]
    orders = {m: page_order(course_root / "docs" / "modules" / m / "index.md") for m in {e.module for e in exercises}}
    return sorted(exercises, key=lambda e: (e.module, *orders[e.module](e.id, e.folder.name)))


def exercise_ids(course_root: Path) -> dict[str, Path]:
    """Map each exercise id (and module/slug) to its folder, without loading every notebook."""
    ids: dict[str, Path] = {}
    for toml_path in sorted(course_root.glob(f"exercises/*/*/{EXERCISE_FILE}")):
        folder = toml_path.parent
        if (exercise_id := exercise_id_of(folder)) is not None:
            ids[exercise_id] = folder
        ids.setdefault(f"{folder.parent.name}/{folder.name}", folder)
    return ids


def find_exercise_by_id(exercise_id: str, course_root: Path | None, commands: Sequence[str] = ()) -> Exercise:
    """The exercise with this id, or an error that suggests the nearest ids (or `commands`)."""
    ids = exercise_ids(course_root) if course_root else {}
    if exercise_id in ids:
        return load_exercise(ids[exercise_id])
    command = difflib.get_close_matches(exercise_id, commands, n=1, cutoff=0.7)
    if command and _likeness(exercise_id, command[0]) > max((_likeness(exercise_id, i) for i in ids), default=0):
        # `grade lsit`: a misspelt command, not an exercise (but `resipe` is the exercise recipe)
        raise UngradableInput(
            f"There is no command or exercise '{exercise_id}'. Did you mean the command `grade {command[0]}`?"
        )
    close = difflib.get_close_matches(exercise_id, ids, n=3, cutoff=0.5)
    if close:
        suggestion = " or ".join(f"'{c}'" for c in close)
        raise UngradableInput(f"There is no exercise '{exercise_id}'. Did you mean {suggestion}?")
    if not ids:
        raise UngradableInput(
            f"There is no exercise '{exercise_id}', and no course folder was found here: "
            "run grade inside the course folder, or give the notebook's path."
        )
    raise UngradableInput(
        f"There is no exercise '{exercise_id}' and no path of that name. Run `grade list` to see every exercise."
    )


def _likeness(typed: str, known: str) -> float:
    return difflib.SequenceMatcher(None, typed, known).ratio()


def exercise_folder_around(path: Path) -> Path | None:
    """The exercise folder `path` is in (itself or a parent holding exercise.toml), if any."""
    for folder in (path, *path.parents):
        if (folder / EXERCISE_FILE).is_file():
            return folder
    return None


def exercise_for_notebook(notebook: Path, course_root: Path | None) -> Exercise:
    """The exercise a notebook belongs to: its own folder, the id in its metadata, or its name."""
    if (notebook.parent / EXERCISE_FILE).is_file():
        return load_exercise(notebook.parent)
    # A solution notebook is graded with its exercise's checks.
    if notebook.parent.parent.parent.name == "solutions":
        twin = notebook.parent.parent.parent.parent / "exercises"
        folder = twin / notebook.parent.parent.name / notebook.parent.name
        if (folder / EXERCISE_FILE).is_file():
            return load_exercise(folder)
    exercise_id = _id_from_metadata(notebook)
    if exercise_id:
        return find_exercise_by_id(exercise_id, course_root)
    if course_root:
        for folder in (p.parent for p in course_root.glob(f"exercises/*/*/{notebook.name}")):
            if (folder / EXERCISE_FILE).is_file():
                return load_exercise(folder)
    raise UngradableInput(
        f"I could not tell which exercise {notebook.name} belongs to. "
        "Keep the notebook in its exercise folder, or name the exercise: grade EXERCISE-ID."
    )


def exercise_id_in(notebook: bytes) -> str | None:
    """The exercise id a notebook carries in its metadata (None when it names none, or is not JSON)."""
    try:
        exercise_id = json.loads(notebook)["metadata"][NOTEBOOK_METADATA_KEY]["exercise"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    return str(exercise_id) if exercise_id else None


def _id_from_metadata(notebook: Path) -> str | None:
    try:
        return exercise_id_in(notebook.read_bytes())
    except OSError:
        return None


def resolve_target(target: str | None, cwd: Path | None = None, commands: Sequence[str] = ()) -> tuple[Exercise, Path]:
    """Turn what the learner typed (nothing, a notebook, a folder, an id) into (exercise, notebook).

    `commands`: the command names a misspelt target may have meant (`grade lsit`).
    """
    cwd = (cwd or Path.cwd()).resolve()
    course_root = find_course_root(cwd)
    here = exercise_folder_around(cwd)
    if target is None:
        if here is not None:
            exercise = load_exercise(here)
            return exercise, exercise.starter
        raise UngradableInput(
            "Tell me what to grade: a notebook (grade my.ipynb), an exercise folder, or an "
            "exercise id (grade greeting). Run `grade list` to see every exercise."
        )
    path = (cwd / target).resolve() if not Path(target).is_absolute() else Path(target)
    if path.is_dir():
        exercise = load_exercise(path)
        return exercise, exercise.starter
    if path.is_file():
        return exercise_for_notebook(path, course_root), path
    if target.endswith(".ipynb"):
        raise UngradableInput(f"There is no file {target}. Check the name and the folder you are in.")
    if here is not None and exercise_id_of(here) == target:
        # the folder the learner stands in wins (an exercise's own zip, unzipped beside the course)
        exercise = load_exercise(here)
        return exercise, exercise.starter
    exercise = find_exercise_by_id(target, course_root, commands)
    return exercise, exercise.starter
