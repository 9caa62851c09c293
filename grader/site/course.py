"""The course as the site sees it: modules, lessons, exercises and solutions, read from folders.

Nothing here is listed by hand. A module is a folder `docs/modules/NN-slug/` (and/or
`exercises/NN-slug/`); its lessons are the notebooks and Markdown files beside its `index.md`;
its exercises are the folders under `exercises/NN-slug/` that hold an `exercise.toml`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.course_model import (
    EXERCISE_FILE,
    page_order,
    read_exercise_meta,
    read_front_matter,
    read_module_meta,
)
from grader.errors import CourseError
from grader.files import is_backup

_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Lesson:
    """One lesson page: a notebook or Markdown file in a module folder."""

    module_id: str
    path: Path
    title: str

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def src_uri(self) -> str:
        return f"modules/{self.module_id}/{self.path.name}"

    @property
    def progress_id(self) -> str:
        return f"lesson:{self.module_id}/{self.stem}"


@dataclass(frozen=True)
class Exercise:
    """One exercise folder and what its `exercise.toml` says."""

    module_id: str
    folder: Path
    id: str
    title: str
    points: float
    notebook: Path
    hints: tuple[str, ...] = ()
    explanation: str = ""
    data: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # what an author should fix; logged as warnings

    @property
    def slug(self) -> str:
        return self.folder.name

    @property
    def page_uri(self) -> str:
        return f"modules/{self.module_id}/exercises/{self.slug}/index.md"

    @property
    def notebook_uri(self) -> str:
        return f"modules/{self.module_id}/exercises/{self.slug}/{self.notebook.name}"

    @property
    def zip_uri(self) -> str:
        return f"modules/{self.module_id}/exercises/{self.slug}/{self.slug}.zip"

    @property
    def progress_id(self) -> str:
        return f"exercise:{self.id}"


@dataclass(frozen=True)
class Solution:
    """A reference solution notebook, published in its own section."""

    module_id: str
    slug: str
    notebook: Path
    title: str

    @property
    def page_uri(self) -> str:
        return f"solutions/{self.module_id}/{self.slug}/index.md"

    @property
    def notebook_uri(self) -> str:
        return f"solutions/{self.module_id}/{self.slug}/{self.notebook.name}"


@dataclass(frozen=True)
class Module:
    """A step of the roadmap."""

    id: str
    title: str
    number: str
    hours: float | None
    objectives: tuple[str, ...]
    prerequisites: tuple[str, ...]
    index: Path | None
    lessons: tuple[Lesson, ...] = ()
    exercises: tuple[Exercise, ...] = ()
    solutions: tuple[Solution, ...] = ()

    @property
    def index_uri(self) -> str:
        return f"modules/{self.id}/index.md"

    @property
    def label(self) -> str:
        """The title with its step number, as the navigation and roadmap show it."""
        return f"{self.number}. {self.title}" if self.number else self.title

    @property
    def progress_ids(self) -> list[str]:
        return [x.progress_id for x in self.lessons] + [x.progress_id for x in self.exercises]


@dataclass(frozen=True)
class Course:
    """Every module, in roadmap order."""

    modules: tuple[Module, ...] = field(default_factory=tuple)

    @property
    def exercises(self) -> list[Exercise]:
        return [ex for m in self.modules for ex in m.exercises]

    @property
    def solutions(self) -> list[Solution]:
        return [s for m in self.modules for s in m.solutions]

    def module(self, module_id: str) -> Module | None:
        """The module with this id, if there is one."""
        return next((m for m in self.modules if m.id == module_id), None)


def discover_course(modules_dir: Path, exercises_dir: Path, solutions_dir: Path) -> Course:
    """Read every module, lesson, exercise and solution from the three course folders."""
    ids = sorted({p.name for d in (modules_dir, exercises_dir) for p in _subdirs(d)})
    modules = [
        _read_module(module_id, modules_dir / module_id, exercises_dir / module_id, solutions_dir / module_id)
        for module_id in ids
    ]
    return Course(tuple(modules))


def _subdirs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _read_module(module_id: str, docs: Path, exercises: Path, solutions: Path) -> Module:
    index = docs / "index.md"
    meta = read_module_meta(index)
    order = page_order(index)  # the order the module page names them, as `grade next` offers them
    exercise_list = tuple(
        sorted(
            (read_exercise(module_id, f) for f in _subdirs(exercises) if (f / EXERCISE_FILE).is_file()),
            key=lambda ex: order(ex.id, ex.slug),
        )
    )
    by_slug = {ex.slug: ex for ex in exercise_list}
    return Module(
        id=module_id,
        title=meta.title or _title_from_id(module_id),
        number=_number_from_id(module_id),
        hours=meta.hours,
        objectives=meta.objectives,
        prerequisites=meta.prerequisites,
        index=index if index.is_file() else None,
        lessons=tuple(_read_lessons(module_id, docs)),
        exercises=exercise_list,
        solutions=tuple(_read_solutions(module_id, solutions, by_slug)),
    )


def _read_lessons(module_id: str, docs: Path) -> list[Lesson]:
    if not docs.is_dir():
        return []
    files = sorted(
        p
        for p in docs.iterdir()
        if p.is_file()
        and p.suffix in (".ipynb", ".md")
        and p.name != "index.md"
        and not is_backup(p)
        and not p.name.startswith((".", "_"))
    )
    return [Lesson(module_id, p, lesson_title(p)) for p in files]


def lesson_title(path: Path) -> str:
    """The first `# Title` of a lesson (its front matter title for Markdown), else its name."""
    text = ""
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError) as err:
            raise CourseError(f"{path} is not a readable notebook: {err}") from None
        text = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown")
    else:
        title = read_front_matter(path).get("title")
        if title:
            return str(title)
        text = path.read_text(encoding="utf-8")
    match = _H1.search(text)
    return match.group(1).strip() if match else _title_from_id(path.stem)


def read_exercise(module_id: str, folder: Path) -> Exercise:
    """One exercise folder, read by the course's one reader (`grader.course_model`)."""
    meta = read_exercise_meta(folder)
    problems = []
    notebook = _exercise_notebook(folder, meta.notebook)
    if notebook is None:
        problems.append(f"{folder} has no single starter notebook (or `notebook = ...`)")
        notebook = folder / f"{folder.name}.ipynb"
    problems += [
        f"{folder / EXERCISE_FILE} lists data file {d!r}, which is not in the folder"
        for d in meta.data
        if not (folder / d).exists()
    ]
    return Exercise(
        module_id=module_id,
        folder=folder,
        id=meta.id,
        title=meta.title,
        points=meta.points,
        notebook=notebook,
        hints=meta.hints,
        explanation=meta.explanation,
        data=meta.data,
        problems=tuple(problems),
    )


def _exercise_notebook(folder: Path, named: object) -> Path | None:
    if named:
        path = folder / str(named)
        return path if path.is_file() else None
    notebooks = sorted(p for p in folder.glob("*.ipynb") if not is_backup(p))
    return notebooks[0] if len(notebooks) == 1 else None


def _read_solutions(module_id: str, solutions: Path, by_slug: dict[str, Exercise]) -> list[Solution]:
    """The reference notebook of each exercise: the one named as its starter is (as the grader reads it)."""
    found = []
    for folder in _subdirs(solutions):
        exercise = by_slug.get(folder.name)
        named = folder / exercise.notebook.name if exercise else None
        notebooks = (
            [named] if named and named.is_file() else sorted(p for p in folder.glob("*.ipynb") if not is_backup(p))
        )
        if notebooks:
            title = exercise.title if exercise else _title_from_id(folder.name)
            found.append(Solution(module_id, folder.name, notebooks[0], title))
    return found


def _number_from_id(module_id: str) -> str:
    match = re.match(r"(\d+)", module_id)
    return str(int(match.group(1))) if match else ""


def _title_from_id(name: str) -> str:
    words = re.sub(r"^\d+[-_]?", "", name).replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name
