"""Zip files the site offers for download: one exercise folder, or the installable course."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from grader.exercise import EXERCISE_FILE, ORIGINAL_DIR
from grader.files import is_backup

# Byte-identical zips for identical folders: a rebuild does not change the site needlessly.
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
_SKIP_SUFFIXES = (".pyc", ".pyo")


def _wanted(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    if any(p in _SKIP_DIRS or p.startswith(".") for p in parts):
        return False
    return path.is_file() and not path.name.endswith(_SKIP_SUFFIXES) and not is_backup(path)


def folder_files(folder: Path) -> list[Path]:
    """The files of a folder worth shipping (no caches, no hidden files, no backups), sorted."""
    return sorted(p for p in folder.rglob("*") if _wanted(p, folder))


def zip_bytes(entries: Iterable[tuple[str, Path | bytes]]) -> bytes:
    """A deterministic zip of (name in the archive, file on disk or its bytes) pairs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path if isinstance(path, bytes) else path.read_bytes())
    return buffer.getvalue()


def _with_originals(entries: list[tuple[str, Path]]) -> list[tuple[str, Path]]:
    """Add a pristine copy of each exercise's starter under `.original/`, which `grade reset` reads.

    A learner's download has neither the solutions nor git, the two other places reset finds the
    starter; the copy is hidden from Jupyter's file list, so it is not opened by mistake.
    """
    originals = [
        ((PurePosixPath(name).parent / ORIGINAL_DIR / path.name).as_posix(), path)
        for name, path in entries
        if path.suffix == ".ipynb" and (path.parent / EXERCISE_FILE).is_file()
    ]
    return entries + originals


def exercise_zip(folder: Path) -> bytes:
    """The exercise folder (starter, checks, exercise.toml, data) inside a folder of its name."""
    return zip_bytes(
        _with_originals([(f"{folder.name}/{p.relative_to(folder).as_posix()}", p) for p in folder_files(folder)])
    )


def course_zip(root: Path, include: Iterable[str]) -> bytes:
    """The parts of the course a learner installs (never the solutions), at the zip's top level.

    No top folder inside: Windows' Extract All and macOS already unzip into a folder named after
    the zip, and a second one inside it leaves the learner one folder too high for `pip install`.
    """
    return zip_bytes(course_entries(root, include))


def course_entries(root: Path, include: Iterable[str]) -> list[tuple[str, Path]]:
    """The (name, file) pairs of the course zip, the starters' pristine copies included."""
    entries: list[tuple[str, Path]] = []
    for name in include:
        path = root / name
        if Path(name).parts[:1] == ("solutions",):
            continue  # whatever the option says, solutions never go into the learner's download
        if path.is_file():
            entries.append((name, path))
        elif path.is_dir():
            entries += [(p.relative_to(root).as_posix(), p) for p in folder_files(path)]
    return _with_originals(entries)
