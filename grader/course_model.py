"""The course's one reader: a module's front matter and an exercise's `exercise.toml`, validated.

The grader, the learner's and instructor's commands, the site and the book all read the course
through here, so they agree: what `course check` accepts, the site and the book build; what they
refuse, `course check` refuses first, with the same `CourseError` naming the file and the field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from grader.errors import CourseError

EXERCISE_FILE = "exercise.toml"
NETWORKS = ("none", "loopback")  # "loopback": the kernel may use a network of its own, for a course server
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(\n|\Z)", re.DOTALL)
_NAMED_EXERCISE = re.compile(r"^\s*(?:[-*]|\d+\.)\s+\*\*([a-z0-9][a-z0-9-]*)\*\*", re.MULTILINE)


@dataclass(frozen=True)
class Limits:
    """How long and how much a learner's notebook may run."""

    cell_timeout: float = 30.0
    total_timeout: float = 300.0
    memory_mb: int = 2048
    output_kb: int = 256  # per cell; beyond it output is cut, as a terminal would scroll it away
    max_notebook_mb: float = 20.0


@dataclass(frozen=True)
class ExerciseMeta:
    """What an `exercise.toml` says, every field checked for its kind."""

    id: str
    notebook: str  # "" when the file does not say (old downloads); `course check` requires it
    title: str
    points: float
    hints: tuple[str, ...] = ()
    explanation: str = ""
    data: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    limits: Limits = Limits()
    network: str = "none"


@dataclass(frozen=True)
class ModuleMeta:
    """What a module's `index.md` front matter says."""

    title: str = ""
    objectives: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()
    hours: float | None = None


def read_exercise_meta(folder: Path) -> ExerciseMeta:
    """`folder/exercise.toml`, validated; a missing, unreadable or wrong one is a `CourseError`."""
    path = folder / EXERCISE_FILE
    try:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{folder} is not an exercise folder: it has no {EXERCISE_FILE}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise CourseError(f"{path} is broken and cannot be read: {err}.") from None
    fields_ = _Fields(path, meta)
    unknown = sorted(set(meta) - {f.name for f in fields(ExerciseMeta)})
    if unknown:
        raise CourseError(f"{path}: `{unknown[0]}` is not a field of exercise.toml (a typo?).")
    exercise_id = fields_.text("id", required=True)
    return ExerciseMeta(
        id=exercise_id,
        notebook=fields_.text("notebook"),
        title=fields_.text("title") or exercise_id,
        points=fields_.number("points", 0.0),
        hints=fields_.texts("hints"),
        explanation=fields_.text("explanation"),
        data=fields_.texts("data"),
        env=fields_.table("env"),
        limits=_limits(path, meta.get("limits", {})),
        network=fields_.choice("network", NETWORKS),
    )


def exercise_id_of(folder: Path) -> str | None:
    """Only the id of an exercise folder, or None: finding an exercise must not stop at another's
    broken file (it is reported when that exercise itself is read)."""
    try:
        exercise_id = tomllib.loads((folder / EXERCISE_FILE).read_text(encoding="utf-8")).get("id")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    return exercise_id if isinstance(exercise_id, str) and exercise_id else None


def read_front_matter(markdown: Path) -> dict[str, Any]:
    """The YAML front matter of a Markdown page ({} when it has none); a broken one is a `CourseError`."""
    import yaml

    try:
        text = markdown.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as err:
        raise CourseError(f"{markdown}: the front matter is not valid YAML ({err}).".replace("\n", " ")) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CourseError(f"{markdown}: the front matter should be `key: value` lines.")
    return data


def read_module_meta(index: Path) -> ModuleMeta:
    """A module's `index.md` front matter, validated (an absent page gives an empty ModuleMeta)."""
    meta = read_front_matter(index)
    fields_ = _Fields(index, meta)
    hours = meta.get("hours")
    return ModuleMeta(
        title=fields_.text("title"),
        objectives=fields_.texts("objectives"),
        prerequisites=fields_.texts("prerequisites", comma_separated=True),
        hours=None if hours in (None, "") else fields_.number("hours", 0.0),
    )


def page_order(index: Path) -> Callable[[str, str], tuple[int, str]]:
    """A sort key for a module's exercises, from (id, folder name): first those its page names in
    its lists (`- **id**: ...`), in that order, the order a learner is meant to take them; then
    the others, by folder name."""
    try:
        names = _NAMED_EXERCISE.findall(index.read_text(encoding="utf-8"))
    except OSError:
        names = []
    ranks = {name: rank for rank, name in reversed(list(enumerate(names)))}  # a name's first mention
    return lambda exercise_id, folder_name: (ranks.get(exercise_id, len(ranks)), folder_name)


def _limits(path: Path, table: object) -> Limits:
    if not isinstance(table, dict):
        raise CourseError(f"{path}: `limits` should be a table ([limits]).")
    defaults = Limits()
    for name, value in table.items():
        if not hasattr(defaults, name):
            names = ", ".join(f.name for f in fields(Limits))
            raise CourseError(f"{path}: `limits.{name}` is not a limit; the limits are {names}.")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise CourseError(f"{path}: `limits.{name}` should be a positive number, not {value!r}.")
    values: dict[str, Any] = {k: type(getattr(defaults, k))(v) for k, v in table.items()}  # int or float, as declared
    return Limits(**values)


class _Fields:
    """Reads one field at a time, saying which file and which field when its kind is wrong."""

    def __init__(self, path: Path, meta: dict[str, Any]) -> None:
        self.path, self.meta = path, meta

    def _wrong(self, name: str, wanted: str) -> CourseError:
        return CourseError(f"{self.path}: `{name}` should be {wanted}, not {self.meta[name]!r}.")

    def text(self, name: str, required: bool = False) -> str:
        if name not in self.meta:
            if required:
                raise CourseError(f"{self.path}: `{name}` is missing.")
            return ""
        if not isinstance(self.meta[name], str):
            raise self._wrong(name, "text in quotes")
        return self.meta[name]

    def texts(self, name: str, comma_separated: bool = False) -> tuple[str, ...]:
        value = self.meta.get(name)
        if value is None:
            return ()
        if comma_separated and isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._wrong(name, 'a list of texts, like ["first", "second"]')
        return tuple(value)

    def number(self, name: str, default: float) -> float:
        value = self.meta.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(name, "a number")
        return float(value)

    def table(self, name: str) -> dict[str, str]:
        value = self.meta.get(name, {})
        if not isinstance(value, dict) or not all(isinstance(v, str | int | float) for v in value.values()):
            raise self._wrong(name, "a table of names and values")
        return {str(k): str(v) for k, v in value.items()}

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self.meta.get(name, choices[0])
        if value not in choices:
            raise self._wrong(name, " or ".join(f'"{c}"' for c in choices))
        return str(value)
