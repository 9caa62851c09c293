"""Which exercise a submitted notebook answers, and a fingerprint of what it is graded against."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from grader.errors import GraderError
from grader.exercise import EXERCISE_FILE, Exercise, exercise_id_in, exercise_ids, load_exercise

# Names Jupyter and file managers give copies: "greeting-Copy1", "greeting (2)", "Copy of greeting".
_COPY_MARKS = re.compile(r"^copy of |-copy\d*$| ?\(\d+\)$| copy$")


@dataclass(frozen=True)
class Match:
    """The exercise a notebook belongs to, or why it has none."""

    exercise: Exercise | None
    key: str  # the result's file name: the exercise id, or a name for an unmatched notebook
    problem: str = ""
    course_fault: bool = False  # the exercise exists but is broken: not the learner's doing


class CourseIndex:
    """Every exercise of the course, looked up by id and by notebook name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.exercises: dict[str, Exercise] = {}
        self.broken: dict[str, str] = {}
        self.by_name: dict[str, list[Exercise]] = {}
        for exercise_id, folder in exercise_ids(root).items():
            if "/" in exercise_id:  # the module/slug alias of an id already listed
                continue
            try:
                exercise = load_exercise(folder)
            except GraderError as err:
                self.broken[exercise_id] = str(err)
                continue
            self.exercises[exercise.id] = exercise
            self.by_name.setdefault(_plain(exercise.notebook_name), []).append(exercise)

    def order(self) -> list[str]:
        """Exercise ids in roadmap order (module folder, then exercise folder)."""
        return sorted(self.exercises, key=lambda i: (self.exercises[i].module, self.exercises[i].folder.name))

    def match(self, notebook_name: str, data: bytes) -> Match:
        """By the id in the notebook's metadata, else by its file name."""
        claimed = exercise_id_in(data)
        for exercise_id in (claimed, Path(notebook_name).stem):
            if exercise_id in self.broken:
                return Match(
                    None,
                    exercise_id,
                    f"The exercise '{exercise_id}' is broken: {self.broken[exercise_id]}",
                    course_fault=True,
                )
            if exercise_id in self.exercises:
                return Match(self.exercises[exercise_id], exercise_id)
        named = self.by_name.get(_plain(notebook_name), [])
        if len(named) == 1:
            return Match(named[0], named[0].id)
        key = "unmatched-" + re.sub(r"[^\w.-]+", "_", Path(notebook_name).stem)
        if claimed:
            why = f"its metadata names the exercise '{claimed}', which this course does not have"
        elif named:
            why = f"several exercises use the name {notebook_name}, and its metadata names none"
        else:
            why = "its name matches no exercise and its metadata names none"
        return Match(None, key, f"I could not tell which exercise {notebook_name} answers: {why}.")


def _plain(notebook_name: str) -> str:
    stem = Path(notebook_name).stem.lower().strip()
    while (shorter := _COPY_MARKS.sub("", stem)) != stem:
        stem = shorter.strip()
    return stem


def exercise_fingerprint(exercise: Exercise) -> str:
    """A hash of everything a grade depends on besides the notebook: metadata, checks, data."""
    digest = hashlib.sha256()
    files = [exercise.folder / EXERCISE_FILE, *exercise.check_files]
    for name in exercise.data:
        path = exercise.folder / name
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for path in files:
        digest.update(path.relative_to(exercise.folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def checks_fingerprint(files: tuple[tuple[str, str], ...]) -> str:
    """A hash of the hidden checks added with --extra-checks."""
    digest = hashlib.sha256()
    for name, text in files:
        digest.update(f"{name}\0{text}\0".encode())
    return digest.hexdigest()
