"""Finding a cohort's notebooks: a folder of learner folders, a zip of one, or a Gradescope export.

Nothing is extracted: a notebook inside a zip is read straight from the archive when needed.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from grader.errors import UngradableInput

GRADESCOPE_METADATA = "submission_metadata.yml"
_SKIPPED_FOLDERS = {"__MACOSX", ".ipynb_checkpoints", "__pycache__"}


@dataclass(frozen=True)
class Submission:
    """One learner's notebook, wherever it is stored."""

    learner: str  # safe as a folder name
    source: str  # where it came from, as the instructor would find it
    name: str  # the notebook's file name
    location: Path  # the notebook file, or the zip archive holding it
    member: str | None = None  # its path inside the zip

    def read(self) -> bytes:
        if self.member is None:
            return self.location.read_bytes()
        with zipfile.ZipFile(self.location) as archive:
            return archive.read(self.member)


@dataclass
class Discovery:
    """The notebooks found, and what was skipped (said once to the instructor)."""

    submissions: list[Submission] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def find_submissions(path: Path) -> Discovery:
    """Every notebook in `path` (a folder or a zip), each attributed to its learner."""
    if path.is_dir():
        files = {p.relative_to(path).as_posix(): p for p in sorted(path.rglob("*")) if p.is_file()}
        return _discover(
            list(files),
            lambda rel: files[rel].read_bytes(),
            lambda rel: (files[rel], None),
            f"{path.name}/",
            unwrap=False,
        )
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]

        def read(rel: str) -> bytes:
            with zipfile.ZipFile(path) as archive:
                return archive.read(rel)

        return _discover(names, read, lambda rel: (path, rel), f"{path.name}:", unwrap=True)
    raise UngradableInput(f"{path} is neither a folder nor a zip file of submissions.")


def _discover(
    names: list[str],
    read: Callable[[str], bytes],
    locate: Callable[[str], tuple[Path, str | None]],
    prefix: str,
    unwrap: bool,
) -> Discovery:
    notebooks = [n for n in names if n.endswith(".ipynb") and not _skipped(n)]
    found = Discovery()
    exports = sorted((n for n in names if PurePosixPath(n).name == GRADESCOPE_METADATA), key=len)
    if exports:
        root = PurePosixPath(exports[0]).parent
        learners_of = _gradescope_learners(read(exports[0]), found.notes)
    else:
        root = _single_top_folder(notebooks) if unwrap else PurePosixPath(".")
        learners_of = {}
    for name in sorted(notebooks):
        parts = PurePosixPath(name).relative_to(root).parts if _under(name, root) else ()
        if len(parts) < 2:
            found.notes.append(f"skipped {prefix}{name}: it is not inside a learner's folder")
            continue
        location, member = locate(name)
        for learner in learners_of.get(parts[0], [parts[0]]):
            found.submissions.append(Submission(safe_name(learner), f"{prefix}{name}", parts[-1], location, member))
    return found


def _skipped(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p in _SKIPPED_FOLDERS or p.startswith(".") for p in parts)


def _under(name: str, root: PurePosixPath) -> bool:
    return root == PurePosixPath(".") or PurePosixPath(name).is_relative_to(root)


def _single_top_folder(notebooks: list[str]) -> PurePosixPath:
    """A zip of the folder itself (`zip -r cohort.zip cohort`) holds one folder of learner folders."""
    tops = {PurePosixPath(n).parts[0] for n in notebooks}
    if len(tops) == 1 and all(len(PurePosixPath(n).parts) >= 3 for n in notebooks):
        return PurePosixPath(tops.pop())
    return PurePosixPath(".")


def _gradescope_learners(raw: bytes, notes: list[str]) -> dict[str, list[str]]:
    """submission_NNN -> the ids of its submitters (student id, else email, else name)."""
    import yaml

    try:
        metadata: Any = yaml.safe_load(raw)
    except yaml.YAMLError as err:
        notes.append(f"{GRADESCOPE_METADATA} could not be read ({err}); learners are named by folder")
        return {}
    learners: dict[str, list[str]] = {}
    for folder, entry in (metadata or {}).items() if isinstance(metadata, dict) else ():
        submitters = entry.get(":submitters", []) if isinstance(entry, dict) else []
        ids = [_submitter_id(s) for s in submitters if isinstance(s, dict)]
        if ids := [i for i in ids if i]:
            learners[str(folder)] = ids
    return learners


def _submitter_id(submitter: dict[str, Any]) -> str:
    for key in (":sid", ":email", ":name"):
        if submitter.get(key):
            return str(submitter[key])
    return ""


def safe_name(text: str) -> str:
    """A learner id or exercise key usable as one folder or file name on any system."""
    cleaned = re.sub(r"[^\w.@+-]+", "_", text.strip()).strip("._")
    return cleaned or "unnamed"
